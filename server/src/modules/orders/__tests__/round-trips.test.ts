/**
 * How many database commands one order costs. Every command is a round trip to the engine (through
 * FerretDB's serializing proxy on the embedded default), so this number is the floor of an order's
 * latency under a livestream spike. The test lists each command by collection and operation and
 * holds the count to a budget, so a change that adds round trips to the hot path shows up here.
 */
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { placeOrder, productWithStock, shopper } from './checkout-fixtures';

let mall: TestMall;
beforeAll(async () => {
  mall = await startTestMall();
});
afterAll(() => mall.close());

async function commandsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  mongoose.set('debug', (collection: string, method: string) => {
    seen.push(`${collection}.${method}`);
  });
  try {
    await run();
  } finally {
    mongoose.set('debug', false);
  }
  return seen;
}

describe('round trips of placing an order', () => {
  it('a plain order (one SKU, no coupon, no points) stays within its budget of commands', async () => {
    const { skuId } = await productWithStock(mall, { stock: 50 });
    const buyer = await shopper(mall);
    // Warm-up: the first order of a member builds per-instance caches (tier benefits, pricing rules).
    expect((await placeOrder(mall, buyer, [{ skuId, qty: 1 }])).status).toBe(201);

    let status = 0;
    const commands = await commandsDuring(async () => {
      status = (await placeOrder(mall, buyer, [{ skuId, qty: 1 }])).status;
    });
    expect(status).toBe(201);
    console.log(`${commands.length} commands for one order:\n  ${commands.join('\n  ')}`);
    // 26 before the order path was trimmed (address default lookups, coupon reads for an order naming no
    // coupon, a second product read, a holdsTaken write per hold, re-reads after the settle).
    expect(commands.length).toBeLessThanOrEqual(14);
  });
});
