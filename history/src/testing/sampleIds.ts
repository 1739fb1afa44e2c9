// Workflow IDs of the sample recording with quotes and SQL/LIKE metacharacters, for the filter tests.
// Shared by sampleApp.ts (the recording program) and the tests.

export const TRICKY_IDS = [
  "it's'; DROP TABLE dbos.workflow_status; --",
  'pct%1',
  'pctX1',
  'under_1',
  'underX1',
  'back\\slash',
  'backXslash',
];
