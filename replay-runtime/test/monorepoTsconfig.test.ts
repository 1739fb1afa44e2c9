// A TypeScript app in an npm-workspaces monorepo (packages/app with its own tsconfig.json and experimentalDecorators;
// the root's tsconfig.json without it), recorded with the real SDK and replayed through `node dist/cli.js` from the
// repository root: compiled with the app's tsconfig, or told why not. Runs in the test process.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { scratchDatabase } from '../../test-support/testDatabase.js';
import { runNode, type NodeRun as Run } from '../../test-support/runNode.js';

const root = path.resolve(__dirname, '..', '..');
const CLI = path.join(root, 'dist', 'cli.js');

const MAIN_TS = `import { DBOS } from '@dbos-inc/dbos-sdk';

export class Greeter {
  @DBOS.step()
  static async hello(name: string): Promise<string> {
    return \`hello \${name}\`;
  }

  @DBOS.workflow()
  static async greet(name: string): Promise<string> {
    return (await Greeter.hello(name)).toUpperCase();
  }
}

async function main(): Promise<void> {
  DBOS.setConfig({ name: 'mono-app', systemDatabaseUrl: process.env.RECORD_URL });
  await DBOS.launch();
  // Only the recording run gets here.
  await (await DBOS.startWorkflow(Greeter, { workflowID: 'mono-1' }).greet('ada')).getResult();
  await DBOS.shutdown();
}
void main();
`;

let repo: string;
let db: Awaited<ReturnType<typeof scratchDatabase>>;

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return runNode([CLI, ...args], {
    cwd: repo,
    env: { DBOS_SYSTEM_DATABASE_URL: undefined, DATABASE_URL: undefined, TSX_TSCONFIG_PATH: undefined, ...env },
  });
}

before(async () => {
  repo = mkdtempSync(path.join(tmpdir(), 'replay-monorepo-'));
  const app = path.join(repo, 'packages', 'app');
  mkdirSync(path.join(app, 'src'), { recursive: true });
  const compilerOptions = { target: 'ES2022', module: 'commonjs', strict: true };
  writeFileSync(
    path.join(repo, 'package.json'),
    JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }),
  );
  writeFileSync(path.join(repo, 'tsconfig.json'), JSON.stringify({ compilerOptions }));
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', main: 'src/main.ts' }));
  writeFileSync(
    path.join(app, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { ...compilerOptions, experimentalDecorators: true } }),
  );
  writeFileSync(path.join(app, 'src', 'main.ts'), MAIN_TS);
  // The hoisted node_modules of a workspace install: the SDK and tsx.
  symlinkSync(path.join(root, 'node_modules'), path.join(repo, 'node_modules'), 'dir');
  db = await scratchDatabase();
  const rec = await runNode(['--import', 'tsx', 'src/main.ts'], { cwd: app, env: { RECORD_URL: db.url } });
  assert.equal(rec.code, 0, rec.out);
});
after(async () => {
  await db?.drop();
  rmSync(repo, { recursive: true, force: true });
});

test('from the monorepo root, a .ts program compiles with its own tsconfig.json (experimentalDecorators)', async () => {
  const r = await cli(['run', 'mono-1', '--program', 'packages/app/src/main.ts', '--db', db.url, '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const v = JSON.parse(r.stdout);
  assert.equal(v.verdict, 'match');
  assert.deepEqual(v.replayedResult, { status: 'SUCCESS', value: 'HELLO ADA' });
});

test('compiled without experimentalDecorators (TSX_TSCONFIG_PATH set to the root one): said so, naming the tsconfig', async () => {
  const rootTsconfig = path.join(repo, 'tsconfig.json');
  const r = await cli(['run', 'mono-1', '--program', 'packages/app/src/main.ts', '--db', db.url, '--json'], {
    TSX_TSCONFIG_PATH: rootTsconfig,
  });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const v = JSON.parse(r.stdout);
  assert.match(
    v.error.message,
    /DBOS\.step\(\) on hello: this file is compiled without experimentalDecorators: DBOS decorators need it \(tsconfig .*replay-monorepo-[^/]+\/tsconfig\.json\)/,
  );
  assert.doesNotMatch(v.error.message, /reading 'value'/);
});
