// Crafted DBOS sources for the language server tests: each flagged line ends with `// expect: <kind>`.
// Runs in the node:test process (test data only; never compiled into the product).

/** Every diagnostic kind, inside workflow bodies of each registration form. */
export const ALL_KINDS = `import { DBOS } from '@dbos-inc/dbos-sdk';
import * as crypto from 'node:crypto';
import { randomUUID as uuid } from 'crypto';
import axios from 'axios';
import http from 'node:http';
import https from 'https';
import got from 'got';
import pg, { Pool } from 'pg';
import knex from 'knex';
import fs from 'fs';
import { writeFile } from 'fs/promises';
import * as fsp from 'node:fs/promises';

const db = knex({ client: 'pg' });

export class Jobs {
  @DBOS.workflow()
  static async everything(url: string, client: pg.Client): Promise<void> {
    const t = Date.now(); // expect: dateNow
    const d = new Date(); // expect: newDate
    const r = Math.random(); // expect: random
    const a = crypto.randomUUID(); // expect: randomUUID
    const b = uuid(); // expect: randomUUID
    const key = process.env.API_KEY; // expect: processEnv
    const res = await fetch(url); // expect: httpClient
    await axios.get(url); // expect: httpClient
    http.request(url); // expect: httpClient
    https.get(url); // expect: httpClient
    await got(url); // expect: httpClient
    setTimeout(() => {}, 10); // expect: timer
    setInterval(() => {}, 10); // expect: timer
    setImmediate(() => {}); // expect: timer
    await new Promise((r) => setTimeout(r, 500)); // expect: timer
    const p = new pg.Pool(); // expect: databaseClient
    const c = new Pool(); // expect: databaseClient
    await db('orders').where({ id: 1 }).first(); // expect: databaseClient
    await client.query('SELECT 1'); // expect: databaseClient
    fs.writeFileSync('/tmp/x', 'y'); // expect: fileSystemWrite
    fs.appendFile('/tmp/x', 'y', () => {}); // expect: fileSystemWrite
    await fs.promises.writeFile('/tmp/x', 'y'); // expect: fileSystemWrite
    await writeFile('/tmp/x', 'y'); // expect: fileSystemWrite
    await fsp.mkdir('/tmp/dir'); // expect: fileSystemWrite
  }
}

async function freeWorkflow(): Promise<number> {
  return Date.now(); // expect: dateNow
}
export const free = DBOS.registerWorkflow(freeWorkflow, { name: 'freeWF' });

export const arrowWF = DBOS.registerWorkflow(async () => {
  return [1, 2].map(() => Math.random()); // expect: random
}, { name: 'arrowWF' });
`;

/** Nothing to flag: the same calls inside steps, runStep callbacks, transactions and plain functions. */
export const NO_FALSE_POSITIVES = `import { DBOS } from '@dbos-inc/dbos-sdk';
import { randomUUID } from 'node:crypto';

export class Steps {
  @DBOS.step()
  static async stamp(): Promise<number> {
    return Date.now() + Math.random();
  }

  @appDb.transaction()
  static async tx(): Promise<string> {
    return new Date().toISOString() + process.env.HOME;
  }

  @DBOS.workflow()
  static async wf(): Promise<void> {
    const now = await DBOS.now();
    const id = await DBOS.randomUUID();
    const later = new Date(now);
    const v = await DBOS.runStep(() => Date.now(), { name: 'now' });
    const w = await DBOS.runStep(async () => (await fetch('https://x')).status);
    await appDb.runTransaction(async () => randomUUID(), { name: 'rt' });
    await DBOS.sleep(1000);
  }
}

const envStep = DBOS.registerStep(async () => process.env.HOME, { name: 'env' });

function helper(): number {
  return Date.now() + Math.random();
}

export async function notAWorkflow(): Promise<string> {
  setTimeout(() => {}, 1);
  return randomUUID() + new Date().toISOString() + process.env.PATH;
}

async function shadowed(Date: { now(): number }, Math: { random(): number }, fetch: (u: string) => void): Promise<void> {
  Date.now();
  Math.random();
  fetch('x');
  const randomUUID = () => 'fixed';
  randomUUID();
}
export const shadowWF = DBOS.registerWorkflow(shadowed);
`;

/** Line numbers (0-based) and kinds of every `// expect: <kind>` marker in `text`. */
export function expectedMarkers(text: string): Array<{ line0: number; kind: string }> {
  const out: Array<{ line0: number; kind: string }> = [];
  text.split('\n').forEach((l, i) => {
    const at = l.indexOf('// expect: ');
    if (at >= 0) out.push({ line0: i, kind: l.slice(at + '// expect: '.length).trim() });
  });
  return out;
}
