/** A purchase in a real browser: browse → product → cart → checkout → pay in the sandbox → 待发货. */
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

describe('buying tea on the H5 storefront', () => {
  it('browses, adds to cart, checks out, pays in the sandbox, and the order shows 待发货', async () => {
    const page = await phonePage(browser);
    const errors = collectPageErrors(page);
    const url = inject('mallUrl');
    await loginAs(page, '买茶的小林');

    // An address first, through the address book.
    await addAddressThroughBook(page, { name: '林小满', phone: '13800138000', detail: '龙井路 1 号' });

    await page.goto(`${url}/pages/home/index`);
    await page.locator('.product-card').first().waitFor();
    await screenshot(page, 'home');

    await page.locator('.product-card', { hasText: '西湖龙井' }).first().click();
    await page.waitForURL(/packages\/shop\/product\/index/);
    await page.locator('.product-gallery').first().waitFor();
    await screenshot(page, 'product');
    // 加入购物车 opens the 规格 sheet; the spec is chosen there and confirmed.
    await page.locator('.add-to-cart').click();
    await page.locator('.spec-sheet .sku-option').first().click();
    await page.locator('.spec-confirm').click();
    await expect.poll(() => page.getByText(/已加入购物车|加入成功/).count(), { timeout: 10_000 }).toBeGreaterThan(0);

    await page.goto(`${url}/pages/cart/index`);
    await page.getByText('西湖龙井').first().waitFor();
    await screenshot(page, 'cart');
    await page.locator('.cart-checkout').click();
    await page.waitForURL(/packages\/shop\/checkout\/index/);
    await page.getByText('实付款').first().waitFor();
    await screenshot(page, 'checkout');
    await page.locator('.checkout-submit').click();

    await page.waitForURL(/packages\/shop\/pay\/index/);
    await page.locator('.sandbox-pay-confirm').click();
    await expect.poll(() => page.getByText(/支付成功/).count(), { timeout: 20_000 }).toBeGreaterThan(0);

    await page.goto(`${url}/packages/shop/orders/index`);
    await page.locator('.order-card__status', { hasText: '待发货' }).first().waitFor({ timeout: 15_000 });
    await page.getByText('西湖龙井').first().click();
    await page.waitForURL(/packages\/shop\/order\/index/);
    await expect.poll(() => page.locator('.order-status').first().textContent()).toContain('待发货');
    await screenshot(page, 'order');
    expect(errors).toEqual([]);
  });
});
