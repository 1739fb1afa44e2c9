// Every workflow, step, transaction and configured instance of the fixture shop: importing this registers them all.
// Runs in the fixture app's process; has no side effect besides registration (no launch, no config, no I/O).
export * from './counter';
export * from './shop';
export * from './pipeline';
export * from './promotions';
export * from './warehouse';
export * from './shipping';
export * from './catalog';
export * from './invoices';
export * from './shopDb';
export * from './ledger';
export * from './operations';
export * from './search';
