/** cachedValue: one load at a time, the old value while the next loads, and `clear()` that really forgets. */
import { describe, expect, it } from 'vitest';
import { cachedValue } from '../cached-value';

function controlledLoads() {
  const pending: ((value: number) => void)[] = [];
  let loads = 0;
  const load = () =>
    new Promise<number>((resolve) => {
      loads++;
      pending.push(resolve);
    });
  return { load, pending, loads: () => loads };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('cachedValue', () => {
  it('shares one load among the reads that arrive while it runs', async () => {
    const { load, pending, loads } = controlledLoads();
    const value = cachedValue(load, 60_000);
    const reads = Array.from({ length: 50 }, () => value.get());
    expect(loads()).toBe(1);
    pending.shift()!(7);
    expect(await Promise.all(reads)).toEqual(Array(50).fill(7));
    expect(await value.get()).toBe(7);
    expect(loads()).toBe(1);
  });

  it('answers the old value once it is stale, while one new load runs', async () => {
    const { load, pending, loads } = controlledLoads();
    const value = cachedValue(load, 20);
    const first = value.get();
    pending.shift()!(1);
    expect(await first).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await Promise.all([value.get(), value.get(), value.get()])).toEqual([1, 1, 1]);
    expect(loads()).toBe(2);
    pending.shift()!(2);
    await tick();
    expect(await value.get()).toBe(2);
  });

  it('clear() forgets at once, and a load that began before it is not kept', async () => {
    const { load, pending, loads } = controlledLoads();
    const value = cachedValue(load, 60_000);
    const before = value.get();
    value.clear();
    const after = value.get();
    expect(loads()).toBe(2);
    pending[1]!(20); // the load after the change
    pending[0]!(10); // the one from before it finishes last
    expect(await before).toBe(10);
    expect(await after).toBe(20);
    expect(await value.get()).toBe(20);
  });

  it('a failed load is not kept: the next read tries again', async () => {
    let calls = 0;
    const value = cachedValue(async () => {
      calls++;
      if (calls === 1) throw new Error('database unavailable');
      return 'ok';
    }, 60_000);
    await expect(value.get()).rejects.toThrow('database unavailable');
    expect(await value.get()).toBe('ok');
  });
});
