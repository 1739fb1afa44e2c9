// `npm run try`: the end-to-end test's code-server, left running for a person to use in a browser.
// Runs under scripts/with-postgres.mjs (Postgres up, fixtures recorded); Ctrl-C stops code-server.
import path from 'node:path';
import { startWorkbench } from './workbenchScenario.js';

async function main(): Promise<void> {
  const port = Number(process.env.DBOS_REPLAY_TRY_PORT ?? 8080);
  const workbench = await startWorkbench({
    log: (m) => process.stderr.write(m + '\n'),
    port,
    keepProfile: path.join(process.cwd(), '.cache', 'try-profile'),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('\ntry: stopping code-server\n');
    await workbench.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.write(
    `\nDBOS Replay is running in VS Code (code-server) against ${workbench.db.origin}:\n\n  ${workbench.url}\n\n` +
      'Open it in a browser, then click the DBOS Replay icon in the activity bar. Ctrl-C stops it.\n' +
      '(Bound to 127.0.0.1 only; on a remote machine use `ssh -L ' +
      port +
      ':127.0.0.1:' +
      port +
      '`.)\n',
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
