/**
 * The embedded engine at size: with 20,000 orders in a collection carrying the orders model's indexes,
 * how long do the three order queries on every hot path take on each FerretDB backend? (The
 * idempotency-key lookup is the first step of every order; the sorted list and the count are a
 * member's order page.)
 */
import mongoose, { Types } from 'mongoose';
import { Order } from '../../server/src/modules/orders/order.model';
import { percentiles, type Table, withEngine } from './harness';

const ORDERS = Number(process.env.BENCH_ENGINE_ORDERS ?? 20_000);
const MEMBERS = 2000;
const ROUNDS = 15;

async function probe(kind: 'ferretdb' | 'ferretdb-sqlite') {
  return withEngine(kind, async (engine) => {
    await mongoose.connect(engine.uri, { dbName: `probe_${Date.now().toString(36)}`, directConnection: true } as never);
    await Order.createIndexes();
    const members = Array.from({ length: MEMBERS }, () => new Types.ObjectId());
    const started = Date.now();
    for (let offset = 0; offset < ORDERS; offset += 2000) {
      await Order.collection.insertMany(
        Array.from({ length: Math.min(2000, ORDERS - offset) }, (_, k) => {
          const i = offset + k;
          return {
            orderNo: `P${String(i).padStart(12, '0')}`,
            member: members[i % MEMBERS],
            idempotencyKey: `probe-${i}`,
            status: 'completed',
            items: [{ skuId: new Types.ObjectId(), title: '茶', qty: 1, unitPrice: 5900 }],
            createdAt: new Date(Date.now() - i * 60_000),
            updatedAt: new Date(),
          };
        }),
        { ordered: false },
      );
    }
    const insertSeconds = (Date.now() - started) / 1000;
    const member = members[7]!;
    const time = async (run: () => Promise<unknown>) => {
      const latencies: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const t0 = performance.now();
        await run();
        latencies.push(performance.now() - t0);
      }
      return percentiles(latencies).p50;
    };
    const lookup = await time(() => Order.findOne({ member, idempotencyKey: 'probe-1007' }).lean());
    const list = await time(() => Order.find({ member }).sort({ createdAt: -1 }).limit(20).lean());
    const count = await time(() => Order.countDocuments({ member }));
    await mongoose.connection.db?.dropDatabase();
    await mongoose.disconnect();
    return { kind, lookup, list, count, insertRate: Math.round(ORDERS / insertSeconds) };
  });
}

export async function engineQueriesBenchmark(): Promise<Table> {
  const results = [await probe('ferretdb'), await probe('ferretdb-sqlite')];
  return {
    title: `0. Embedded engine at ${ORDERS.toLocaleString('en-US')} orders: order queries on each FerretDB backend (median of ${ROUNDS})`,
    columns: [
      'backend',
      'idempotency-key lookup ms',
      "member's 20 newest ms",
      "member's count ms",
      'bulk insert orders/s',
    ],
    rows: results.map((result) => [
      result.kind === 'ferretdb'
        ? 'FerretDB on PostgreSQL (default)'
        : 'FerretDB on SQLite (DB_ENGINE=ferretdb-sqlite)',
      Math.round(result.lookup * 10) / 10,
      Math.round(result.list * 10) / 10,
      Math.round(result.count * 10) / 10,
      result.insertRate,
    ]),
    notes: ['each through the serializing proxy, with the orders model’s indexes'],
  };
}
