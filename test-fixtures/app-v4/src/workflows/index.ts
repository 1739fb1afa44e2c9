// Registers every fixture workflow, step and transaction with DBOS; nothing runs at import.
// Runs in the fixture app's process (main.ts, record.ts, or a replay of them).
export { appDb, appDbConfig, ORDERS_DDL } from './appDb';
export { APP_DATABASE_URL_ENV, STEP_RUNS_DDL, appDatabaseUrl, closeStepCounter, countStepRun } from './counter';
export { OrderRejectedError, OutOfStockError } from './errors';
export { FraudCheck, strictFraudCheck } from './fraudCheck';
export { Orders } from './orders';
export type { AwkwardValues, OrderRequest, OrderResult, OrderRow, Payment } from './orders';
export type { FraudVerdict } from './fraudCheck';
export { sendReceipt } from './receipts';
