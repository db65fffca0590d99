/**
 * Faults survived, with the API as a real process (`node --import tsx server/src/main.ts`):
 * - SIGKILL in the middle of an order storm, then a restart on the same DATA_DIR: every order that got
 *   a 201 exists and is payable, stock + sold equals what it was, and no stock hold (SKU.holders) or
 *   points entry is left without its order once the recovery job has run;
 * - the database engine stops mid-run: the API answers 503 `database_unavailable` within a bounded
 *   time, does not crash, and serves again by itself once the engine is back;
 * - two API instances on one database: rate limits, stock, member numbers and the catalog cache stay
 *   correct across them, and a job run by both changes things once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateSandboxKeys } from '../src/adapters/wechatpay-sandbox';
import { createServices, type Services } from '../src/app';
import { loadConfig, REPO_ROOT } from '../src/config';
import { connectDatabase } from '../src/db/connection';
import { ferretDbBinaryPath, freePort } from '../src/db/engine';
import { createLogger } from '../src/http/logger';
import { Sku } from '../src/modules/catalog/catalog.model';
import { Member } from '../src/modules/identity/member.model';
import { Order } from '../src/modules/orders/order.model';
import { PointsEntry } from '../src/modules/points/points.model';
import { killSpawnedApis, spawnApi } from './api-process';
import { earlyInWindow, TEST_JWT_SECRET } from './harness';

/** Engine processes a test starts itself (the APIs are tracked by api-process.ts). */
const engines: ChildProcess[] = [];
const dirs: string[] = [];
const dbName = `f_${randomBytes(6).toString('hex')}`;
let services: Services;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function tempDir() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'siyu-faults-'));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  // This process reads and repairs the same database the API processes use (as their jobs would).
  await connectDatabase(inject('mongoUri'), dbName);
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent', SEED_DEMO: 'false' });
  services = createServices({
    config,
    jwtSecret: TEST_JWT_SECRET,
    engine: 'external',
    log: createLogger('silent'),
    payment: { mode: 'sandbox', keys: generateSandboxKeys() },
    runtime: { baseUrl: 'http://127.0.0.1:1' },
  });
});

