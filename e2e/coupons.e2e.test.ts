/**
 * A new member's first order with coupons, in a real browser: the 新人礼 on 首页, a coupon claimed in
 * 领券中心, the best coupon chosen in 结算's picker, paid in the sandbox, and the coupon then 已使用.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, phonePage, screenshot } from './browser';
import { addAddressThroughBook, collectPageErrors, loginAs } from './session';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('coupons on the H5 storefront', () => {
  it('a new member gets the welcome pack, claims a coupon, checks out with the best one and pays', async () => {
    const page = await phonePage(browser);
    const errors = collectPageErrors(page);
    const url = inject('mallUrl');
    await loginAs(page, '领券的小周');

    // 新人礼: the welcome pack was issued at registration and shows once on 首页.
    await page.goto(`${url}/pages/home/index`);
    const gift = page.locator('.welcome-gift');
    await gift.waitFor({ timeout: 15_000 });
    await expect.poll(() => gift.textContent()).toContain('¥30 优惠券已到账');
    await page.locator('.welcome-gift__close').click();
    await gift.waitFor({ state: 'detached' });
    await page.reload();
    await page.locator('.product-card').first().waitFor();
    expect(await page.locator('.welcome-gift').count()).toBe(0);

    // An address, through the address book.
    await addAddressThroughBook(page, { name: '周小满', phone: '13800138001', detail: '茶园路 8 号' });

    // 领券中心: claim the 满199减30.
    await page.goto(`${url}/packages/coupons/center/index`);
    const fullReduction = page.locator('.coupon-ticket', { hasText: '全场满减券' });
    await fullReduction.waitFor();
    await screenshot(page, 'coupons');
    await fullReduction.locator('.coupon-claim').click();
    await expect
      .poll(() => fullReduction.locator('.coupon-claim').textContent(), { timeout: 10_000 })
      .toContain('已领取');

    // 我的优惠券: the two welcome coupons and the claimed one.
    await page.goto(`${url}/packages/coupons/mine/index`);
    await page.locator('.wallet-tab--active', { hasText: '可使用 3' }).waitFor({ timeout: 10_000 });

    // Buy 西湖龙井 100g (¥238): 满199减30 saves the most, so 结算 applies it by default.
    await page.goto(`${url}/pages/home/index`);
    await page.locator('.product-card', { hasText: '西湖龙井' }).first().click();
    await page.waitForURL(/packages\/shop\/product\/index/);
    await page.locator('.product-coupons').waitFor();
    await page.locator('.buy-now').click();
    await page.locator('.spec-sheet .sku-option', { hasText: '100g' }).first().click();
    await page.locator('.spec-confirm').click();
    await page.waitForURL(/packages\/shop\/checkout\/index/);
    const couponRow = page.locator('.checkout-coupon .coupon-row__value');
    await expect.poll(() => couponRow.textContent(), { timeout: 15_000 }).toBe('-¥30.00');
    await page.locator('.checkout-coupon').click();
    await page.locator('.coupon-picker .coupon-option--selected', { hasText: '全场满减券' }).waitFor();
    await expect.poll(() => page.locator('.coupon-picker .coupon-option--usable').count()).toBe(3);
    await screenshot(page, 'checkout-coupons');
    // Keep the best one: tapping it again closes the sheet without a change.
    await page.locator('.coupon-picker .coupon-option--selected').click();
    await page.locator('.coupon-picker').waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('.checkout-breakdown').textContent()).toContain('优惠券（满199减30）');
    await expect.poll(() => page.locator('.checkout-bar').textContent()).toContain('208');
    await page.locator('.checkout-submit').click();

    await page.waitForURL(/packages\/shop\/pay\/index/);
    await page.locator('.sandbox-pay-confirm').click();
    await expect.poll(() => page.getByText(/支付成功/).count(), { timeout: 20_000 }).toBeGreaterThan(0);

    // The coupon is used; the welcome pack is still there for the next order.
    await page.goto(`${url}/packages/coupons/mine/index`);
    await page.locator('.wallet-tab', { hasText: '已使用 1' }).waitFor({ timeout: 15_000 });
    await page.locator('.wallet-tab', { hasText: '已使用' }).click();
    await page.locator('.coupon-ticket', { hasText: '全场满减券' }).waitFor();
    expect(errors).toEqual([]);
  });
});
