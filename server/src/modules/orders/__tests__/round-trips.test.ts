/**
 * How many database commands one order (and one check-in) costs. Every command is a round trip to the engine (through
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
    // 26 before the order path was trimmed (address default lookups, coupon reads for an order naming no
    // coupon, a second product read, a holdsTaken write per hold, re-reads after the settle).
    expect(commands.length, commands.join(', ')).toBeLessThanOrEqual(14);
  });
});

describe('round trips of a daily check-in', () => {
  it('the first check-in of the day and a repeated one stay within their budgets', async () => {
    const member = await mall.loginMember();
    const claim = () => mall.api('POST', '/api/tasks/daily-checkin/claim', { token: member.token });
    let first = 0;
    const firstCommands = await commandsDuring(async () => {
      first = (await claim()).status;
    });
    let again = 0;
    const againCommands = await commandsDuring(async () => {
      again = (await claim()).status;
    });
    expect(first).toBe(200);
    expect([200, 409]).toContain(again);
    // 11 and 8 before today's and yesterday's records were read together and the balance was taken
    // from the ledger entry just written.
    expect(firstCommands.length, firstCommands.join(', ')).toBeLessThanOrEqual(10);
    expect(againCommands.length, againCommands.join(', ')).toBeLessThanOrEqual(6);
  });
});