afterAll(async () => {
  killSpawnedApis();
  for (const child of engines) if (child.exitCode === null) child.kill('SIGKILL');
  await mongoose.connection.db?.dropDatabase().catch(() => {});
  await mongoose.disconnect();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function startApi(env: Record<string, string>) {
  return spawnApi(
    {
      SEED_DEMO: 'false',
      JWT_SECRET: TEST_JWT_SECRET,
      ADMIN_PASSWORD: 'fault-admin-password',
      LOGIN_RATE_PER_IP_PER_MINUTE: '100000',
      LOGIN_RATE_PER_IDENTITY_PER_MINUTE: '100000',
      ORDER_RATE_PER_MEMBER_PER_MINUTE: '100000',
      ORDER_MAX_OPEN_UNPAID: '100',
      ...env,
    },
    'node',
  );
}

async function waitFor(url: string, ok: (status: number) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (ok(response.status)) return { status: response.status, body: (await response.json()) as any };
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer as expected in ${timeoutMs} ms`);
}

function client(base: string) {
  return async (method: string, route: string, options: { token?: string; body?: unknown; key?: string } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.key) headers['idempotency-key'] = options.key;
    const response = await fetch(`${base}${route}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

async function seedSku(stock: number): Promise<string> {
  const admin = new mongoose.Types.ObjectId().toString();
  const category = await services.catalog.createCategory({ name: `故障-${randomBytes(3).toString('hex')}`, sort: 0 });
  const product = await services.catalog.createProduct(admin, {
    title: `故障测试茶 ${randomBytes(3).toString('hex')}`,
    categoryId: category.id,
    status: 'on_sale',
    visibility: 'public',
    skus: [{ specs: [{ name: '规格', value: '50g' }], price: 1000, stock }],
  } as never);
  return product.skus[0]!.id;
}

async function shopper(api: ReturnType<typeof client>, nickname: string) {
  const login = await api('POST', '/api/auth/wechat-login', { body: { code: `demo:${nickname}` } });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  const token = login.body.accessToken as string;
  const address = await api('POST', '/api/addresses', {
    token,
    body: {
      name: '林小满',
      phone: '13800138000',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: '龙井路 1 号',
      isDefault: true,
    },
  });
  expect([200, 201]).toContain(address.status);
  return { token, id: login.body.member.id as string, addressId: address.body.id as string };
}

describe('SIGKILL during an order storm', () => {
  it('loses no acknowledged order, and leaves stock, holds and ledgers exact after a restart on the same DATA_DIR', async () => {
    const dataDir = await tempDir();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { DATA_DIR: dataDir, PORT: String(port), MONGODB_URI: inject('mongoUri'), DB_NAME: dbName };
    const initialStock = 500;
    const skuId = await seedSku(initialStock);
    let api = startApi(env);
    await waitFor(`${base}/api/health`, (s) => s === 200);
    const call = client(base);
    const buyers: { token: string; id: string; addressId: string }[] = [];
    for (let i = 0; i < 6; i++) buyers.push(await shopper(call, `storm${i}`));

    // The storm: 90 orders at once from six members; the process is killed while they are in flight.
    const acknowledged: { id: string; member: string }[] = [];
    let kill: () => void = () => {};
    const killed = new Promise<void>((resolve) => {
      kill = resolve;
    });
    const storm = Array.from({ length: 90 }, async (_, i) => {
      const buyer = buyers[i % buyers.length]!;
      try {
        const answer = await call('POST', '/api/orders', {
          token: buyer.token,
          key: `storm-${i}-${randomBytes(4).toString('hex')}`,
          body: { items: [{ skuId, qty: 1 + (i % 3) }], addressId: buyer.addressId },
        });
        if (answer.status === 201) {
          acknowledged.push({ id: answer.body.id, member: buyer.id });
          if (acknowledged.length === 5) kill();
        }
      } catch {
        // the connection died with the process: not acknowledged
      }
    });
    await Promise.race([killed, sleep(20_000)]);
    api.child.kill('SIGKILL');
    await api.exited;
    await Promise.all(storm);
    expect(acknowledged.length).toBeGreaterThanOrEqual(5);

    // Restart on the same DATA_DIR (its lock was left by a killed process).
    api = startApi(env);
    await waitFor(`${base}/api/health`, (s) => s === 200);
    // The recovery job, as it runs two minutes later (the API runs it on its own schedule).
    const later = new Date(Date.now() + 10 * 60_000);
    await services.orders.recoverInterrupted(later);
    await services.orders.deliverDue(later);

    for (const order of acknowledged) {
      const stored = await Order.findById(order.id).lean();
      expect(stored, `acknowledged order ${order.id}`).not.toBeNull();
      expect(stored!.member.toString()).toBe(order.member);
      expect(stored!.status).toBe('pending_payment');
    }
    expect(await Order.countDocuments({ status: 'creating' })).toBe(0);
    const sku = (await Sku.findById(skuId).lean<any>())!;
    expect(sku.stock + sku.sold).toBe(initialStock);
    // Every held unit belongs to a live order, and every live order's units are held.
    const live = await Order.find({ status: 'pending_payment', 'items.skuId': skuId }).lean<any[]>();
    const liveIds = new Set(live.map((order) => order._id.toString()));
    expect(new Set((sku.holders ?? []).map(String))).toEqual(liveIds);
    const heldUnits = live.reduce(
      (sum, order) =>
        sum +
        order.items
          .filter((item: any) => item.skuId.toString() === skuId)
          .reduce((s: number, item: any) => s + item.qty, 0),
      0,
    );
    expect(sku.sold).toBe(heldUnits);
    // No points entry points at an order that does not exist or failed.
    for (const entry of await PointsEntry.find({ 'source.type': 'order' }).lean()) {
      expect(
        liveIds.has(entry.source.id) || (await Order.exists({ _id: entry.source.id, status: { $nin: ['failed'] } })),
      ).toBeTruthy();
    }
    expect((await services.points.checkConsistency()).ok).toBe(true);

    // And the restarted API takes orders again.
    const after = await call('POST', '/api/orders', {
      token: buyers[0]!.token,
      key: `after-${randomBytes(4).toString('hex')}`,
      body: { items: [{ skuId, qty: 1 }], addressId: buyers[0]!.addressId },
    });
    expect(after.status).toBe(201);
    api.child.kill('SIGTERM');
    expect(await api.exited, api.output().slice(-3000)).toBe(0);
  }, 180_000);
});

describe('the engine stops mid-run', () => {
  it('answers 503 database_unavailable within a bounded time, stays up, and recovers when the engine returns', async () => {
    const binary = ferretDbBinaryPath(path.join(REPO_ROOT, '.tools'));
    const engineDir = await tempDir();
    const enginePort = await freePort();
    const startEngineProcess = () => {
      const child = spawn(
        binary,
        [
          '--listen-addr',
          `127.0.0.1:${enginePort}`,
          '--handler',
          'sqlite',
          '--data-dir',
          engineDir,
          '--telemetry=disable',
          '--log-level',
          'warn',
        ],
        {
          stdio: ['pipe', 'ignore', 'ignore'],
          env: { ...process.env, FERRETDB_TELEMETRY: 'disable', DO_NOT_TRACK: '1' },
        },
      );
      engines.push(child);
      return child;
    };
    let engine = startEngineProcess();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const api = startApi({
      DATA_DIR: await tempDir(),
      PORT: String(port),
      MONGODB_URI: `mongodb://127.0.0.1:${enginePort}/`,
      DB_NAME: 'engine_stop',
    });
    await waitFor(`${base}/api/health`, (s) => s === 200, 90_000);
    expect(api.output()).toContain('Siyu Mall is running');
    const call = client(base);
    expect((await call('GET', '/api/products')).status).toBe(200);
    const member = await call('POST', '/api/auth/wechat-login', { body: { code: 'demo:before-stop' } });
    expect(member.status, JSON.stringify(member.body)).toBe(200);

    engine.kill('SIGKILL');
    await new Promise((resolve) => engine.once('exit', resolve));
    const started = Date.now();
    // (The storefront catalog may still answer from its in-memory cache: a login has to reach the database.)
    const down = await call('GET', '/api/me', { token: member.body.accessToken });
    const took = Date.now() - started;
    if (down.status !== 503) await sleep(1000);
    expect(down.status, `${JSON.stringify(down.body)} ${api.output().slice(-3000)}`).toBe(503);
    expect(down.body.error.code).toBe('database_unavailable');
    expect(took).toBeLessThan(15_000);
    const login = await call('POST', '/api/auth/wechat-login', { body: { code: 'demo:while-down' } });
    expect(login.status).toBe(503);
    expect((await call('GET', '/api/health')).status).toBe(503);
    expect(api.child.exitCode).toBeNull();

    engine = startEngineProcess();
    const recovering = Date.now();
    while (
      Date.now() - recovering < 60_000 &&
      (await call('GET', '/api/me', { token: member.body.accessToken })).status !== 200
    )
      await sleep(500);
    expect((await call('GET', '/api/me', { token: member.body.accessToken })).status).toBe(200);
    expect((await call('POST', '/api/auth/wechat-login', { body: { code: 'demo:after-return' } })).status).toBe(200);
    expect(api.child.exitCode).toBeNull();
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    engine.kill('SIGTERM');
  }, 180_000);
});

describe('two API instances on one database', () => {
  it('keep rate limits, stock, member numbers, the catalog cache and jobs correct across both', async () => {
    const shared = { MONGODB_URI: inject('mongoUri'), DB_NAME: dbName };
    const ports = [await freePort(), await freePort()];
    // A member with points that expired yesterday: the expiry job, run by both instances, books it once.
    const expiring = await Member.create({
      memberNo: `SY9${Date.now() % 1e9}`,
      nickname: '过期',
      inviteCode: randomBytes(4).toString('hex').toUpperCase(),
    });
    await services.points.apply(
      {
        memberId: expiring._id.toString(),
        delta: 77,
        kind: 'task',
        source: { type: 'test', id: 'expiring' },
        expiresAt: new Date(Date.now() - 86_400_000),
      },
      new Date(Date.now() - 2 * 86_400_000),
    );
    const instances = ports.map((port) =>
      startApi({
        ...shared,
        DATA_DIR: path.join(os.tmpdir(), `siyu-two-${port}`),
        PORT: String(port),
        JOBS_ENABLED: 'true',
        LOGIN_RATE_PER_IDENTITY_PER_MINUTE: '4',
      }),
    );
    for (const port of ports) dirs.push(path.join(os.tmpdir(), `siyu-two-${port}`));
    const [a, b] = ports.map((port) => client(`http://127.0.0.1:${port}`));
    for (const port of ports) await waitFor(`http://127.0.0.1:${port}/api/health`, (s) => s === 200);

    // Rate limits are counted in the database: 4 per identity per minute across both instances. They
    // count in fixed minute windows: start early in one so all eight tries land in the same window.
    await earlyInWindow();
    const tries = [];
    for (let i = 0; i < 8; i++)
      tries.push(await (i % 2 ? a! : b!)('POST', '/api/auth/wechat-login', { body: { code: 'demo:both' } }));
    expect(tries.map((t) => t.status).sort(), JSON.stringify(tries.map((t) => t.body))).toEqual([
      200, 200, 200, 200, 429, 429, 429, 429,
    ]);
    expect(tries.filter((t) => t.status === 429)).toHaveLength(4);

    // Member numbers stay unique with first logins racing on both.
    const logins = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        (i % 2 ? a! : b!)('POST', '/api/auth/wechat-login', { body: { code: `demo:twin${i}` } }),
      ),
    );
    expect(new Set(logins.map((l) => l.body.member.memberNo)).size).toBe(16);

    // Stock: 10 units, 20 concurrent orders split over both instances → exactly 10.
    const skuId = await seedSku(10);
    const buyers: { token: string; id: string; addressId: string }[] = [];
    for (let i = 0; i < 4; i++) buyers.push(await shopper(i % 2 ? a! : b!, `twinbuyer${i}`));
    const orders = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const buyer = buyers[i % 4]!;
        return (i % 2 ? a! : b!)('POST', '/api/orders', {
          token: buyer.token,
          key: `twin-${i}-${randomBytes(3).toString('hex')}`,
          body: { items: [{ skuId, qty: 1 }], addressId: buyer.addressId },
        });
      }),
    );
    expect(orders.filter((o) => o.status === 201)).toHaveLength(10);
    const sku = (await Sku.findById(skuId).lean<any>())!;
    expect(sku.stock).toBe(0);
    expect(sku.sold).toBe(10);

    // The catalog cache: an admin edit through one instance is seen by the other within about a second.
    const adminLogin = await a!('POST', '/api/admin/auth/login', {
      body: { username: 'admin', password: 'fault-admin-password' },
    });
    expect(adminLogin.status).toBe(200);
    const productId = sku.product.toString();
    const before = await b!('GET', `/api/products/${productId}`);
    expect(before.status).toBe(200);
    const renamed = await a!('PATCH', `/api/admin/products/${productId}`, {
      token: adminLogin.body.accessToken,
      body: { title: '两个实例改名后' },
    });
    expect(renamed.status).toBe(200);
    await sleep(1500);
    expect((await b!('GET', `/api/products/${productId}`)).body.title).toBe('两个实例改名后');

    // Jobs: both instances run the membership job at start; the expired points are booked once.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(await PointsEntry.exists({ member: expiring._id, kind: 'expire' })))
      await sleep(500);
    await sleep(3000);
    expect(await PointsEntry.countDocuments({ member: expiring._id, kind: 'expire' })).toBe(1);
    expect((await Member.findById(expiring._id).lean())!.pointsBalance).toBe(0);

    for (const instance of instances) instance.child.kill('SIGTERM');
    for (const instance of instances) expect(await instance.exited).toBe(0);
  }, 180_000);
});
