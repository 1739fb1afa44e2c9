// A ConfiguredInstance with a workflow and a step, so recordings carry a config_name.
// Runs in the fixture app's process; the instance below is created at import (registration, as DBOS requires before launch).
import { ConfiguredInstance, DBOS } from '@dbos-inc/dbos-sdk';
import { countStepRun } from './counter';

export interface FraudVerdict {
  orderId: string;
  score: number;
  verdict: 'accept' | 'review';
}

export class FraudCheck extends ConfiguredInstance {
  constructor(
    name: string,
    readonly thresholdCents: number,
  ) {
    super(name);
  }

  @DBOS.step()
  async score(amountCents: number): Promise<number> {
    await countStepRun(`FraudCheck.score`);
    return Math.min(100, Math.round((amountCents / this.thresholdCents) * 50));
  }

  @DBOS.workflow()
  async review(orderId: string, amountCents: number): Promise<FraudVerdict> {
    const score = await this.score(amountCents);
    return { orderId, score, verdict: score >= 50 ? 'review' : 'accept' };
  }
}

/** Instance name 'strict' is what workflow_status.config_name records. */
export const strictFraudCheck = new FraudCheck('strict', 5000);
