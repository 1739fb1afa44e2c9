// Invoices for a partner system in another language: portable (language-neutral JSON) workflows.
// Runs in the fixture app's process (registered at import).
import { DBOS } from '@dbos-inc/dbos-sdk';
import { countStepRun } from './counter';

export class InvoiceRejectedError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly data: { invoiceId: string; limitCents: string },
  ) {
    super(message);
    this.name = 'InvoiceRejectedError';
  }
}

export class Invoices {
  @DBOS.step()
  static async taxFor(totalCents: string): Promise<{ taxCents: bigint; at: Date }> {
    await countStepRun('Invoices.taxFor');
    return { taxCents: (BigInt(totalCents) * 8n) / 100n, at: new Date('2026-02-01T00:00:00.000Z') };
  }

  /**
   * Portable inputs arrive as JSON on replay/recovery (a Date becomes an ISO string, a bigint a decimal string),
   * so the workflow normalizes them itself.
   */
  @DBOS.workflow({ serialization: 'portable' })
  static async issueInvoice(issuedAt: Date | string, totalCents: bigint | string, lines: string[]): Promise<Record<string, unknown>> {
    const issued = new Date(issuedAt);
    const total = BigInt(totalCents);
    const tax = await Invoices.taxFor(total.toString());
    await DBOS.setEvent('invoice', { state: 'issued', total: total.toString() });
    return {
      invoiceId: `inv-${issued.getUTCFullYear()}-${lines.length}`,
      issuedAt: issued.toISOString(),
      totalCents: total.toString(),
      taxCents: tax.taxCents.toString(),
      lines,
      meta: { currency: 'EUR', paid: false },
    };
  }

  @DBOS.workflow({ serialization: 'portable' })
  static async approveCredit(invoiceId: string, amountCents: bigint | string): Promise<string> {
    const limit = 100_000n;
    if (BigInt(amountCents) > limit) {
      throw new InvoiceRejectedError(`credit for ${invoiceId} exceeds the limit`, 'E_CREDIT_LIMIT', {
        invoiceId,
        limitCents: limit.toString(),
      });
    }
    return 'approved';
  }
}
