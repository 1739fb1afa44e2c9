// Error classes the fixture's transactions throw, with enumerable fields so the recorded error rows carry them.
// Runs in the fixture app's process.

/** Thrown by Orders.insertOrder for a non-positive amount, after its INSERT (so the rollback is observable). */
export class OrderRejectedError extends Error {
  constructor(
    readonly orderId: string,
    readonly amountCents: number,
  ) {
    super(`Order ${orderId} rejected: amount ${amountCents} must be positive`);
    this.name = 'OrderRejectedError';
  }
}

/** Thrown by Orders.reserveStock for sku 'sold-out', after its UPDATE (rolled back). */
export class OutOfStockError extends Error {
  readonly code = 'E_OUT_OF_STOCK';
  constructor(readonly sku: string) {
    super(`No stock left for ${sku}`);
    this.name = 'OutOfStockError';
  }
}
