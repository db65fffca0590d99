/**
 * Every page of the H5 build at 390×844, as a phone shows it: no console error (a Content-Security-Policy refusal
 * is one), something on the page, and the root font size the px → rem conversion is designed for (40px × 390 / 750
 * = 20.8px; with the root-font-size script blocked the page ran at 16px, 77% of its size). Also the conventions a
 * browser can show: unknown routes, H5's 返回/首页 control, the picker colours.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, phonePage } from './browser';
import { loginAs } from './session';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const DESIGNED_ROOT_FONT = `${(40 * 390) / 750}px`;

/** Console errors and page errors, as the shopper's browser reports them. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  return problems;
}

async function visibleText(page: Page): Promise<string> {
  return ((await page.locator('.taro_page:not([style*="display: none"])').last().textContent()) ?? '').trim();
}

async function openAndCheck(page: Page, path: string): Promise<void> {
  await page.goto(`${inject('mallUrl')}${path}`);
  await page.waitForLoadState('networkidle');
  await expect.poll(() => visibleText(page), { timeout: 10_000, message: `${path} stays blank` }).not.toBe('');
  const rootFont = await page.evaluate(() => getComputedStyle(document.documentElement).fontSize);
  expect(rootFont, `${path} root font size`).toBe(DESIGNED_ROOT_FONT);
}

/** Pages that need no id: tab pages, login, and every sub-package page a member can open from a menu. */
const PAGES = [
  '/pages/home/index',
  '/pages/category/index',
  '/pages/cart/index',
  '/pages/me/index',
  '/packages/shop/orders/index',
  '/packages/shop/addresses/index',
  '/packages/shop/address-edit/index',
  '/packages/shop/checkout/index',
  '/packages/member/membership/index',
  '/packages/member/points/index',
  '/packages/member/points-history/index',
  '/packages/member/points-mall/index',
  '/packages/member/review-task/index',
  '/packages/member/invite/index',
  '/packages/member/profile/index',
  '/packages/shop/not-found/index',
];

describe('every page at 390×844', () => {
  it('a visitor’s login page and home load at the designed size with a clean console (CSP included)', async () => {
    const page = await phonePage(browser);
    const problems = watch(page);
    await openAndCheck(page, '/pages/login/index');
    await openAndCheck(page, '/pages/home/index');
    expect(problems).toEqual([]);
  });

  it('a member sees every page non-blank, at the designed size, with no console error', async () => {
    const page = await phonePage(browser);
    await loginAs(page, '逛遍每页的茶友');
    const problems = watch(page);
    for (const path of PAGES) await openAndCheck(page, path);
    // A product and an order detail, by their real ids.
    await page.goto(`${inject('mallUrl')}/pages/home/index`);
    await page.locator('.product-card').first().click();
    await page.waitForURL(/packages\/shop\/product\/index\?id=/);
    await expect.poll(() => page.locator('.product-gallery__count').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe(DESIGNED_ROOT_FONT);
    expect(problems).toEqual([]);
  });

  it('an unknown route shows 页面不存在 and a pre-move link opens the page where it lives now', async () => {
    const page = await phonePage(browser);
    const problems = watch(page);
    await page.goto(`${inject('mallUrl')}/pages/no-such-page/index`);
    await expect.poll(() => page.getByText('页面不存在').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.goto(`${inject('mallUrl')}/pages/points-mall/index`);
    await page.waitForURL(/packages\/member\/points-mall\/index/, { timeout: 10_000 });
    expect(problems.filter((text) => !/404/.test(text))).toEqual([]);
  });

  it('a non-tab page opened directly offers 首页 in the H5 navigation bar, and a tab page does not', async () => {
    const page = await phonePage(browser);
    await page.goto(`${inject('mallUrl')}/packages/member/points-mall/index`);
    const bar = page.locator('#taro-navigation-bar');
    await expect.poll(() => bar.getAttribute('class')).toContain('taro-navigation-bar-show');
    await expect.poll(() => bar.getAttribute('class')).toContain('taro-navigation-bar-home-icon');
    await page.locator('.taro-navigation-bar-home').click();
    await page.waitForURL(/pages\/home\/index/);
    await expect.poll(() => bar.getAttribute('class')).toContain('taro-navigation-bar-no-icon');
  });

  it('the date picker on 编辑资料 is in the shop’s colours, not the stock red', async () => {
    const page = await phonePage(browser);
    await loginAs(page, '挑生日的茶友');
    await page.goto(`${inject('mallUrl')}/packages/member/profile/index`);
    await page.getByText('生日').first().click();
    const action = page.locator('.taro-picker__action').last();
    await action.waitFor();
    expect(await action.evaluate((node) => getComputedStyle(node).color)).not.toBe('rgb(255, 15, 35)');
  });
});
