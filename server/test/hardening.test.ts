/**
 * The numbered findings of the outside probe (issue 15), one test each: every test failed before its
 * fix. Real Koa app over HTTP, real engine.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { CART_MAX_LINES } from '@siyu/shared';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxMerchantAuthorization } from '../src/adapters/wechatpay-sandbox';
import { Cart } from '../src/modules/cart/cart.model';
import { createCategory, createProduct } from '../src/modules/catalog/__tests__/fixtures';
import { Member } from '../src/modules/identity/member.model';
import { ReviewSubmission } from '../src/modules/tasks/tasks.model';
import { Upload } from '../src/modules/uploads/upload.model';
import { UPLOAD_DAILY_QUOTA } from '../src/modules/uploads/uploads.service';
import { earlyInWindow, startTestMall, type TestMall } from './harness';

let mall: TestMall;
let dataDir: string;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'siyu-hardening-'));
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logLines.push(JSON.parse(line));
      done();
    },
  });
  mall = await startTestMall({ DATA_DIR: dataDir, TRUST_PROXY: 'true' }, { log: pino({ level: 'info' }, sink) });
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function pngBytes(size = 64): Buffer {
  const bytes = Buffer.alloc(size, 7);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  return bytes;
}

async function upload(token: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(pngBytes())], { type: 'image/png' }), 'shot.png');
  const response = await fetch(`${mall.baseUrl}/api/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('1. search text with a NUL', () => {
  it('GET /api/products?q=%00 and the admin member search answer 400, not 500', async () => {
    const store = await mall.api('GET', '/api/products?q=%00');
    expect(store.status).toBe(400);
    expect(store.body.error.code).toBe('invalid_search_text');
    const admin = await mall.loginAdmin('support');
    const members = await mall.api('GET', '/api/admin/members?q=a%00b', { token: admin });
    expect(members.status).toBe(400);
    expect((await mall.api('GET', '/api/products?q=%E9%BE%99%E4%BA%95')).status).toBe(200);
  });
});

describe('2. the request log', () => {
  it('records the status that was sent, for failed requests too', async () => {
    const id = (suffix: string) => `log-check-${suffix}-0001`;
    await mall.api('GET', '/api/me', { headers: { 'x-request-id': id('401') } });
    await mall.api('GET', '/api/no-such-route', { headers: { 'x-request-id': id('404') } });
    await mall.api('GET', '/api/products?q=%00', { headers: { 'x-request-id': id('400') } });
    await mall.api('GET', '/api/health', { headers: { 'x-request-id': id('200') } });
    await sleep(100);
    const statusOf = (requestId: string) =>
      logLines.find((line) => line.requestId === requestId && line.msg === 'request')?.status;
    expect(statusOf(id('401'))).toBe(401);
    expect(statusOf(id('404'))).toBe(404);
    expect(statusOf(id('400'))).toBe(400);
    expect(statusOf(id('200'))).toBe(200);
  });
});

describe('4. admin lockout', () => {
  const login = (username: string, password: string, ip: string) =>
    mall.api('POST', '/api/admin/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': ip } });

  it('five wrong passwords from one address lock only that address; the right password from a clean address works', async () => {
    await mall.services.admins.upsertAdmin('owner-x', 'the right password', 'owner');
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await login('owner-x', `wrong-${i}`, '203.0.113.7')).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    const locked = await login('owner-x', 'the right password', '203.0.113.7');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The real admin, elsewhere, is never refused.
    expect((await login('owner-x', 'the right password', '198.51.100.20')).status).toBe(200);
  });

  it('the waits grow with every further failure', async () => {
    const { lockMsAfter } = await import('../src/modules/admins/admins.service');
    expect([4, 5, 6, 7].map(lockMsAfter)).toEqual([0, 30_000, 60_000, 120_000]);
    expect(lockMsAfter(40)).toBe(15 * 60 * 1000);
  });

  it('an unknown username is locked and answered exactly like a real one', async () => {
    await mall.services.admins.upsertAdmin('real-admin', 'the right password', 'support');
    const answers = async (username: string, ip: string) => {
      const out = [];
      for (let i = 0; i < 6; i++) {
        const answer = await login(username, `wrong-${i}`, ip);
        out.push({ status: answer.status, code: answer.body.error.code });
      }
      return out;
    };
    expect(await answers('ghost-admin', '203.0.113.8')).toEqual(await answers('real-admin', '203.0.113.9'));
  });
});

describe('5. the WeChat Pay sandbox', () => {
  it('refuses a 20 MB body with 413 before reading it, and a correct request still works', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024, 'a');
    const response = await fetch(`${mall.baseUrl}/sandbox/wechatpay/v3/pay/transactions/jsapi`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    }).catch(() => null);
    // The server answers 413 and closes; a client still sending may see the connection end instead.
    if (response) expect(response.status).toBe(413);
    expect((await mall.api('GET', '/api/health')).status).toBe(200);
  });

  it('gives unguessable prepay ids', async () => {
    const keys = mall.services.sandbox!.keys;
    const prepay = async (outTradeNo: string) => {
      const body = JSON.stringify({
        appid: keys.appid,
        mchid: keys.mchid,
        description: 'test',
        out_trade_no: outTradeNo,
        notify_url: `${mall.baseUrl}/api/payments/wechatpay/notify`,
        amount: { total: 100, currency: 'CNY' },
        payer: { openid: 'demo:x' },
      });
      const pathWithQuery = '/v3/pay/transactions/jsapi';
      const response = await mall.api('POST', `/sandbox/wechatpay${pathWithQuery}`, {
        rawBody: body,
        headers: {
          'content-type': 'application/json',
          authorization: sandboxMerchantAuthorization(keys, 'POST', pathWithQuery, body),
        },
      });
      return response.body.prepay_id as string;
    };
    const first = await prepay(`T${Date.now()}a`);
    const second = await prepay(`T${Date.now()}b`);
    expect(first).toMatch(/^wx[0-9a-f]{32}$/);
    expect(second).toMatch(/^wx[0-9a-f]{32}$/);
    expect(first.slice(0, 12)).not.toBe(second.slice(0, 12));
  });
});

describe('cart (6, 7)', () => {
  let categoryId: string;
  beforeAll(async () => {
    categoryId = (await createCategory(mall, '硬化测试')).id;
  });
  const sku = async (price: number, stock = 1000) =>
    (
      await createProduct(mall, {
        title: `贵重茶 ${price}`,
        categoryId,
        skus: [{ specs: [{ name: '规格', value: '1 饼' }], price, stock }],
      })
    ).skus[0]!.id;

  it('6. refuses a quantity that takes the cart past ¥10,000,000 and never saves it; the cart keeps answering', async () => {
    const member = await mall.loginMember();
    const dear = await sku(500_000_000); // ¥5,000,000
    expect((await mall.api('PUT', `/api/cart/items/${dear}`, { token: member.token, body: { qty: 2 } })).status).toBe(
      200,
    );
    const tooMuch = await mall.api('PUT', `/api/cart/items/${dear}`, { token: member.token, body: { qty: 3 } });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error.code).toBe('cart_total_too_large');
    const other = await sku(100_000);
    expect((await mall.api('PUT', `/api/cart/items/${other}`, { token: member.token, body: { qty: 1 } })).status).toBe(
      409,
    );
    const cart = await mall.api('GET', '/api/cart', { token: member.token });
    expect(cart.status).toBe(200);
    expect(cart.body.items).toEqual([expect.objectContaining({ skuId: dear, qty: 2 })]);
  });

  it('6. a cart saved past the ceiling before the fix still answers, the excess line marked short', async () => {
    const member = await mall.loginMember();
    const dear = await sku(900_000_000);
    await Cart.updateOne(
      { _id: member.id },
      { $set: { [`items.${dear}`]: { qty: 5, addedAt: new Date() } } },
      { upsert: true },
    );
    const cart = await mall.api('GET', '/api/cart', { token: member.token });
    expect(cart.status).toBe(200);
    expect(cart.body.items[0].status).toBe('short');
  });

  it('7. 80 concurrent adds of different SKUs leave exactly 50 lines', { timeout: 120_000 }, async () => {
    const member = await mall.loginMember();
    const skus: string[] = [];
    for (const half of [0, 1]) {
      const product = await createProduct(mall, {
        title: `八十种茶 ${half}`,
        categoryId,
        skus: Array.from({ length: 40 }, (_, i) => ({
          specs: [{ name: '规格', value: `${half}-${i}` }],
          price: 100 + i,
          stock: 1000,
        })),
      });
      skus.push(...product.skus.map((s: { id: string }) => s.id));
    }
    const answers = await Promise.all(
      skus.map((skuId) => mall.api('PUT', `/api/cart/items/${skuId}`, { token: member.token, body: { qty: 1 } })),
    );
    const cart = await Cart.findById(member.id).lean<any>();
    expect(Object.keys(cart.items).length).toBe(CART_MAX_LINES);
    expect(cart.lineCount).toBe(CART_MAX_LINES);
    expect(answers.filter((a) => a.status === 200).length).toBe(CART_MAX_LINES);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'cart_full')).toBe(true);
    // Removing a line makes room for exactly one more.
    await mall.api('DELETE', `/api/cart/items/${Object.keys(cart.items)[0]}`, { token: member.token });
    const extra = await sku(9999);
    expect((await mall.api('PUT', `/api/cart/items/${extra}`, { token: member.token, body: { qty: 1 } })).status).toBe(
      200,
    );
  });
});

describe('8. logout', () => {
  it('ends the access token of that login at once, and only that login', async () => {
    const member = await mall.loginMember('logout-twice');
    const other = await mall.api('POST', '/api/auth/wechat-login', { body: { code: 'demo:logout-twice' } });
    expect((await mall.api('GET', '/api/me', { token: member.token })).status).toBe(200);
    expect(
      (await mall.api('POST', '/api/auth/logout', { token: member.token, body: { refreshToken: member.refreshToken } }))
        .status,
    ).toBe(204);
    const after = await mall.api('GET', '/api/me', { token: member.token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('session_revoked');
    expect((await mall.api('GET', '/api/me', { token: other.body.accessToken })).status).toBe(200);
  });

  it('a logout without the refresh token ends the calling login too', async () => {
    const member = await mall.loginMember();
    expect((await mall.api('POST', '/api/auth/logout', { token: member.token, body: {} })).status).toBe(204);
    expect((await mall.api('GET', '/api/me', { token: member.token })).status).toBe(401);
    expect((await mall.api('POST', '/api/auth/refresh', { body: { refreshToken: member.refreshToken } })).status).toBe(
      401,
    );
  });
});

describe('9. security headers', () => {
  it('are on error answers exactly as on success answers', async () => {
    const ok = await mall.api('GET', '/api/health');
    for (const path of ['/api/me', '/api/no-such-route', '/api/products?q=%00']) {
      const failed = await mall.api('GET', path);
      expect(failed.status).toBeGreaterThanOrEqual(400);
      for (const header of [
        'x-content-type-options',
        'referrer-policy',
        'x-frame-options',
        'content-security-policy',
        'cross-origin-opener-policy',
      ]) {
        expect(failed.headers.get(header), `${header} on ${path}`).toBe(ok.headers.get(header));
      }
    }
  });
});

describe('10, 12, 14. the profile', () => {
  it('10. avatarUrl takes https links and our own uploads only', async () => {
    const member = await mall.loginMember();
    for (const avatarUrl of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'http://evil.example/a.png',
      'ftp://x/y.png',
      'https://user:pass@evil.example/a.png',
    ]) {
      const answer = await mall.api('PATCH', '/api/me', { token: member.token, body: { avatarUrl } });
      expect(answer.status, avatarUrl).toBe(400);
    }
    expect(
      (await mall.api('PATCH', '/api/me', { token: member.token, body: { avatarUrl: 'https://cdn.example/a.png' } }))
        .status,
    ).toBe(200);
    const mine = await upload(member.token);
    const set = await mall.api('PATCH', '/api/me', { token: member.token, body: { avatarUrl: mine.body.url } });
    expect(set.status).toBe(200);
    expect(set.body.avatarUrl).toMatch(/\/api\/uploads\/[0-9a-f]{32}\.png$/);
    // An avatar is shown to anyone, without a signed link.
    expect((await fetch(`${mall.baseUrl}${set.body.avatarUrl}`)).status).toBe(200);
    const stranger = await mall.loginMember();
    const theirs = await mall.api('PATCH', '/api/me', { token: stranger.token, body: { avatarUrl: mine.body.url } });
    expect(theirs.status).toBe(400);
    expect(theirs.body.error.code).toBe('avatar_not_yours');
  });

  it('12. display fields refuse NUL, other controls and bidi overrides, and keep emoji', async () => {
    const member = await mall.loginMember();
    for (const nickname of ['a\u0000b', 'line\nbreak', 'evil\u202Egnp.exe', '\u2066x\u2069', 'esc\u001b[31m']) {
      const answer = await mall.api('PATCH', '/api/me', { token: member.token, body: { nickname } });
      expect(answer.status, JSON.stringify(nickname)).toBe(400);
    }
    const buyer = await mall.api('POST', '/api/me/marketplaces', {
      token: member.token,
      body: { platform: 'tmall', buyerId: 'tb\u0000123' },
    });
    expect(buyer.status).toBe(400);
    const family = '茶友👨\u200D👩\u200D👧';
    const ok = await mall.api('PATCH', '/api/me', { token: member.token, body: { nickname: family } });
    expect(ok.status).toBe(200);
    expect(ok.body.nickname).toBe(family);
    expect((await Member.findById(member.id).lean())!.nickname).toBe(family);
  });

  it('14. the birthday can be set, then changed once a year (not at will)', async () => {
    const member = await mall.loginMember();
    const patch = (birthday: string) => mall.api('PATCH', '/api/me', { token: member.token, body: { birthday } });
    expect((await patch('1990-05-01')).status).toBe(200);
    const again = await patch('1990-06-01');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('birthday_change_limited');
    expect((await patch('1990-05-01')).status).toBe(200); // the same date is no change
    // A year later it can change once more.
    await Member.updateOne(
      { _id: member.id },
      { $set: { birthdayChangedAt: new Date(Date.now() - 366 * 86_400_000) } },
    );
    const concurrent = await Promise.all([patch('1991-01-01'), patch('1992-02-02')]);
    expect(concurrent.map((a) => a.status).sort()).toEqual([200, 409]);
  });
});

describe('11, 13, 17. uploads and review screenshots', () => {
  it('11. concurrent submissions of one platform order by one member leave one pending submission', async () => {
    const member = await mall.loginMember();
    const shot = await upload(member.token);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        mall.api('POST', '/api/tasks/review-screenshot/submissions', {
          token: member.token,
          body: { platform: 'tmall', orderRef: 'TM-CONCURRENT-1', imageUrl: shot.body.url },
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 201).length).toBe(1);
    expect(answers.filter((a) => a.status === 409).length).toBe(7);
    expect(await ReviewSubmission.countDocuments({ member: member.id, orderRef: 'TM-CONCURRENT-1' })).toBe(1);
  });

  it('13. uploads have a daily quota per member, and unused ones are removed after a day', async () => {
    const member = await mall.loginMember();
    const statuses = [];
    for (let i = 0; i < UPLOAD_DAILY_QUOTA + 1; i++) statuses.push((await upload(member.token)).status);
    expect(statuses.slice(0, UPLOAD_DAILY_QUOTA).every((s) => s === 201)).toBe(true);
    expect(statuses[UPLOAD_DAILY_QUOTA]).toBe(429);
    expect(await Upload.countDocuments({ member: member.id })).toBe(UPLOAD_DAILY_QUOTA);

    const other = await mall.loginMember();
    const used = await upload(other.token);
    const unused = await upload(other.token);
    await mall.api('POST', '/api/tasks/review-screenshot/submissions', {
      token: other.token,
      body: { platform: 'jd', orderRef: 'JD-KEEP-1', imageUrl: used.body.url },
    });
    const tomorrow = new Date(Date.now() + 25 * 3600_000);
    expect(await mall.services.uploads.removeUnused(tomorrow)).toBeGreaterThanOrEqual(1);
    const nameOf = (url: string) => new URL(url, 'http://x').pathname.split('/').pop();
    expect(await Upload.exists({ _id: nameOf(used.body.url) })).not.toBeNull();
    expect(await Upload.exists({ _id: nameOf(unused.body.url) })).toBeNull();
  });

  it('17. a review screenshot is served only through a short-lived signed link given to its member and support', async () => {
    const member = await mall.loginMember();
    const shot = await upload(member.token);
    const created = await mall.api('POST', '/api/tasks/review-screenshot/submissions', {
      token: member.token,
      body: { platform: 'douyin', orderRef: 'DY-PRIVATE-1', imageUrl: shot.body.url },
    });
    expect(created.status).toBe(201);
    const stored = (await ReviewSubmission.findById(created.body.id).lean())!.imageUrl;
    expect(stored).not.toContain('sig=');
    // The bare URL (as anyone who once saw it could keep it) no longer works.
    expect((await fetch(`${mall.baseUrl}${stored}`)).status).toBe(403);
    const mine = await mall.api('GET', '/api/me/review-submissions', { token: member.token });
    const signed = mine.body.find((s: any) => s.id === created.body.id).imageUrl as string;
    expect(signed).toMatch(/\?exp=\d+&sig=/);
    expect((await fetch(`${mall.baseUrl}${signed}`)).status).toBe(200);
    const support = await mall.loginAdmin('support');
    const listed = await mall.api('GET', '/api/admin/review-submissions?status=pending&pageSize=100', {
      token: support,
    });
    const forSupport = listed.body.items.find((s: any) => s.id === created.body.id).imageUrl as string;
    expect((await fetch(`${mall.baseUrl}${forSupport}`)).status).toBe(200);
    // A tampered or expired signature is refused.
    expect((await fetch(`${mall.baseUrl}${signed.replace(/sig=./, 'sig=A')}`)).status).toBe(403);
    const exp = Number(/exp=(\d+)/.exec(signed)![1]);
    const expired = mall.services.uploads.signedUrl(stored, 1, new Date((exp - 3600) * 1000));
    expect((await fetch(`${mall.baseUrl}${expired}`)).status).toBe(403);
  });
});

describe('15. API docs in production', () => {
  it('are off: /api/docs and /api/openapi.json answer 404', async () => {
    const production = await startTestMall({
      NODE_ENV: 'production',
      WECHAT_APPID: 'wx-test-appid',
      WECHAT_SECRET: 'test-secret',
      MONGODB_URI: 'mongodb://127.0.0.1:1/unused',
      PUBLIC_URL: 'https://mall.example',
      WECHATPAY_MCHID: '1900000001',
      WECHATPAY_MCH_SERIAL: 'SERIAL',
      WECHATPAY_PRIVATE_KEY_FILE: '/dev/null',
      WECHATPAY_APIV3_KEY: '0123456789abcdef0123456789abcdef',
      WECHATPAY_PLATFORM_SERIAL: 'PSERIAL',
      WECHATPAY_PLATFORM_PUBLIC_KEY_FILE: '/dev/null',
    });
    expect((await production.api('GET', '/api/openapi.json')).status).toBe(404);
    expect((await production.api('GET', '/api/docs')).status).toBe(404);
    expect((await mall.api('GET', '/api/openapi.json')).status).toBe(200);
  });
});

describe('16. public numbers', () => {
  it('member numbers are random, not counted', async () => {
    const numbers = [];
    for (let i = 0; i < 5; i++) numbers.push((await mall.loginMember()).memberNo);
    for (const memberNo of numbers) expect(memberNo).toMatch(/^SY[1-9]\d{9}$/);
    const values = numbers.map((n) => Number(n.slice(2)));
    for (let i = 1; i < values.length; i++) expect(Math.abs(values[i]! - values[i - 1]!)).toBeGreaterThan(100);
  });
});

describe('3 and 16. orders', () => {
  it('3. one member cannot hoard a SKU with unpaid orders: the open-unpaid cap, then the per-minute limit', async () => {
    const { productWithStock, shopper, placeOrder, stockOf } = await import(
      '../src/modules/orders/__tests__/checkout-fixtures'
    );
    const limited = await startTestMall({ ORDER_RATE_PER_MEMBER_PER_MINUTE: '7', ORDER_MAX_OPEN_UNPAID: '5' });
    const { skuId } = await productWithStock(limited, { stock: 1000 });
    const hoarder = await shopper(limited);
    // The per-minute limit counts in fixed minute windows: start early in one so all nine land in it.
    await earlyInWindow();
    const statuses = [];
    for (let i = 0; i < 9; i++) {
      const answer = await placeOrder(limited, hoarder, [{ skuId, qty: 99 }]);
      statuses.push(answer.status === 409 ? answer.body.error.code : answer.status);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 'too_many_unpaid_orders', 'too_many_unpaid_orders', 429, 429]);
    expect(await stockOf(skuId)).toBe(1000 - 5 * 99);
  }, 90_000);

  it('16. order numbers are not sequential; the sandbox confirm pays only for the paying member; prepay ids are unguessable', async () => {
    const { productWithStock, shopper, placeOrder } = await import('../src/modules/orders/__tests__/checkout-fixtures');
    const { skuId } = await productWithStock(mall, { stock: 100 });
    const buyer = await shopper(mall);
    const first = (await placeOrder(mall, buyer, [{ skuId, qty: 1 }])).body;
    const second = (await placeOrder(mall, buyer, [{ skuId, qty: 1 }])).body;
    const serial = (orderNo: string) => Number(orderNo.replace(/\D/g, '').slice(-10));
    expect(Math.abs(serial(first.orderNo) - serial(second.orderNo))).toBeGreaterThan(100);

    const pay = await mall.api('POST', `/api/orders/${first.id}/pay`, { token: buyer.token });
    const confirmUrl = new URL(pay.body.sandbox.confirmUrl as string);
    expect(confirmUrl.pathname).toMatch(/\/pay\/wx[0-9a-f]{32}\/confirm$/);
    // Without the payer's ticket: refused, also for another member who is signed in.
    const bare = `${confirmUrl.origin}${confirmUrl.pathname}`;
    expect((await fetch(bare, { method: 'POST' })).status).toBe(403);
    const stranger = await mall.loginMember();
    const strangers = await fetch(bare, { method: 'POST', headers: { authorization: `Bearer ${stranger.token}` } });
    expect(strangers.status).toBe(403);
    expect((await fetch(`${bare}?payer=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, { method: 'POST' })).status).toBe(403);
    expect((await mall.api('GET', `/api/orders/${first.id}`, { token: buyer.token })).body.status).toBe(
      'pending_payment',
    );
    // The payer pays: with the URL they were given, or signed in as themselves.
    expect((await fetch(confirmUrl, { method: 'POST' })).status).toBe(200);
    const pay2 = await mall.api('POST', `/api/orders/${second.id}/pay`, { token: buyer.token });
    const bare2 = new URL(pay2.body.sandbox.confirmUrl as string);
    const own = await fetch(`${bare2.origin}${bare2.pathname}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${buyer.token}` },
    });
    expect(own.status).toBe(200);
    await mall.services.sandbox!.settled();
    expect((await mall.api('GET', `/api/orders/${second.id}`, { token: buyer.token })).body.status).toBe('paid');
  });
});
