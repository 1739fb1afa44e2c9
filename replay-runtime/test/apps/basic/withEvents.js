// Entry that stands in for the debug adapter's CDP binding: collects the runtime's events and, at the end,
// the replay state, into EVENTS_FILE; then runs the app.
const { appendFileSync } = require('node:fs');
globalThis.__dbosReplayEvent = (json) => {
  appendFileSync(process.env.EVENTS_FILE, json + '\n');
  const ev = JSON.parse(json);
  if (ev.type === 'end') {
    const s = globalThis.__dbosReplay.state;
    appendFileSync(process.env.EVENTS_FILE, JSON.stringify({ type: 'state', workflowId: s.workflowId, inputs: s.inputs,
      operations: s.operations.map((o) => ({ functionId: o.functionId, name: o.name, args: o.args })), nextRecorded: s.nextRecorded }) + '\n');
  }
};
require('./app.js');
