#!/usr/bin/env node
// Command-line entry of dbos-replay: loads the bundled CLI (npm run build makes it).
const path = require('node:path');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
try {
  require.resolve(cli);
} catch {
  process.stderr.write(`dbos-replay: ${cli} is missing. Run \`npm run build\` in ${path.dirname(__dirname)} first.\n`);
  process.exit(2);
}
// Loaded as a module, not as main: start it explicitly.
require(cli).runFromProcess();
