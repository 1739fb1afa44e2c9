// Test app for the side-effect watch: its workflow body, outside any step, does an HTTP GET, writes a file and spawns
// a process, through ESM named imports of the builtins. Records itself (RECORD_URL) or is replayed. ES module.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { DBOS } from '@dbos-inc/dbos-sdk';

const note = DBOS.registerStep(async function note(x) {
  return `note:${x}`;
});

function fetchText(url) {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => { // side effect: http
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

export const effects = DBOS.registerWorkflow(async function effects(x) {
  const n = await note(x);
  const body = await fetchText(process.env.SERVER_URL);
  writeFileSync(process.env.OUT_FILE, n); // side effect: fs
  const child = spawnSync(process.execPath, ['-e', '0']); // side effect: child_process
  return { n, got: body.length > 0, status: child.status };
});

DBOS.setConfig({ name: 'replay-side-effects', systemDatabaseUrl: process.env.RECORD_URL });
await DBOS.launch();
for (const id of (process.env.RECORD_RUNS ?? '').split(',').filter(Boolean)) {
  await (await DBOS.startWorkflow(effects, { workflowID: id })(7)).getResult();
}
await DBOS.shutdown();
