/**
 * `npm run bench`: every benchmark of issue 8 in turn, each printing its table and appending it to
 * docs/benchmarks.md with machine, engine and date. Bounded (fixed durations and request counts),
 * loopback only, each run in throw-away data directories. BENCH_ONLY=engine,catalog,spike,growth,
 * checkins,bundles picks some; DB_ENGINE picks the embedded engine (default: the ladder's default).
 */
import { loadConfig } from '../../server/src/config';
import { bundlesTable } from './bundles';
import { catalogBenchmark } from './catalog';
import { checkinsBenchmark } from './checkins';
import { engineQueriesBenchmark } from './engine-queries';
import { growthBenchmark } from './growth';
import { appendToDoc, machine, printTable, startApi, type Table, withEngine } from './harness';
import { spikeBenchmark } from './spike';

const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const only = new Set((process.env.BENCH_ONLY ?? 'engine,catalog,spike,growth,checkins,bundles').split(','));
const report = async (table: Table, engine: string) => {
  printTable(table);
  await appendToDoc(table, { engine });
};

console.log(`Siyu Mall benchmarks on ${machine()}`);
if (only.has('engine')) await report(await engineQueriesBenchmark(), 'both FerretDB backends');

const apiRuns: [string, typeof catalogBenchmark][] = [
  ['catalog', catalogBenchmark],
  ['spike', spikeBenchmark],
  ['growth', growthBenchmark],
  ['checkins', checkinsBenchmark],
];
for (const [name, benchmark] of apiRuns) {
  if (!only.has(name)) continue;
  await withEngine(config.DB_ENGINE, async (engine) => {
    // A fresh API and database per benchmark, so one run's data never slows the next.
    const api = await startApi(engine.uri);
    try {
      await report(
        await benchmark(api, engine.uri),
        engine.kind === 'ferretdb' ? 'FerretDB on PostgreSQL' : engine.kind,
      );
    } finally {
      await api.stop();
    }
  });
}
if (only.has('bundles')) await report(await bundlesTable(), 'n/a');
