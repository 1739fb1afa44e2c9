// The manifest each fixture app commits (test-fixtures/app-<key>/fixtures.json): its recorded cases by fixed ID.
// Runs in the test process.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type FixtureApp = 'v5' | 'v4';

export interface FixtureWorkflow {
  id: string;
  name: string;
  className: string | null;
  configName: string | null;
  status: string;
  parent?: string;
  covers: string[];
  note: string;
  /** [function_id, function_name] of every recorded operation, in order (v5). */
  operations?: [number, string][];
}

export interface FixtureManifest {
  app: string;
  sdk: string;
  /** Table of the step-body counters in the app database, and the env var a step body reads its URL from. */
  stepRunsTable?: string;
  appDatabaseUrlEnv?: string;
  /** The counters as they stand after recording: a replay must leave them so. */
  stepRuns?: Record<string, number>;
  workflows: FixtureWorkflow[];
}

const ROOT = path.resolve(__dirname, '..');

/** Folder of a fixture app. */
export function fixtureAppDir(app: FixtureApp): string {
  return path.join(ROOT, 'test-fixtures', `app-${app}`);
}

export function loadFixtureManifest(app: FixtureApp): FixtureManifest {
  return JSON.parse(readFileSync(path.join(fixtureAppDir(app), 'fixtures.json'), 'utf8')) as FixtureManifest;
}
