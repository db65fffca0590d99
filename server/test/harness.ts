/**
 * A real Koa app on a real port, over a real MongoDB-speaking engine, with a database of its own per
 * test file. Tests talk to it with fetch, like any client.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { afterAll, inject } from 'vitest';
import { generateSandboxKeys, type SandboxKeys } from '../src/adapters/wechatpay-sandbox';
import { buildApp, createServices, type Services } from '../src/app';
import { type Config, loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/connection';
import type { EngineKind } from '../src/db/engine';
import { createLogger } from '../src/http/logger';

export const TEST_JWT_SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestMall {
  baseUrl: string;
  config: Config;
  services: Services;
  api<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** Logs a member in through the demo code path and answers their tokens and id. */
  loginMember(nickname?: string): Promise<{ token: string; refreshToken: string; id: string; memberNo: string }>;
  loginAdmin(role?: 'owner' | 'operator' | 'support'): Promise<string>;
  close(): Promise<void>;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

let connected: Promise<void> | undefined;
/** RSA key generation takes a moment: one sandbox key set per test file. */
let sandboxKeys: SandboxKeys | undefined;

async function connectOnce(): Promise<void> {
  connected ??= (async () => {
    const dbName = `t_${randomBytes(6).toString('hex')}`;
    await connectDatabase(inject('mongoUri'), dbName);
    afterAll(async () => {
      await mongoose.connection.db?.dropDatabase().catch(() => {});
      await mongoose.disconnect();
    });
  })();
  return connected;
}

export async function startTestMall(
  env: Record<string, string> = {},
  options: {
    log?: import('../src/http/logger').Logger;
    /** Crash stand-ins inside order placement and event delivery (see orders.placing.ts). */
    orderFaults?: import('../src/app').AppDeps['orderFaults'];
    /** Extra wiring on the services before the app is built (a test's own hold or subscriber). */
    wire?: (services: Services) => void;
  } = {},
): Promise<TestMall> {
  await connectOnce();
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    SERVE_STOREFRONT: 'false',
    JOBS_ENABLED: 'false',
    SEED_DEMO: 'false',
    LOGIN_RATE_PER_IP_PER_MINUTE: '100000',
    LOGIN_RATE_PER_IDENTITY_PER_MINUTE: '100000',
    ORDER_RATE_PER_MEMBER_PER_MINUTE: '100000',
    ...env,
  });
  sandboxKeys ??= generateSandboxKeys();
  const runtime = { baseUrl: '' };
  const deps = {
    config,
    jwtSecret: config.JWT_SECRET!,
    engine: inject('engineKind') as EngineKind,
    log: options.log ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    payment: { mode: 'sandbox' as const, keys: sandboxKeys },
    runtime,
    ...(options.orderFaults ? { orderFaults: options.orderFaults } : {}),
  };
  const services = createServices(deps);
  options.wire?.(services);
  const { app } = buildApp(deps, services);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  runtime.baseUrl = baseUrl;

  const api: TestMall['api'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Buffer | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as any, headers: response.headers };
  };

  let counter = 0;
  const mall: TestMall = {
    baseUrl,
    config,
    services,
    api,
    async loginMember(nickname = `m${Date.now().toString(36)}${counter++}`) {
      const response = await api('POST', '/api/auth/wechat-login', { body: { code: `demo:${nickname}` } });
      if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
      return {
        token: response.body.accessToken,
        refreshToken: response.body.refreshToken,
        id: response.body.member.id,
        memberNo: response.body.member.memberNo,
      };
    },
    async loginAdmin(role = 'owner') {
      const username = `${role}-${randomBytes(3).toString('hex')}`;
      await services.admins.upsertAdmin(username, 'correct horse battery', role);
      const response = await api('POST', '/api/admin/auth/login', {
        body: { username, password: 'correct horse battery' },
      });
      if (response.status !== 200)
        throw new Error(`admin login failed: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.accessToken as string;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  afterAll(() => mall.close());
  return mall;
}

/**
 * Rate limits count in fixed windows (http/rate-limit.ts): a burst that straddles two windows gets twice
 * the limit. Waits, if need be, until early in a fresh window so the burst lands in one.
 */
export async function earlyInWindow(windowMs = 60_000, needMs = 20_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 200));
}
