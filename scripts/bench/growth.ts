/**
 * Benchmark 3: do the hot paths stay flat as the shop grows? Order creation, a member's order list and
 * a points-ledger page at 0, 10,000 and 50,000 existing orders (inserted in bulk straight into the
 * database, spread over 5,000 other members, each with its points-ledger entry). Goal: within 2× of
 * the empty case.
 */
import { Types } from 'mongoose';
import {
  addressFor,
  adminToken,
  database,
  json,
  loginMembers,
  mark,
  measure,
  type RunningApi,
  type Table,
} from './harness';

const STEPS = (process.env.BENCH_GROWTH_STEPS ?? '0,10000,50000').split(',').map(Number);
const ORDERS_PER_STEP = 40;
const READS = 200;
const OTHER_MEMBERS = 5000;

export async function growthBenchmark(api: RunningApi, uri: string): Promise<Table> {
  const admin = await adminToken(api.base);
  const categories = await json(api.base, 'GET', '/api/admin/categories', { token: admin });
  const product = await json(api.base, 'POST', '/api/admin/products', {
    token: admin,
    body: {
      title: '日常口粮 岩茶',
      categoryId: categories.body[0].id,
      status: 'on_sale',
      visibility: 'public',
      skus: [{ specs: [{ name: '规格', value: '袋装' }], price: 5900, stock: 1_000_000 }],
    },
  });
  const skuId: string = product.body.skus[0].id;

  // The member whose list and ledger are read: five orders and a check-in of their own.
  const [reader] = await loginMembers(api.base, 'growth-reader', 1);
  const readerAddress = await addressFor(api.base, reader!.token);
  for (let i = 0; i < 5; i++) {
    await json(api.base, 'POST', '/api/orders', {
      token: reader!.token,
      headers: { 'idempotency-key': `growth-reader-${i}` },
      body: { items: [{ skuId, qty: 1 }], addressId: readerAddress },
    });
  }
  await json(api.base, 'POST', '/api/tasks/daily-checkin/claim', { token: reader!.token });

  const { db, close } = await database(uri, api.dbName);
  const template = await db.collection('orders').findOne({ member: new Types.ObjectId(reader!.id) });
  if (!template) throw new Error('no order to copy');
  const others = Array.from({ length: OTHER_MEMBERS }, () => new Types.ObjectId());
  let inserted = 0;
  const grow = async (target: number) => {
    while (inserted < target) {
      const batch = Math.min(2000, target - inserted);
      const orders = [];
      const ledger = [];
      for (let k = 0; k < batch; k++) {
        const i = inserted + k;
        const member = others[i % OTHER_MEMBERS]!;
        const createdAt = new Date(Date.now() - ((i * 7919) % (180 * 86_400)) * 1000);
        const _id = new Types.ObjectId();
        orders.push({
          ...template,
          _id,
          member,
          orderNo: `B${String(i).padStart(12, '0')}`,
          idempotencyKey: `bulk-${i}`,
          status: i % 3 === 0 ? 'completed' : i % 3 === 1 ? 'paid' : 'cancelled',
          createdAt,
          updatedAt: createdAt,
        });
        ledger.push({
          member,
          seq: Math.floor(i / OTHER_MEMBERS) + 1,
          delta: 59,
          balanceAfter: 59 * (Math.floor(i / OTHER_MEMBERS) + 1),
          kind: 'earn',
          source: { type: 'order', id: _id.toString() },
          note: '',
          expiresAt: null,
          shortfall: 0,
          createdAt,
        });
      }
      await db.collection('orders').insertMany(orders, { ordered: false });
      await db.collection('points_ledger').insertMany(ledger, { ordered: false });
      inserted += batch;
    }
  };

  const rows: (string | number)[][] = [];
  const baseline: Record<string, number> = {};
  for (const [stepIndex, target] of STEPS.entries()) {
    const setupStarted = Date.now();
    await grow(target);
    const setupSeconds = Math.round((Date.now() - setupStarted) / 100) / 10;
    const buyers = await loginMembers(api.base, `growth-${stepIndex}`, ORDERS_PER_STEP);
    const addresses = await Promise.all(buyers.map((buyer) => addressFor(api.base, buyer.token)));
    const create = await measure(ORDERS_PER_STEP, 4, async (i) => {
      const response = await json(api.base, 'POST', '/api/orders', {
        token: buyers[i]!.token,
        headers: { 'idempotency-key': `growth-${stepIndex}-${i}` },
        body: { items: [{ skuId, qty: 1 }], addressId: addresses[i] },
      });
      return response.status === 201;
    });
    const list = await measure(READS, 8, async () => {
      const response = await fetch(`${api.base}/api/orders`, { headers: { authorization: `Bearer ${reader!.token}` } });
      await response.arrayBuffer();
      return response.ok;
    });
    const ledger = await measure(READS, 8, async () => {
      const response = await fetch(`${api.base}/api/me/points`, {
        headers: { authorization: `Bearer ${reader!.token}` },
      });
      await response.arrayBuffer();
      return response.ok;
    });
    for (const [name, result] of [
      ['POST /api/orders', create],
      ['GET /api/orders (member list)', list],
      ['GET /api/me/points (ledger page)', ledger],
    ] as const) {
      baseline[name] ??= result.p50;
      const ratio = Math.round((result.p50 / baseline[name]!) * 10) / 10;
      rows.push([
        target.toLocaleString('en-US'),
        name,
        result.rate,
        result.p50,
        result.p99,
        result.failed,
        `${ratio}×: ${mark(ratio <= 2)}`,
      ]);
    }
    rows.push([target.toLocaleString('en-US'), `(bulk insert to here: ${setupSeconds} s)`, '', '', '', '', '']);
  }
  await close();
  return {
    title: `3. Growth: hot paths at ${STEPS.map((step) => step.toLocaleString('en-US')).join(' / ')} existing orders`,
    columns: ['existing orders', 'request', 'rate /s', 'p50 ms', 'p99 ms', 'failed', 'p50 vs empty (goal ≤ 2×)'],
    rows,
    notes: [
      `orders created ${ORDERS_PER_STEP} per step, 4 at once, by fresh members; reads ${READS} per step, 8 at once`,
      `API RSS after the growth runs: ${await api.rssMb()} MB (goal < 300 MB)`,
    ],
  };
}
