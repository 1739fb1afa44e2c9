// Shipping and fraud checks: steps and workflows that fail in the ways a replay must reproduce.
// Runs in the fixture app's process (registered at import).
import { DBOS } from '@dbos-inc/dbos-sdk';
import { countStepRun } from './counter';

/** A carrier refused the quote: thrown by a step, caught by the workflow, which falls back. */
export class CarrierError extends Error {
  constructor(
    message: string,
    readonly carrier: string,
    readonly retryAfterMs: number,
    readonly details: { region: string; codes: number[] },
  ) {
    super(message);
    this.name = 'CarrierError';
  }
}

/** Thrown by a workflow: recorded as the workflow's ERROR with its name, message and fields. */
export class FraudSuspectedError extends Error {
  constructor(
    message: string,
    readonly orderId: string,
    readonly score: number,
  ) {
    super(message);
    this.name = 'FraudSuspectedError';
  }
}

export class Shipping {
  @DBOS.step()
  static async quotePremiumCarrier(orderId: string): Promise<number> {
    await countStepRun('Shipping.quotePremiumCarrier');
    throw new CarrierError(`no capacity for ${orderId}`, 'acme-air', 1500, { region: 'eu', codes: [503, 429] });
  }

  @DBOS.step()
  static async quoteGroundCarrier(orderId: string): Promise<number> {
    await countStepRun('Shipping.quoteGroundCarrier');
    return 700 + orderId.length;
  }

  /** Always down: fails both attempts, so the step records DBOSMaxStepRetriesError. */
  @DBOS.step({ retriesAllowed: true, maxAttempts: 2, intervalSeconds: 0.05, backoffRate: 1 })
  static async bookPickup(orderId: string): Promise<string> {
    await countStepRun('Shipping.bookPickup');
    throw new Error(`pickup service unavailable for ${orderId}`);
  }

  @DBOS.workflow()
  static async shipWithFallback(orderId: string): Promise<{ carrier: string; priceCents: number; premiumError: string }> {
    try {
      const price = await Shipping.quotePremiumCarrier(orderId);
      return { carrier: 'acme-air', priceCents: price, premiumError: '' };
    } catch (e) {
      const err = e as Error & { carrier?: string; retryAfterMs?: number };
      const priceCents = await Shipping.quoteGroundCarrier(orderId);
      return { carrier: 'ground', priceCents, premiumError: `${err.name}:${err.carrier}:${err.retryAfterMs}` };
    }
  }

  @DBOS.workflow()
  static async schedulePickup(orderId: string): Promise<string> {
    const quote = await Shipping.quoteGroundCarrier(orderId);
    return await Shipping.bookPickup(`${orderId}@${quote}`);
  }
}

export class Fraud {
  @DBOS.step()
  static async score(orderId: string, amountCents: number): Promise<number> {
    await countStepRun('Fraud.score');
    return Math.min(99, Math.round(amountCents / 1000) + orderId.length);
  }

  @DBOS.workflow()
  static async screenOrder(orderId: string, amountCents: number): Promise<string> {
    const score = await Fraud.score(orderId, amountCents);
    if (score > 50) throw new FraudSuspectedError(`order ${orderId} looks fraudulent`, orderId, score);
    return 'clear';
  }
}
