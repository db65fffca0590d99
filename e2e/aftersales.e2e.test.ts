/**
 * After-sales in a real browser: a member who paid with a coupon and points asks for a refund of one of
 * two units on the H5 storefront, support approves over the API, and the member sees 退款成功 with the
 * prorated money, while the stock and the points come back exactly.
 */
import { prorateRefund } from '@siyu/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, phonePage, screenshot } from './browser';
import { collectPageErrors } from './session';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

type Json = any;

async function call(method: string, path: string, options: { token?: string; body?: unknown; key?: string } = {}) {
  const response = await fetch(`${inject('mallUrl')}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.key ? { 'Idempotency-Key': options.key } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as Json };
}

/** The storefront's demo login form (ticking the 用户协议 consent when the build asks for it). */
async function loginAs(page: Page, nickname: string): Promise<void> {
  await page.goto(`${inject('mallUrl')}/pages/login/index`);
  await page.locator('.login-nickname').fill(nickname);
  if (await page.locator('.login-consent__box').count()) await page.locator('.login-consent__box').click();
  await page.locator('.login-submit').click();
  await page.waitForURL(/pages\/me\/index/);
}

async function supportToken(): Promise<string> {
  const owner = await call('POST', '/api/admin/auth/login', {
    body: { username: 'admin', password: inject('adminPassword') },
  });
  const password = 'support-desk-password';
  await call('POST', '/api/admin/admins', {
    token: owner.body.accessToken,
    body: { username: 'aftersales.desk', password, role: 'support' },
  });
  const login = await call('POST', '/api/admin/auth/login', { body: { username: 'aftersales.desk', password } });
  expect(login.body.admin.role).toBe('support');
  return login.body.accessToken;
}

describe('售后 on the H5 storefront', () => {
  it('asks for a refund of one unit, support approves, and the member sees 退款成功; money, stock and points come back exactly', async () => {
    const nickname = '售后小满';
    const support = await supportToken();
    const member = await call('POST', '/api/auth/wechat-login', { body: { code: `demo:${nickname}` } });
    const token = member.body.accessToken as string;
    const memberId = member.body.member.id as string;
    await call('POST', `/api/admin/members/${memberId}/points`, {
      token: support,
      key: `gift-${Date.now()}`,
      body: { delta: 2000, reason: '售后演示赠送积分' },
    });
    const address = await call('POST', '/api/addresses', {
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

    // Two units of a seeded tea, paid with the best welcome coupon and some points.
    const products = await call('GET', '/api/products?pageSize=20', { token });
    const card =
      (products.body.items as Json[]).find((item) => !item.locked && item.pointsPrice == null) ??
      products.body.items[0];
    const product = (await call('GET', `/api/products/${card.id}`, { token })).body;
    const sku = (product.skus as Json[]).find((candidate) => candidate.stock >= 5)!;
    const items = [{ skuId: sku.id, qty: 2 }];
    const preview = await call('POST', '/api/orders/preview', {
      token,
      body: { items, addressId: address.body.id, pointsToUse: 500 },
    });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    const placed = await call('POST', '/api/orders', {
      token,
      key: `order-${Date.now()}`,
      body: { items, addressId: address.body.id, pointsToUse: 500, couponId: preview.body.couponId ?? null },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const order = placed.body;
    const pay = await call('POST', `/api/orders/${order.id}/pay`, { token });
    expect((await fetch(pay.body.sandbox.confirmUrl, { method: 'POST' })).status).toBe(200);
    await expect.poll(async () => (await call('GET', `/api/orders/${order.id}`, { token })).body.status).toBe('paid');

    const stockOf = async () =>
      ((await call('GET', `/api/products/${product.id}`, { token })).body.skus as Json[]).find((s) => s.id === sku.id)
        .stock;
    const pointsOf = async () => (await call('GET', '/api/me/points', { token })).body.balance as number;
    // The product page shows stock at most a second stale (the catalog read cache): let it catch up.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stockPaid = await stockOf();
    const pointsPaid = await pointsOf();

    // The member asks on the storefront, from the page the order's 申请售后 link opens.
    const page = await phonePage(browser);
    const errors = collectPageErrors(page);
    await loginAs(page, nickname);
    await page.goto(`${inject('mallUrl')}/packages/aftersales/apply/index?orderId=${order.id}`);
    await page.getByText('仅退款（未发货）').first().waitFor();
    await page.locator('.qty-stepper__minus').first().click();
    await page.getByText('拍错/多拍').click();
    await page.locator('.aftersales-textarea textarea, textarea.aftersales-textarea').first().fill('多拍了一盒');
    await page.getByText('提交申请').click();
    await page.waitForURL(/packages\/aftersales\/detail\/index/);
    await page.locator('.aftersales-head__status', { hasText: '待审核' }).waitFor();
    const requestId = new URL(page.url()).searchParams.get('id')!;

    // Support approves over the API; WeChat Pay (the sandbox) settles the refund a moment later.
    const approved = await call('POST', `/api/admin/after-sales/${requestId}/approve`, {
      token: support,
      body: { note: '已核实，同意退款' },
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await expect
      .poll(async () => (await call('GET', `/api/after-sales/${requestId}`, { token })).body.status, {
        timeout: 20_000,
      })
      .toBe('refunded');

    await page.reload();
    await page.locator('.aftersales-head__status', { hasText: '退款成功' }).waitFor();

    // Exactly the paid share of one of the two units, by the shared proration over what the order paid.
    const figures = {
      lines: (order.items as Json[]).map((line) => ({
        qty: line.qty,
        lineTotal: line.lineTotal,
        pointsCost: line.pointsCost ?? 0,
        couponDiscount: line.couponDiscount,
      })),
      couponDiscount: order.amounts.couponDiscount ?? 0,
      shippingFee: order.amounts.shippingFee,
      pointsUsed: order.amounts.pointsUsed,
      paid: order.amounts.payable,
    };
    const share = prorateRefund(figures, { qty: [0], amount: 0, points: 0 }, [{ index: 0, qty: 1 }]);
    const seen = (await call('GET', `/api/after-sales/${requestId}`, { token })).body;
    expect(seen.refund.amount).toBe(share.amount);
    expect(seen.refund.points).toBe(share.points);
    expect(seen.refund.outRefundNo).toBe(`R${order.orderNo}-1`);
    const money = `¥${(share.amount / 100).toFixed(2)}`;
    await expect.poll(() => page.locator('.aftersales-money').textContent()).toBe(money);
    await expect.poll(stockOf, { timeout: 5_000 }).toBe(stockPaid + 1);
    expect(await pointsOf()).toBe(pointsPaid + share.points);
    await screenshot(page, 'aftersales');

    // 售后进度 lists it; the order is still paid for the unit kept.
    await page.goto(`${inject('mallUrl')}/packages/aftersales/list/index`);
    await page.locator('.aftersales-card', { hasText: '退款成功' }).first().waitFor();
    expect((await call('GET', `/api/orders/${order.id}`, { token })).body.status).toBe('paid');
    expect(errors).toEqual([]);
  });
});
