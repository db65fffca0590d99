/**
 * Admission (server/src/http/admission.ts) on a real Koa app over HTTP: a handler that waits until the
 * test lets it go stands for a request busy at the database.
 */
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { admission } from '../src/http/admission';
import { errorHandler } from '../src/http/middleware';
import { startTestMall } from './harness';

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function gatedApp(maxInFlight: number, maxWaitMs: number) {
  const gate = admission({ maxInFlight, maxWaitMs, exempt: ['/api/payments/wechatpay/notify'] });
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  const app = new Koa();
  app.use(errorHandler());
  app.use(gate);
  app.use(async (ctx) => {
    const name = ctx.query.name as string;
    started.push(name);
    await new Promise<void>((resolve) => releases.set(name, resolve));
    ctx.body = { name };
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(check()).toBe(true);
  };
  return { gate, started, releases, base, until };
}

describe('admission', () => {
  it('runs at most N requests at once and admits the others in arrival order', async () => {
    const { gate, started, releases, base, until } = await gatedApp(2, 10_000);
    const answers: Promise<Response>[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      answers.push(fetch(`${base()}/api/x?name=${name}`));
      await until(() => gate.stats().inFlight + gate.stats().waiting === answers.length);
    }
    expect(started).toEqual(['a', 'b']);
    expect(gate.stats()).toEqual({ inFlight: 2, waiting: 3 });
    for (const [index, name] of ['a', 'b', 'c', 'd', 'e'].entries()) {
      await until(() => releases.has(name));
      releases.get(name)!();
      expect((await answers[index]!).status).toBe(200);
    }
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(gate.stats()).toEqual({ inFlight: 0, waiting: 0 });
  });

  it('answers 503 busy with Retry-After to a request that waits too long, and forgets it', async () => {
    const { gate, releases, base, until } = await gatedApp(1, 200);
    const first = fetch(`${base()}/api/x?name=first`);
    await until(() => releases.has('first'));
    const late = await fetch(`${base()}/api/x?name=late`);
    expect(late.status).toBe(503);
    expect(late.headers.get('retry-after')).toBe('2');
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('busy');
    expect(gate.stats()).toEqual({ inFlight: 1, waiting: 0 });
    releases.get('first')!();
    expect((await first).status).toBe(200);
    expect(gate.stats()).toEqual({ inFlight: 0, waiting: 0 });
  });

  it('never holds WeChat Pay notifications or paths outside /api', async () => {
    const { gate, releases, base, until } = await gatedApp(1, 10_000);
    const busy = fetch(`${base()}/api/x?name=busy`);
    await until(() => releases.has('busy'));
    const notify = fetch(`${base()}/api/payments/wechatpay/notify?name=notify`);
    const page = fetch(`${base()}/index.html?name=page`);
    await until(() => releases.has('notify') && releases.has('page'));
    expect(gate.stats()).toEqual({ inFlight: 1, waiting: 0 });
    for (const name of ['notify', 'page', 'busy']) releases.get(name)!();
    expect((await Promise.all([busy, notify, page])).map((answer) => answer.status)).toEqual([200, 200, 200]);
  });

  it('the mall under a limit of 2 still answers a burst of 30 logins, every one', async () => {
    const mall = await startTestMall({ API_MAX_IN_FLIGHT: '2' });
    try {
      const members = await Promise.all(Array.from({ length: 30 }, (_, i) => mall.loginMember(`admission-${i}`)));
      expect(new Set(members.map((member) => member.id)).size).toBe(30);
    } finally {
      await mall.close();
    }
  });
});
