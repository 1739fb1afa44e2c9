#!/usr/bin/env node
// Command-line entry of dbos-replay: loads the bundled CLI, dist/cli.js (npm run build makes it from cli/src/main.ts).
// Runs in the CLI process.
const path = require('node:path');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
try {
  require.resolve(cli);
} catch {
  process.stderr.write(`dbos-replay: ${cli} is missing. Run \`npm run build\` in ${path.dirname(__dirname)} first.\n`);
  process.exit(2); // ExitCode.usage (protocol/replayProtocol.ts): plain JS here, it cannot import the table.
}
// Loaded as a module, not as main: start it explicitly.
require(cli).runFromProcess();
