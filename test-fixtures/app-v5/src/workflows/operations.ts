// Back-office workflows: packing (whose courier hand-off can take the process down), manager approval, order audit.
// Runs in the fixture app's process (registered at import).
import { DBOS } from '@dbos-inc/dbos-sdk';
import { countStepRun } from './counter';
import { PIPELINE_QUEUE } from './pipeline';

export interface PackRequest {
  orderId: string;
  items: string[];
  /** Simulates the machine losing power during the courier hand-off (the process is SIGKILLed). */
  simulatePowerLoss: boolean;
}

export class Packing {
  @DBOS.step()
  static async pickItems(req: PackRequest): Promise<string[]> {
    await countStepRun('Packing.pickItems');
    return req.items.map((i) => `bin-${i}`);
  }

  @DBOS.step()
  static async printLabel(orderId: string): Promise<string> {
    await countStepRun('Packing.printLabel');
    return `LBL-${orderId}`;
  }

  @DBOS.step()
  static async handOffToCourier(req: PackRequest, label: string): Promise<string> {
    await countStepRun('Packing.handOffToCourier');
    if (req.simulatePowerLoss) process.kill(process.pid, 'SIGKILL');
    return `courier:${label}`;
  }

  @DBOS.workflow()
  static async packOrder(req: PackRequest): Promise<string> {
    const bins = await Packing.pickItems(req);
    const label = await Packing.printLabel(req.orderId);
    const receipt = await Packing.handOffToCourier(req, label);
    return `${receipt} (${bins.length} items)`;
  }
}

export const APPROVAL_TOPIC = 'approval';

export class Approvals {
  @DBOS.step()
  static async requestApproval(orderId: string, amountCents: number): Promise<string> {
    await countStepRun('Approvals.requestApproval');
    return `ticket-${orderId}-${amountCents}`;
  }

  /** Waits for a manager; cancelled by an operator while waiting in recv. */
  @DBOS.workflow()
  static async awaitApproval(orderId: string, amountCents: number, timeoutSeconds: number): Promise<string> {
    const ticket = await Approvals.requestApproval(orderId, amountCents);
    const decision = await DBOS.recv<string>(APPROVAL_TOPIC, timeoutSeconds);
    return `${ticket}:${decision ?? 'expired'}`;
  }
}

export class Audit {
  @DBOS.step()
  static async compileFindings(lines: string[]): Promise<string> {
    await countStepRun('Audit.compileFindings');
    return lines.join('; ');
  }

  @DBOS.step()
  static async openCase(targetID: string): Promise<string> {
    await countStepRun('Audit.openCase');
    return `case-${targetID}`;
  }

  /**
   * Looks at another workflow through the durable introspection APIs, and enqueues a chunk by name.
   * openCase comes first on purpose: SDK 5.3.0 skips recording getWorkflowStatus at function ID 0 (`if (callerID && callerFN)`).
   */
  @DBOS.workflow()
  static async auditOrder(targetID: string, otherIDs: string[]): Promise<string> {
    const caseId = await Audit.openCase(targetID);
    const status = await DBOS.getWorkflowStatus(targetID);
    const result = await DBOS.getResult<{ status: string }>(targetID, { timeoutSeconds: 2 });
    const listed = await DBOS.listWorkflows({ workflowIDs: [targetID, ...otherIDs], sortDesc: false });
    const handle = await DBOS.enqueueWorkflowWithOptions<{ total: number }>(
      { queueName: PIPELINE_QUEUE, workflowName: 'transformChunk', workflowClassName: 'Pipeline' },
      99,
      [1, 2, 3],
    );
    const recount = await handle.getResult();
    return await Audit.compileFindings([
      caseId,
      `${targetID}:${status?.status}:${result?.status}`,
      `listed:${listed.map((w) => `${w.workflowID}=${w.status}`).join(',')}`,
      `recount:${recount.total}`,
    ]);
  }
}
