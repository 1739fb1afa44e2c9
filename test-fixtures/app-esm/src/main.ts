// The ESM fixture's entry point: configure and launch DBOS (an ES module: `import`, top-level await).
// Runs as the app's main process; in a replay the runtime ends the process inside DBOS.launch().
import { DBOS } from '@dbos-inc/dbos-sdk';
import './workflows.js';
import './ledger.js';

DBOS.setConfig({ name: 'fixture-esm', systemDatabaseUrl: process.env.DBOS_SYSTEM_DATABASE_URL, logLevel: 'warn' });
await DBOS.launch();
// Nothing below runs in a replay.
DBOS.logger.info('fixture-esm launched');
