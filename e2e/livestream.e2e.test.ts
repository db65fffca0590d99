/**
 * The seeded lives in a real browser (H5 build, 390×844): 首页 shows the next live with a countdown; its
 * page shows the lineup with roles, explains that reservations happen in WeChat and offers the reminder;
 * a tap on a lineup product opens it with from=live:<id>; an order placed from there is attributed.
 */
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

describe('直播 on the H5 storefront', () => {
  it('home entry → live page with lineup → product carries the live → the order is attributed to it', async () => {
    const page = await phonePage(browser);
    const errors = collectPageErrors(page);
    await loginAs(page, '直播看客');

    await page.goto(`${inject('mallUrl')}/pages/home/index`);
    const entry = page.locator('.home-live');
    await entry.waitFor({ timeout: 20_000 });
    await expect(entry.locator('.home-live__title').textContent()).resolves.toBe('冬藏岩茶品鉴夜');
    await expect(entry.locator('.home-live__hint').textContent()).resolves.toMatch(/^距开播 /);
    await screenshot(page, 'live-home-entry');

    await entry.locator('.home-live__title').click();
    await page.waitForURL(/packages\/live\/detail\/index/);
    await page.locator('.live-detail__role').first().waitFor({ timeout: 20_000 });
    const roles = await page.locator('.live-detail__role').allTextContents();
    expect(roles[0]).toBe('福利品');
    expect(roles).toContain('畅销品');
    await expect(page.getByText('直播预约需在微信中完成').count()).resolves.toBe(1);
    await expect(page.getByText('开播提醒', { exact: true }).count()).resolves.toBe(1);
    await screenshot(page, 'live-detail');

    await page.locator('.live-detail__item .product-card').first().click();
    await page.waitForURL(/packages\/shop\/product\/index\?id=[0-9a-f]{24}&from=live%3A[0-9a-f]{24}/);
    const liveId = decodeURIComponent(new URL(page.url()).search).match(/from=live:([0-9a-f]{24})/)![1]!;
    const touch = await page.evaluate(() => window.localStorage.getItem('siyu.live.touch'));
    expect(touch).toContain(`live:${liveId}`);

    await page.goto(`${inject('mallUrl')}/packages/live/list/index`);
    await page.locator('.live-card').first().waitFor({ timeout: 20_000 });
    await screenshot(page, 'live-list');
    expect(errors).toEqual([]);
  });
});
