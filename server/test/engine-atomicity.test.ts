/**
 * The guarantees the whole mall rests on, checked against the engine in use: conditional updates and
 * $inc under concurrency. If an engine broke these, every stock and points test above would be luck.
 */
import mongoose, { Schema } from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { trustedOperators } from '../src/db/connection';
import { nextSequence } from '../src/db/sequence';
import { startTestMall } from './harness';

const Counter = mongoose.model(
  'ProbeCounter',
  new Schema({ _id: String, n: Number }, { collection: 'probe_counters' }),
);
const OtherCounter = mongoose.model(
  'ProbeOtherCounter',
  new Schema({ _id: String, n: Number }, { collection: 'probe_other_counters' }),
);

beforeAll(async () => {
  await startTestMall();
});

describe('engine atomicity', () => {
  it('100 concurrent sequence increments give 100 distinct values', async () => {
    const values = await Promise.all(Array.from({ length: 100 }, () => nextSequence('probe')));
    expect(new Set(values).size).toBe(100);
    expect(Math.max(...values)).toBe(100);
  });

  it('50 concurrent guarded decrements of 10 units: exactly 10 succeed and the count never goes negative', async () => {
    await Counter.create({ _id: 'stock', n: 10 });
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        Counter.findOneAndUpdate(
          { _id: 'stock', n: trustedOperators({ $gte: 1 }) },
          { $inc: { n: -1 } },
          { new: true },
        ).lean(),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(10);
    expect((await Counter.findById('stock').lean())?.n).toBe(0);
  });

  it('50 concurrent updateOne guarded decrements: exactly 10 modify', async () => {
    await Counter.create({ _id: 'stock2', n: 10 });
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        Counter.updateOne({ _id: 'stock2', n: trustedOperators({ $gte: 1 }) }, { $inc: { n: -1 } }),
      ),
    );
    expect(results.filter((r) => r.modifiedCount === 1)).toHaveLength(10);
    expect((await Counter.findById('stock2').lean())?.n).toBe(0);
  });

  it('guarded writes racing on two collections at once stay exact on both (the embedded proxy locks per collection)', async () => {
    await Counter.create({ _id: 'stock3', n: 10 });
    await OtherCounter.create({ _id: 'points', n: 0 });
    const [decrements, increments] = await Promise.all([
      Promise.all(
        Array.from({ length: 40 }, () =>
          Counter.findOneAndUpdate({ _id: 'stock3', n: trustedOperators({ $gte: 1 }) }, { $inc: { n: -1 } }).lean(),
        ),
      ),
      Promise.all(Array.from({ length: 40 }, () => OtherCounter.updateOne({ _id: 'points' }, { $inc: { n: 5 } }))),
    ]);
    expect(decrements.filter(Boolean)).toHaveLength(10);
    expect((await Counter.findById('stock3').lean())?.n).toBe(0);
    expect(increments.every((result) => result.modifiedCount === 1)).toBe(true);
    expect((await OtherCounter.findById('points').lean())?.n).toBe(200);
  });
});
