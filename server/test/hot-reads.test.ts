/**
 * The hot lane (server/src/http/hot-reads.ts) answers catalog reads before the middleware chain. It may
 * make an answer faster, never different: every answer it gives is compared here with the full
 * chain's answer to the same request (a request with an `Origin` header takes the chain), and every
 * error is left to the chain.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCategory, createProduct, setTier } from '../src/modules/catalog/__tests__/fixtures';
import { startTestMall, type TestMall } from './harness';

let mall: TestMall;
const logLines: Record<string, unknown>[] = [];
let productId: string;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logLines.push(JSON.parse(line));
      done();
    },
  });
  mall = await startTestMall({}, { log: pino({ level: 'info' }, sink) });
  const category = await createCategory(mall, '热读测试');
  // A long description makes the answer big enough to be compressed.
  const product = await createProduct(mall, {
    title: '热读 岩茶',
    categoryId: category.id,
    description: Array.from({ length: 20 }, (_, i) => ({
      type: 'paragraph' as const,
      text: `第 ${i} 段：焙火足，岩韵显。`,
    })),
    skus: [
      {
        specs: [{ name: '规格', value: '50g' }],
        price: 16800,
        stock: 20,
        memberPrices: { silver: 16000, gold: 15000, black: 14000 },
      },
    ],
  });
  productId = product.id;
});
afterAll(() => mall.close());

const HEADERS = [
  'content-type',
  'content-encoding',
  'x-content-type-options',
  'content-security-policy',
  'referrer-policy',
  'x-frame-options',
  'cross-origin-opener-policy',
];

/** The same request twice: through the lane, and through the chain (an Origin header sends it there). */
async function bothWays(path: string, headers: Record<string, string> = {}) {
  const before = logLines.length;
  const hot = await fetch(`${mall.baseUrl}${path}`, { headers });
  const hotBody = await hot.text();
  const chain = await fetch(`${mall.baseUrl}${path}`, { headers: { ...headers, origin: 'https://elsewhere.example' } });
  const chainBody = await chain.text();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const lanes = logLines
    .slice(before)
    .filter((line) => line.msg === 'request' && line.path === path.split('?')[0])
    .map((line) => line.lane ?? 'chain');
  return { hot, hotBody, chain, chainBody, lanes };
}

function expectSameAnswer(answer: Awaited<ReturnType<typeof bothWays>>) {
  expect(answer.hot.status).toBe(answer.chain.status);
  expect(answer.hotBody).toBe(answer.chainBody);
  for (const name of HEADERS)
    expect([name, answer.hot.headers.get(name)]).toEqual([name, answer.chain.headers.get(name)]);
  expect(answer.hot.headers.get('vary')).toMatch(/Accept-Encoding/i);
  expect(answer.hot.headers.get('x-request-id')).toBeTruthy();
}

describe('the hot lane for catalog reads', () => {
  it('answers a product page, a list page and the categories exactly as the full chain does', async () => {
    for (const path of [`/api/products/${productId}`, '/api/products?pageSize=20', '/api/categories']) {
      const answer = await bothWays(path);
      expectSameAnswer(answer);
      expect(answer.hot.status).toBe(200);
      expect(answer.lanes).toEqual(['hot', 'chain']);
    }
  });

  it('compresses as the chain does (brotli or gzip, by Accept-Encoding)', async () => {
    for (const encoding of ['br', 'gzip', 'gzip, deflate, br']) {
      const answer = await bothWays(`/api/products/${productId}`, { 'accept-encoding': encoding });
      expectSameAnswer(answer);
      expect(answer.hot.headers.get('content-encoding')).toBe(encoding === 'gzip' ? 'gzip' : 'br');
    }
  });

  it("shows a member their tier's prices, the same as the chain", async () => {
    const member = await mall.loginMember();
    await setTier(member.id, 'gold');
    // A fresh login carries the new tier (the token's tier is read from the member on each request).
    const answer = await bothWays(`/api/products/${productId}`, { authorization: `Bearer ${member.token}` });
    expectSameAnswer(answer);
    expect(JSON.parse(answer.hotBody).skus[0].memberPrice).toBe(15000);
    expect(answer.lanes).toEqual(['hot', 'chain']);
  });

  it('leaves every error to the chain: unknown product, bad id, bad query, bad token', async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      ['/api/products/6a0000000000000000000000', {}, 404, 'product_not_found'],
      ['/api/products/not-an-id', {}, 400, 'invalid_params'],
      ['/api/products?pageSize=5000', {}, 400, 'invalid_query'],
      ['/api/products?pageSize=20', { authorization: 'Bearer not-a-token' }, 401, ''],
    ];
    for (const [path, headers, status, code] of cases) {
      const answer = await bothWays(path, headers);
      expectSameAnswer(answer);
      expect(answer.hot.status).toBe(status);
      if (code) expect(JSON.parse(answer.hotBody).error.code).toBe(code);
      expect(answer.lanes).toEqual(['chain', 'chain']);
    }
  });

  it('a catalog edit shows at once on this instance', async () => {
    const admin = await mall.loginAdmin('operator');
    const before = await fetch(`${mall.baseUrl}/api/products/${productId}`).then(
      (r) => r.json() as Promise<{ title: string }>,
    );
    const patched = await mall.api('PATCH', `/api/admin/products/${productId}`, {
      token: admin,
      body: { title: '热读 岩茶 新版' },
    });
    expect(patched.status).toBe(200);
    const after = await fetch(`${mall.baseUrl}/api/products/${productId}`).then(
      (r) => r.json() as Promise<{ title: string }>,
    );
    expect(before.title).toBe('热读 岩茶');
    expect(after.title).toBe('热读 岩茶 新版');
  });
});
