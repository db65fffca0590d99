/**
 * A value read from the database and kept per instance for `maxAgeMs` (tier benefits, pricing rules,
 * the task catalog: read on every order and page, changed by an admin now and then).
 *
 * - One load at a time: the requests that arrive while it runs share it, so a popular value's expiry
 *   under a spike costs one query, not one per request in flight.
 * - Once it is older than `maxAgeMs` the old value is still answered while the next load runs
 *   (a change made on another instance shows within `maxAgeMs` plus one load).
 * - `clear()` (the instance that made a change) forgets it at once: the next read loads afresh, and a
 *   load that started before the change is not kept.
 */
export function cachedValue<T>(load: () => Promise<T>, maxAgeMs: number) {
  let kept: { at: number; value: T } | undefined;
  let loading: Promise<T> | undefined;
  let generation = 0;

  function refresh(): Promise<T> {
    if (loading) return loading;
    const started = generation;
    const run = load()
      .then((value) => {
        if (generation === started) kept = { at: Date.now(), value };
        return value;
      })
      .finally(() => {
        if (loading === run) loading = undefined;
      });
    loading = run;
    return run;
  }

  return {
    get(): Promise<T> {
      if (!kept) return refresh();
      if (Date.now() - kept.at >= maxAgeMs) refresh().catch(() => undefined);
      return Promise.resolve(kept.value);
    },
    clear(): void {
      kept = undefined;
      loading = undefined;
      generation++;
    },
  };
}
