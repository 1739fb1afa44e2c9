// Catalog export: steps whose outputs are awkward to serialize (Date, BigInt, Map, Set, Buffer, class instances, errors).
// Runs in the fixture app's process (registered at import).
import { DBOS } from '@dbos-inc/dbos-sdk';
import { countStepRun } from './counter';

/**
 * A class instance returned by a step: it comes back from the recording as a plain object.
 * (Its fields stay JSON-plain: superjson does not walk class instances, so a bigint field would fail to serialize.)
 */
export class Money {
  constructor(
    readonly cents: number,
    readonly currency: string,
  ) {}

  format(): string {
    return `${this.currency} ${this.cents}`;
  }
}

/** Thrown without setting `name` (stored as name "Error") but with a `code` field. */
export class CatalogLockedError extends Error {
  readonly code = 'E_CATALOG_LOCKED';
}

export class Catalog {
  @DBOS.step()
  static async lastUpdated(): Promise<Date> {
    await countStepRun('Catalog.lastUpdated');
    return new Date('2026-03-04T05:06:07.089Z');
  }

  @DBOS.step()
  static async totalUnitsSold(): Promise<bigint> {
    await countStepRun('Catalog.totalUnitsSold');
    return 12345678901234567890n;
  }

  @DBOS.step()
  static async stockBySku(): Promise<Map<unknown, unknown>> {
    await countStepRun('Catalog.stockBySku');
    return new Map<unknown, unknown>([
      ['sku-1', 5],
      [42, 'answer'],
      [true, { nested: new Date(0) }],
    ]);
  }

  @DBOS.step()
  static async tags(): Promise<Set<string | number>> {
    await countStepRun('Catalog.tags');
    return new Set<string | number>(['sale', 'new', 7]);
  }

  @DBOS.step()
  static async discontinuedReason(): Promise<undefined> {
    await countStepRun('Catalog.discontinuedReason');
    return undefined;
  }

  @DBOS.step()
  static async supplierNote(): Promise<null> {
    await countStepRun('Catalog.supplierNote');
    return null;
  }

  @DBOS.step()
  static async thumbnail(): Promise<Buffer> {
    await countStepRun('Catalog.thumbnail');
    return Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]);
  }

  @DBOS.step()
  static async checksumBytes(): Promise<Uint8Array> {
    await countStepRun('Catalog.checksumBytes');
    return new Uint8Array([4, 5, 250]);
  }

  @DBOS.step()
  static async productRecord(): Promise<Record<string, unknown>> {
    await countStepRun('Catalog.productRecord');
    return {
      sku: 'sku-1',
      launched: new Date('2025-12-31T23:59:59.999Z'),
      sold: 99n,
      byRegion: new Map([['eu', 1], ['us', 2]]),
      colors: new Set(['red', 'blue']),
      image: Buffer.from('hi'),
      missing: undefined,
      none: null,
      deep: { list: [new Date(1000), 1n, { u: undefined }] },
    };
  }

  @DBOS.step()
  static async price(): Promise<Money> {
    await countStepRun('Catalog.price');
    return new Money(1999, 'EUR');
  }

  /** An Error returned as a value, not thrown. */
  @DBOS.step()
  static async lastImportError(): Promise<Error> {
    await countStepRun('Catalog.lastImportError');
    return new RangeError('row 17: price out of range');
  }

  @DBOS.step()
  static async lockCatalog(): Promise<void> {
    await countStepRun('Catalog.lockCatalog');
    throw new CatalogLockedError('catalog is locked by another export');
  }

  @DBOS.step()
  static async parseFeed(): Promise<void> {
    await countStepRun('Catalog.parseFeed');
    throw new Error('feed rejected', { cause: new TypeError('unexpected token < at 1:1') });
  }

  @DBOS.workflow()
  static async exportCatalog(): Promise<Record<string, unknown>> {
    const updated = await Catalog.lastUpdated();
    const units = await Catalog.totalUnitsSold();
    const stock = await Catalog.stockBySku();
    const tags = await Catalog.tags();
    const reason = await Catalog.discontinuedReason();
    const note = await Catalog.supplierNote();
    const thumb = await Catalog.thumbnail();
    const bytes = await Catalog.checksumBytes();
    const record = await Catalog.productRecord();
    const price = await Catalog.price();
    const importError = await Catalog.lastImportError();
    const caught: string[] = [];
    try {
      await Catalog.lockCatalog();
    } catch (e) {
      const err = e as Error & { code?: string };
      caught.push(`${err.name}/${err.code}: ${err.message}`);
    }
    try {
      await Catalog.parseFeed();
    } catch (e) {
      const err = e as Error;
      caught.push(`${err.name}: ${err.message} <- ${String((err.cause as Error | undefined)?.message)}`);
    }
    return {
      updated,
      units,
      stockKeys: [...stock.keys()],
      tags,
      reason,
      note,
      thumbLength: thumb.length,
      bytes,
      record,
      priceCents: price.cents,
      importError,
      caught,
    };
  }
}
