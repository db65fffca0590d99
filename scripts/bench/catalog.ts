/**
 * Benchmark 1: the catalog list page and a product page at 100 connections, beside a bare node:http +
 * driver server doing the same uncached queries and a bare node:http server sending the same bytes
 * from memory (this machine's limit, load generator included). Goals: p99 < 100 ms and the mall at
 * least 30% of the in-memory limit.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../server/src/config';
import { json, type LoadResult, load, loginMembers, mark, type RunningApi, type Table } from './harness';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);

async function startBaseline(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/bench/baseline-server.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`baseline exited with ${code}`)));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function catalogBenchmark(api: RunningApi, uri: string): Promise<Table> {
  const list = `${api.base}/api/products?pageSize=20`;
  const first = await json(api.base, 'GET', '/api/products?pageSize=20');
  const productId: string = first.body.items.find((item: { locked: boolean }) => !item.locked).id;
  const detail = `${api.base}/api/products/${productId}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'siyu-bench-bytes-'));
  const listBytes = Buffer.from(await (await fetch(list)).arrayBuffer());
  const detailBytes = Buffer.from(await (await fetch(detail)).arrayBuffer());
  await writeFile(path.join(dir, 'list.json'), listBytes);
  await writeFile(path.join(dir, 'detail.json'), detailBytes);

  const run = (url: string, headers?: Record<string, string>) =>
    load(url, { connections: CONNECTIONS, seconds: SECONDS, ...(headers ? { headers } : {}) });
  const results: { page: string; who: string; result: LoadResult }[] = [];
  results.push({ page: 'list', who: 'mall', result: await run(list) });
  results.push({ page: 'detail', who: 'mall', result: await run(detail) });
  // A logged-in member (a livestream's viewers are): priced for their tier, token checked.
  const [member] = await loginMembers(api.base, 'catalog-viewer', 1);
  results.push({
    page: 'detail',
    who: 'mall, member token',
    result: await run(detail, { authorization: `Bearer ${member!.token}` }),
  });

  const driver = await startBaseline({ BASELINE: 'driver', URI: uri, DB_NAME: api.dbName, PRODUCT_ID: productId });
  results.push({ page: 'list', who: 'node:http + driver, uncached', result: await run(`${driver.base}/list`) });
  results.push({ page: 'detail', who: 'node:http + driver, uncached', result: await run(`${driver.base}/detail`) });
  await driver.stop();

  const memory = await startBaseline({
    BASELINE: 'memory',
    LIST_BODY: path.join(dir, 'list.json'),
    DETAIL_BODY: path.join(dir, 'detail.json'),
  });
  results.push({ page: 'list', who: 'node:http, bytes from memory', result: await run(`${memory.base}/list`) });
  results.push({ page: 'detail', who: 'node:http, bytes from memory', result: await run(`${memory.base}/detail`) });
  await memory.stop();
  await rm(dir, { recursive: true, force: true });

  const limit = (page: string) => results.find((row) => row.page === page && row.who.includes('memory'))!.result.rps;
  const rows = results.map(({ page, who, result }) => {
    const share = Math.round((result.rps / limit(page)) * 1000) / 10;
    const goals = who.startsWith('mall')
      ? `p99 < 100 ms ${mark(result.p99 < 100)}; ≥ 30% of limit ${mark(share >= 30)}`
      : '';
    return [
      page === 'list' ? 'GET /api/products?pageSize=20' : 'GET /api/products/:id',
      who,
      result.rps,
      result.p50,
      result.p99,
      `${share}%`,
      result.bytesPerResponse,
      result.non2xx + result.errors,
      goals,
    ];
  });
  return {
    title: `1. Catalog at ${CONNECTIONS} connections (${SECONDS} s each; anonymous visitor unless marked)`,
    columns: ['request', 'server', 'req/s', 'p50 ms', 'p99 ms', 'of limit', 'bytes', 'errors', 'goals'],
    rows,
    notes: [
      `list ${listBytes.length} bytes, detail ${detailBytes.length} bytes (uncompressed: autocannon sends no Accept-Encoding)`,
      `API RSS after the catalog runs: ${await api.rssMb()} MB (goal < 300 MB)`,
    ],
  };
}
