// Warehouses as ConfiguredInstance objects: an instance workflow recorded with config_name = the instance name.
// Runs in the fixture app's process (instances are created at import, before launch, so they are recoverable).
import { ConfiguredInstance, DBOS } from '@dbos-inc/dbos-sdk';
import { countStepRun } from './counter';

export class Warehouse extends ConfiguredInstance {
  constructor(
    name: string,
    readonly region: string,
  ) {
    super(name);
  }

  @DBOS.step()
  async countStock(sku: string): Promise<number> {
    await countStepRun(`Warehouse.countStock`);
    return sku.length * 3;
  }

  @DBOS.step()
  async orderFromSupplier(sku: string, qty: number): Promise<{ po: string; region: string; qty: number }> {
    await countStepRun(`Warehouse.orderFromSupplier`);
    return { po: `po-${this.name}-${sku}`, region: this.region, qty };
  }

  @DBOS.workflow()
  async restock(sku: string, target: number): Promise<{ warehouse: string; onHand: number; ordered: number; po: string | null }> {
    const onHand = await this.countStock(sku);
    if (onHand >= target) return { warehouse: this.name, onHand, ordered: 0, po: null };
    const po = await this.orderFromSupplier(sku, target - onHand);
    return { warehouse: this.name, onHand, ordered: po.qty, po: po.po };
  }
}

export const eastWarehouse = new Warehouse('warehouse-east', 'us-east-1');
export const westWarehouse = new Warehouse('warehouse-west', 'us-west-2');
