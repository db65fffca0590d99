/**
 * A marketplace buyer's package card, in a real browser: the card's mini-program code opens 包裹卡兑换
 * with its scene, the code redeems, the coupon it gave is in 我的优惠券, and the next order is paid
 * with that coupon. The seeded Tmall batch provides the card (the first 24 codes are already redeemed).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, phonePage, screenshot } from './browser';
import { addAddressThroughBook, collectPageErrors, loginAs } from './session';

/** Names unique to this run, so a rerun against the same mall meets fresh members. */
const RUN = Date.now().toString(36).slice(-4);

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** An unredeemed code of the seeded batch, from the printer's CSV as an operator exports it. */
async function printedCode(url: string): Promise<string> {
  const login = await fetch(`${url}/api/admin/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: inject('adminPassword') }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const batches = (await (
    await fetch(`${url}/api/admin/package-cards`, { headers: { authorization: `Bearer ${accessToken}` } })
  ).json()) as { id: string; name: string }[];
  const batch = batches.find((candidate) => candidate.name.startsWith('天猫 12 月包裹卡'))!;
  const csv = await (
    await fetch(`${url}/api/admin/package-cards/${batch.id}/codes.csv`, {
      headers: { authorization: `Bearer ${accessToken}` },
    })
  ).text();
  const rows = csv.trim().split('\n').slice(1);
  // Past the seeded redemptions (the first 24), and a different one per run against the same mall.
  return rows[60 + (Date.now() % 130)]!.split(',')[1]!;
}

describe('package cards on the H5 storefront', () => {
  it('redeems a card opened from its scene, sees the coupon, and buys with it', async () => {
    const page = await phonePage(browser);
    const errors = collectPageErrors(page);
    const url = inject('mallUrl');
    const code = await printedCode(url);
    await loginAs(page, `包裹卡新客${RUN}`);

    // An address, through the address book.
    await addAddressThroughBook(page, { name: '陈小禾', phone: '13800138002', detail: '西溪路 6 号' });

    // The card's mini-program code opens the page with scene=pc%3D<code>.
    await page.goto(
      `${url}/packages/growth/redeem/index?scene=${encodeURIComponent(encodeURIComponent(`pc=${code}`))}`,
    );
    const input = page.locator('.redeem-form__input input, input.redeem-form__input').first();
    await expect.poll(() => input.inputValue()).toBe(code.replace(/(.{4})(?=.)/g, '$1-'));
    await page.locator('.redeem-submit').click();
    await page.getByText('兑换成功').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('.redeem-benefit--coupon').textContent()).toContain('包裹卡专享 满59减10');
    await expect.poll(() => page.locator('.redeem-benefit--points').textContent()).toContain('+50 积分');
    await screenshot(page, 'package-card');

    // 我的优惠券 has it.
    await page.locator('.redeem-coupons').click();
    await page.waitForURL(/packages\/coupons\/mine\/index/);
    await page.locator('.coupon-ticket', { hasText: '包裹卡专享' }).first().waitFor({ timeout: 15_000 });

    // Buy 西湖龙井 100g and pay with the package-card coupon.
    await page.goto(`${url}/pages/category/index`);
    await page.locator('.product-card', { hasText: '西湖龙井' }).first().click();
    await page.waitForURL(/packages\/shop\/product\/index/);
    await page.locator('.buy-now').click();
    await page.locator('.spec-sheet .sku-option', { hasText: '100g' }).first().click();
    await page.locator('.spec-confirm').click();
    await page.waitForURL(/packages\/shop\/checkout\/index/);
    await page.locator('.checkout-coupon').waitFor({ timeout: 15_000 });
    await page.locator('.checkout-coupon').click();
    await page.locator('.coupon-picker .coupon-option--usable', { hasText: '包裹卡专享' }).first().click();
    await page.locator('.coupon-picker').waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('.checkout-breakdown').textContent()).toContain('满59减10');
    await page.locator('.checkout-submit').click();
    await page.waitForURL(/packages\/shop\/pay\/index/);
    await page.locator('.sandbox-pay-confirm').click();
    await expect.poll(() => page.getByText(/支付成功/).count(), { timeout: 20_000 }).toBeGreaterThan(0);

    // The package-card coupon is used.
    await page.goto(`${url}/packages/coupons/mine/index`);
    await page.locator('.wallet-tab', { hasText: '已使用' }).click();
    await page.locator('.coupon-ticket', { hasText: '包裹卡专享' }).first().waitFor({ timeout: 15_000 });
    expect(errors).toEqual([]);
  });

  it('邀请有礼 draws the poster (avatar, product, mini-program code) and 邀请记录 lists the friend who joined', async () => {
    const url = inject('mallUrl');
    const inviterPage = await phonePage(browser);
    const errors = collectPageErrors(inviterPage);
    await loginAs(inviterPage, `爱分享的阿禾${RUN}`);
    await inviterPage.goto(`${url}/packages/growth/invite/index`);
    await inviterPage.locator('.invite-poster__stats').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => inviterPage.locator('.invite-poster__image').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await inviterPage.waitForTimeout(1500);
    await screenshot(inviterPage, 'invite-poster');

    // A friend opens the share path with the inviter's code and registers.
    const invite = await inviterPage.evaluate(async () => {
      // Taro's H5 storage keeps `{ data: value }` under the key.
      const stored = JSON.parse(window.localStorage.getItem('siyu.tokens') ?? '{}');
      const tokens = stored.data ?? stored;
      const response = await fetch('/api/me/invitations', {
        headers: { authorization: `Bearer ${tokens.accessToken}` },
      });
      return (await response.json()) as { path: string; code: string };
    });
    const friendPage = await phonePage(browser);
    await friendPage.goto(`${url}${invite.path}`);
    await loginAs(friendPage, `被邀请的小暖${RUN}`);

    await inviterPage.locator('.invite-poster-records').click();
    await inviterPage.waitForURL(/packages\/growth\/invite-records\/index/);
    await inviterPage.getByText(`被邀请的小暖${RUN}`).waitFor({ timeout: 15_000 });
    await expect.poll(() => inviterPage.locator('.invite-record').first().textContent()).toContain('已注册，待下单');
    await screenshot(inviterPage, 'invite-records');
    expect(errors).toEqual([]);
  });
});
