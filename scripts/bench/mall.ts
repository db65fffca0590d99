/**
 * `npm run bench`: the hottest paths of the mall over real HTTP against the embedded engine (or
 * MONGODB_URI), printing throughput and latency percentiles. Bounded in requests and time; loopback only.
 *   BENCH_REQUESTS (default 400) per scenario, BENCH_CONCURRENCY (default 16).
 */
import { createSecretKey } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';
import { generateSandboxKeys } from '../../server/src/adapters/wechatpay-sandbox';
import { buildApp, createServices } from '../../server/src/app';
import { loadConfig } from '../../server/src/config';
import { connectDatabase } from '../../server/src/db/connection';
import { startEngine } from '../../server/src/db/engine';
import { createLogger } from '../../server/src/http/logger';
import { seedDemoData } from '../../server/src/seed/demo';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

async function measure(name: string, total: number, fire: (i: number) => Promise<number>) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        const status = await fire(i);
        latencies.push(performance.now() - t0);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
  const codes = [...statuses].map(([code, count]) => `${code}×${count}`).join(' ');
  console.log(
    `${name.padEnd(34)} ${String(Math.round(total / seconds)).padStart(6)} req/s   p50 ${pct(50).padStart(6)} ms   p95 ${pct(95).padStart(6)} ms   p99 ${pct(99).padStart(6)} ms   ${codes}`,
  );
}

function jwtVerifyBench() {
  const secret = 'bench-secret-bench-secret-bench-secret-0123';
  const key = createSecretKey(Buffer.from(secret));
  const token = jwt.sign({ sub: 'm', ver: 0 }, key, {
    algorithm: 'HS256',
    expiresIn: 900,
    audience: 'store',
    issuer: 'siyu-mall',
  });
  const options = { algorithms: ['HS256' as const], audience: 'store', issuer: 'siyu-mall' };
  const rounds = 20_000;
  for (const [label, secretOrKey] of [
    ['string secret', secret],
    ['KeyObject secret', key],
  ] as const) {
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) jwt.verify(token, secretOrKey, options);
    const perSecond = Math.round(rounds / ((performance.now() - t0) / 1000));
    console.log(`jwt.verify with a ${label.padEnd(17)} ${String(perSecond).padStart(8)} verifications/s`);
  }
}

const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'siyu-bench-'));
const engine = await startEngine({
  ...(config.MONGODB_URI ? { mongodbUri: config.MONGODB_URI } : {}),
  engine: config.DB_ENGINE,
  dataDir,
  toolsDir: config.toolsDir,
});
await connectDatabase(engine.uri, `bench_${Date.now()}`);
const runtime = { baseUrl: '' };
const deps = {
  config: { ...config, SERVE_STOREFRONT: false },
  jwtSecret: 'bench-secret-bench-secret-bench-secret-0123',
  engine: engine.kind,
  log: createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent'),
  payment: { mode: 'sandbox' as const, keys: generateSandboxKeys() },
  runtime,
};
const services = createServices(deps);
await seedDemoData(services);
const { app } = buildApp(deps, services);
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
runtime.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const base = runtime.baseUrl;

console.log(
  `engine: ${engine.kind}; ${REQUESTS} requests per scenario, ${CONCURRENCY} concurrent; Node ${process.version}, ${os.cpus().length} cores`,
);
jwtVerifyBench();

const login = await fetch(`${base}/api/auth/wechat-login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ code: 'demo:bench' }),
}).then((r) => r.json() as Promise<{ accessToken: string; member: { id: string } }>);
const auth = { authorization: `Bearer ${login.accessToken}` };
const products = (await fetch(`${base}/api/products?pageSize=50`).then((r) => r.json())) as { items: { id: string }[] };
const detail = (await fetch(`${base}/api/products/${products.items[0]!.id}`).then((r) => r.json())) as {
  skus: { id: string }[];
};
const address = (await fetch(`${base}/api/addresses`, {
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify({
    name: '压测',
    phone: '13800138000',
    province: '浙江省',
    city: '杭州市',
    district: '西湖区',
    detail: '1 号',
  }),
}).then((r) => r.json())) as { id: string };

await measure(
  'GET /api/products (anonymous)',
  REQUESTS,
  async () => (await fetch(`${base}/api/products?pageSize=20`)).status,
);
await measure(
  'GET /api/products (member prices)',
  REQUESTS,
  async () => (await fetch(`${base}/api/products?pageSize=20`, { headers: auth })).status,
);
await measure(
  'GET /api/products/:id',
  REQUESTS,
  async (i) =>
    (await fetch(`${base}/api/products/${products.items[i % products.items.length]!.id}`, { headers: auth })).status,
);
await measure(
  'POST /api/orders/preview',
  REQUESTS,
  async () =>
    (
      await fetch(`${base}/api/orders/preview`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ skuId: detail.skus[0]!.id, qty: 1 }] }),
      })
    ).status,
);
await measure(
  'POST /api/orders (create)',
  Math.min(REQUESTS, 200),
  async (i) =>
    (
      await fetch(`${base}/api/orders`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `bench-${i}-${Date.now()}` },
        body: JSON.stringify({ items: [{ skuId: detail.skus[0]!.id, qty: 1 }], addressId: address.id }),
      })
    ).status,
);

server.close();
await mongoose.connection.db?.dropDatabase();
await mongoose.disconnect();
await engine.stop();
await rm(dataDir, { recursive: true, force: true });
