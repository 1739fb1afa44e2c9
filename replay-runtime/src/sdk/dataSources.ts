// Replay stand-ins for the published DBOS data-source packages (@dbos-inc/knex-datasource, postgres-datasource,
// drizzle-datasource, prisma-datasource): transactions are answered from operation_outputs through the replay
// `runTransaction`/`registerTransaction`; schema set-up and clients never touch a database. Runs in the user's program.
import type { AnyFn } from '../engine/registry.js';
import { errors } from '../errors.js';
import { registerTransaction, runTransaction } from './sdkModule.js';

type TxConfig = Record<string, unknown> & { name?: string };
type Descriptor = TypedPropertyDescriptor<AnyFn>;

function noClient(cls: string): never {
  throw errors.dataSourceClient(cls);
}

/**
 * One data-source class of the 4.x/5.x packages, same surface: `new X(name, ...config)`, `runTransaction`,
 * `registerTransaction`, the `transaction()` decorator, static `client` and schema helpers.
 * Both the SDK and these packages number a transaction with one function ID, synchronously at the call.
 */
function dataSourceClass(className: string): new (name: string, ...rest: unknown[]) => object {
  const cls = class {
    readonly name: string;
    constructor(name: string, ..._config: unknown[]) {
      this.name = name;
    }
    static get client(): never {
      return noClient(className);
    }
    get client(): never {
      return noClient(className);
    }
    /** Would create `dbos.transaction_completion` in the app database: nothing in replay. */
    static async initializeDBOSSchema(..._a: unknown[]): Promise<void> {}
    static async uninitializeDBOSSchema(..._a: unknown[]): Promise<void> {}
    static async initializeInternalSchema(..._a: unknown[]): Promise<void> {}
    runTransaction<T>(func: () => Promise<T>, config?: TxConfig): Promise<T> {
      return runTransaction(func, config?.name ?? func.name, { dsName: this.name, config });
    }
    registerTransaction<F extends AnyFn>(func: F, config?: TxConfig): F {
      return registerTransaction(this.name, func, config);
    }
    transaction(config?: TxConfig) {
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      const ds = this;
      return function decorator(target: object, propertyKey: PropertyKey, descriptor: Descriptor): Descriptor {
        if (!descriptor.value) throw Error('Use of decorator when original method is undefined');
        descriptor.value = ds.registerTransaction(descriptor.value, {
          ...config,
          name: config?.name ?? String(propertyKey),
          ctorOrProto: target,
        });
        return descriptor;
      };
    }
  };
  Object.defineProperty(cls, 'name', { value: className });
  return cls;
}

function moduleOf(exports: Record<string, unknown>): Record<string, unknown> {
  const m: Record<string, unknown> = { __esModule: true, ...exports, default: undefined };
  m.default = m;
  return m;
}

/** Specifier → module object for every data-source package the replay answers. */
export const dataSourceModules: Record<string, Record<string, unknown>> = {
  '@dbos-inc/knex-datasource': moduleOf({ KnexDataSource: dataSourceClass('KnexDataSource') }),
  '@dbos-inc/postgres-datasource': moduleOf({ PostgresDataSource: dataSourceClass('PostgresDataSource') }),
  '@dbos-inc/drizzle-datasource': moduleOf({ DrizzleDataSource: dataSourceClass('DrizzleDataSource') }),
  '@dbos-inc/prisma-datasource': moduleOf({ PrismaDataSource: dataSourceClass('PrismaDataSource') }),
};
