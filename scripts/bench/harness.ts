/**
 * What every benchmark stands on: the embedded engine (or MONGODB_URI) in a throw-away DATA_DIR, the
 * API as its own process (`node --import tsx server/src/main.ts`, as `npm start` runs it, so its RSS is
 * its own and the load generator does not share its event loop), autocannon over loopback, and the
 * table each benchmark prints and appends to docs/benchmarks.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { REPO_ROOT } from '../../server/src/config';
import { freePort, type RunningEngine, startEngine } from '../../server/src/db/engine';

export const ADMIN_PASSWORD = 'bench-admin-password-0123';

export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes?: string[];
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const load = os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, load ${load}, Node ${process.version}`;
}

export async function withEngine<T>(
  kind: 'auto' | 'mongod' | 'ferretdb' | 'ferretdb-sqlite',
  use: (engine: RunningEngine) => Promise<T>,
): Promise<T> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'siyu-bench-'));
  const engine = await startEngine({
    ...(process.env.MONGODB_URI ? { mongodbUri: process.env.MONGODB_URI } : {}),
    engine: kind,
    dataDir,
    toolsDir: path.join(REPO_ROOT, '.tools'),
    ephemeral: true,
  });
  try {
    return await use(engine);
  } finally {
    await engine.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export interface RunningApi {
  base: string;
  dbName: string;
  child: ChildProcess;
  rssMb(): Promise<number>;
  stop(): Promise<void>;
}

/** The API as its own process on `uri`, demo data seeded, rate limits out of the way, no timed jobs. */
export async function startApi(uri: string, env: Record<string, string> = {}): Promise<RunningApi> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'siyu-bench-api-'));
  const dbName = `bench_${Date.now().toString(36)}`;
  // BENCH_NODE_ARGS: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the API under load.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(REPO_ROOT, 'server/src/main.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      MONGODB_URI: uri,
      DB_NAME: dbName,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SERVE_STOREFRONT: 'false',
      JOBS_ENABLED: 'false',
      ADMIN_PASSWORD,
      LOGIN_RATE_PER_IP_PER_MINUTE: '10000000',
      LOGIN_RATE_PER_IDENTITY_PER_MINUTE: '10000000',
      ORDER_RATE_PER_MEMBER_PER_MINUTE: '10000000',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}: ${stderr}`);
    const ok = await fetch(`${base}/api/health`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the API did not come up: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    base,
    dbName,
    child,
    async rssMb() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
      return Math.round(kb / 1024);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  non2xx: number;
  errors: number;
  bytesPerResponse: number;
}

/** autocannon for a fixed time over loopback. */
export async function load(
  url: string,
  options: { connections: number; seconds: number; headers?: Record<string, string> },
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 30,
    headers: options.headers ?? {},
  });
  const requests = result.requests.total;
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    requests,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    bytesPerResponse: requests ? Math.round(result.throughput.total / requests) : 0,
  };
}

/** Runs `fire` `total` times, `concurrency` at once; latency percentiles in ms and the rate. */
export async function measure(total: number, concurrency: number, fire: (i: number) => Promise<boolean>) {
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        if (!(await fire(i))) failed++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { ...percentiles(latencies), rate: Math.round((total / seconds) * 10) / 10, failed, seconds };
}

export function percentiles(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
  return { p50: at(50), p99: at(99), max: Math.round(sorted[sorted.length - 1]! * 10) / 10 };
}

// biome-ignore lint/suspicious/noExplicitAny: benchmark answers are read loosely, field by field
export async function json<T = any>(
  base: string,
  method: string,
  pathname: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${pathname}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function loginMembers(base: string, prefix: string, count: number, concurrency = 20) {
  const members: { token: string; id: string }[] = new Array(count);
  await measure(count, concurrency, async (i) => {
    const login = await json(base, 'POST', '/api/auth/wechat-login', { body: { code: `demo:${prefix}-${i}` } });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
    members[i] = { token: login.body.accessToken, id: login.body.member.id };
    return true;
  });
  return members;
}

export async function addressFor(base: string, token: string): Promise<string> {
  const created = await json(base, 'POST', '/api/addresses', {
    token,
    body: {
      name: '压测',
      phone: '13800138000',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: '1 号',
    },
  });
  if (created.status !== 201) throw new Error(`address: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id;
}

export async function adminToken(base: string): Promise<string> {
  const login = await json(base, 'POST', '/api/admin/auth/login', {
    body: { username: 'admin', password: ADMIN_PASSWORD },
  });
  if (login.status !== 200) throw new Error(`admin login: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body.accessToken;
}

/** A direct driver connection to the API's database (bulk setup and checks; never on a measured path). */
export async function database(uri: string, dbName: string) {
  const client = new mongoose.mongo.MongoClient(uri, { directConnection: true });
  await client.connect();
  return { db: client.db(dbName), close: () => client.close() };
}

export function printTable(table: Table): void {
  const widths = table.columns.map((column, index) =>
    Math.max(column.length, ...table.rows.map((row) => String(row[index] ?? '').length)),
  );
  const line = (cells: (string | number)[]) =>
    cells.map((cell, index) => String(cell).padEnd(widths[index]!)).join('  ');
  console.log(`\n${table.title}`);
  console.log(line(table.columns));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of table.rows) console.log(line(row));
  for (const note of table.notes ?? []) console.log(`  ${note}`);
}

export async function appendToDoc(table: Table, context: { engine: string }): Promise<void> {
  const cellText = (cell: string | number) => String(cell).replace(/\|/g, '\\|');
  const lines = [
    '',
    `### ${table.title}`,
    '',
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · engine: ${context.engine} · ${machine()}`,
    '',
    `| ${table.columns.map(cellText).join(' | ')} |`,
    `| ${table.columns.map(() => '---').join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(cellText).join(' | ')} |`),
    ...(table.notes?.length ? ['', ...table.notes.map((note) => `- ${note}`)] : []),
    '',
  ];
  await appendFile(process.env.BENCH_DOC ?? path.join(REPO_ROOT, 'docs/benchmarks.md'), lines.join('\n'));
}

export const mark = (ok: boolean) => (ok ? 'met' : 'missed');
