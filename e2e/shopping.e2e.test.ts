/** A purchase in a real browser: browse → product → cart → checkout → pay in the sandbox → 待发货. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, phonePage, screenshot } from './browser';
import { collectPageErrors, loginAs } from './session';

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
    await page.goto(`${url}/packages/shop/addresses/index`);
    await page.getByText('新增地址').first().click();
    await page.waitForURL(/packages\/shop\/address-edit\/index/);
    await page.locator('.address-name input, input.address-name').first().fill('林小满');
    await page.locator('.address-phone input, input.address-phone').first().fill('13800138000');
    // 所在地区 comes from the 省/市/区 picker (the dataset ships with the storefront): take its first region.
    await page.locator('.address-region').click();
    await page.locator('.taro-picker__action', { hasText: '确定' }).click();
    await expect.poll(() => page.locator('.sy-region__text').textContent()).toContain('北京市');
    await page
      .locator('.address-detail input, input.address-detail, textarea.address-detail, .address-detail textarea')
      .first()
      .fill('龙井路 1 号');
    await page.locator('.address-save').click();
    await page.waitForURL(/packages\/shop\/addresses\/index/);
    await page.getByText('林小满').first().waitFor();

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
