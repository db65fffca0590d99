/** A shopper in a real browser on the H5 build, against the live API with its embedded database. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, phonePage, screenshot } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('demo login on the H5 storefront', () => {
  it('logs in with a nickname and 我的 shows the nickname and member number', async () => {
    const page = await phonePage(browser);
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto(`${inject('mallUrl')}/pages/me/index`);
    await page.goto(`${inject('mallUrl')}/pages/login/index`);
    await page.locator('.login-nickname').fill('茶友小满');
    await page.locator('.login-consent__box').click();
    await page.locator('.login-submit').click();
    await page.waitForURL(/pages\/me\/index/);
    await expect.poll(() => page.getByText('茶友小满').count()).toBeGreaterThan(0);
    await expect.poll(async () => (await page.textContent('body')) ?? '').toMatch(/SY\d{8}/);
    await screenshot(page, 'me');
    expect(failures).toEqual([]);
  });
});
