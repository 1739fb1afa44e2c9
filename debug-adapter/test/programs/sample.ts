// Test program for the adapter DAP tests (run through tsx, and compiled to an outDir with .js.map): values and a call chain.
// Runs in the debuggee (user's program).
interface Order {
  id: string;
  total: number;
  items: string[];
}

function makeOrder(id: string): Order {
  const items = ['apple', 'pear'];
  const order: Order = { id, total: 42, items };
  return order;
}

function main(): void {
  const when = new Date('2024-05-06T07:08:09.000Z');
  const big = 12345678901234567890n;
  const prices = new Map<string, number>([['apple', 3], ['pear', 5]]);
  const tags = new Set(['a', 'b']);
  const bytes = Buffer.from('hi');
  const order = makeOrder('o-1');
  console.log('order', order.id, when.getUTCFullYear(), big > 0n, prices.size, tags.size, bytes.length);
  let sum = 0;
  for (let i = 0; i < 5; i++) {
    sum += i;
  }
  console.log('sum', sum);
}

main();
