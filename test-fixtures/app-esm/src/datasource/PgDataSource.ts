// A small Postgres transactional data source written against @dbos-inc/dbos-sdk/datasource (SDK 5.3.0), as an ES
// module: the ESM twin of app-v5's src/datasource/PgDataSource.ts (each app has its own SDK instance to register with).
// Runs in the fixture app's process. The published @dbos-inc/*-datasource packages do not load with 5.3.0.
import { AsyncLocalStorage } from 'node:async_hooks';
import { DBOS } from '@dbos-inc/dbos-sdk';
import {
  DataSourceTransactionHandler,
  DBOSDataSource,
  DBOSStepAlreadyRecordedError,
  DBOSWorkflowConflictError,
  PGIsolationLevel,
  PGTransactionConfig,
  assertStillOwnsWorkflow,
  guardDataSourcePoolPG,
  isPGRetriableTransactionError,
  migrateDataSourcePG,
  registerDataSource,
  registerTransaction,
  replayRecordedStep,
  runTransaction,
} from '@dbos-inc/dbos-sdk/datasource';
import pg from 'pg';
import { stringify } from 'superjson';

export interface PgTransactionConfig extends PGTransactionConfig {
  name?: string;
}

/** Schema of the data source's `transaction_completion` checkpoint table (spec §1.6). */
const CHECKPOINT_SCHEMA = 'dbos';

/**
 * Runs transactions on a `pg.Pool` and checkpoints each one in `dbos.transaction_completion` of the same database,
 * inside the user's transaction, so a crash between the app-DB commit and the system-DB record replays the commit.
 */
export class PgDataSource implements DataSourceTransactionHandler, DBOSDataSource<PgTransactionConfig> {
  static readonly #txClient = new AsyncLocalStorage<pg.PoolClient>();
  #pool: pg.Pool | undefined;

  /** `connectionString` is read at initialize() (launch), never at import. */
  constructor(
    readonly name: string,
    private readonly connectionString: () => string,
  ) {
    registerDataSource(this);
  }

  /** The client of the transaction running on this async path. Throws outside a transaction. */
  static get client(): pg.PoolClient {
    const c = PgDataSource.#txClient.getStore();
    if (!c) throw new Error('PgDataSource.client is only available inside a PgDataSource transaction');
    return c;
  }

  get client(): pg.PoolClient {
    return PgDataSource.client;
  }

  async initialize(): Promise<void> {
    this.#pool = new pg.Pool({ connectionString: this.connectionString(), max: 4 });
    guardDataSourcePoolPG(this.#pool, 'PgDataSource');
    await this.#inTransaction(async (c) => {
      await migrateDataSourcePG(async (sql) => (await c.query(sql)).rows, CHECKPOINT_SCHEMA);
    });
  }

  async destroy(): Promise<void> {
    const p = this.#pool;
    this.#pool = undefined;
    await p?.end();
  }

  async deleteCheckpoints(workflowID: string, startStep: number, beforeCommit?: () => Promise<void>): Promise<void> {
    await this.#inTransaction(async (c) => {
      await c.query(`DELETE FROM ${CHECKPOINT_SCHEMA}.transaction_completion WHERE workflow_id = $1 AND function_num >= $2`, [
        workflowID,
        startStep,
      ]);
      await beforeCommit?.();
    });
  }

  async invokeTransactionFunction<This, Args extends unknown[], Return>(
    config: unknown,
    target: This,
    func: (this: This, ...args: Args) => Promise<Return>,
    ...args: Args
  ): Promise<Return> {
    const cfg = (config ?? {}) as PgTransactionConfig;
    const workflowID = DBOS.workflowID;
    const stepID = DBOS.stepID;
    const checkpointed = workflowID !== undefined && stepID !== undefined && !cfg.readOnly;
    if (checkpointed) {
      const recorded = await this.#recorded(workflowID, stepID);
      if (recorded) return replayRecordedStep<Return>(recorded);
    }
    for (;;) {
      try {
        return await this.#inTransaction(async (c) => {
          const result = await PgDataSource.#txClient.run(c, () => func.call(target, ...args));
          if (checkpointed) {
            const ins = await c.query(
              `INSERT INTO ${CHECKPOINT_SCHEMA}.transaction_completion (workflow_id, function_num, output)
               VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING function_num`,
              [workflowID, stepID, stringify(result)],
            );
            if (ins.rowCount === 0) throw new DBOSStepAlreadyRecordedError(workflowID, stepID);
            await assertStillOwnsWorkflow(workflowID);
          }
          return result;
        }, cfg);
      } catch (err) {
        if (err instanceof DBOSStepAlreadyRecordedError && checkpointed) {
          const recorded = await this.#recorded(workflowID, stepID);
          if (recorded) return replayRecordedStep<Return>(recorded);
        }
        if (isPGRetriableTransactionError(err)) continue;
        if (checkpointed && !(err instanceof DBOSWorkflowConflictError)) {
          await this.#pool!.query(
            `INSERT INTO ${CHECKPOINT_SCHEMA}.transaction_completion (workflow_id, function_num, error)
             VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
            [workflowID, stepID, stringify(err)],
          );
        }
        throw err;
      }
    }
  }

  runTransaction<T>(callback: () => Promise<T>, config?: PgTransactionConfig): Promise<T> {
    return runTransaction(callback, config?.name ?? callback.name, { dsName: this.name, config });
  }

  registerTransaction<This, Args extends unknown[], Return>(
    func: (this: This, ...args: Args) => Promise<Return>,
    config?: PgTransactionConfig & { name?: string; className?: string; ctorOrProto?: object },
  ): (this: This, ...args: Args) => Promise<Return> {
    return registerTransaction(this.name, func, config);
  }

  transaction(config?: PgTransactionConfig) {
    const ds = this;
    return function <This, Args extends unknown[], Return>(
      target: object,
      propertyKey: string,
      descriptor: TypedPropertyDescriptor<(this: This, ...args: Args) => Promise<Return>>,
    ): TypedPropertyDescriptor<(this: This, ...args: Args) => Promise<Return>> {
      if (!descriptor.value) throw new Error(`@${ds.name}.transaction() needs a method, not '${propertyKey}'`);
      descriptor.value = ds.registerTransaction(descriptor.value, { ...config, name: config?.name ?? propertyKey, ctorOrProto: target });
      return descriptor;
    };
  }

  async #recorded(workflowID: string, stepID: number): Promise<{ output: string | null; error: string | null } | undefined> {
    const r = await this.#pool!.query<{ output: string | null; error: string | null }>(
      `SELECT output, error FROM ${CHECKPOINT_SCHEMA}.transaction_completion WHERE workflow_id = $1 AND function_num = $2`,
      [workflowID, stepID],
    );
    return r.rows[0];
  }

  async #inTransaction<T>(fn: (c: pg.PoolClient) => Promise<T>, cfg: PgTransactionConfig = {}): Promise<T> {
    if (!this.#pool) throw new Error(`Data source '${this.name}' is not initialized: DBOS.launch() initializes it`);
    const c = await this.#pool.connect();
    try {
      const iso = cfg.isolationLevel ?? PGIsolationLevel.ReadCommitted;
      await c.query(`BEGIN ISOLATION LEVEL ${iso}${cfg.readOnly ? ' READ ONLY' : ''}`);
      const result = await fn(c);
      await c.query('COMMIT');
      return result;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }
}
