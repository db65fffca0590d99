/** The operator dashboard in a real browser: admin login, the seeded 90 days, tiles, chart, tables, CSV. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, screenshot } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('the operator dashboard at /admin/', () => {
  it('logs an operator in and shows the seeded history with its CSV downloads, console clean', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${inject('mallUrl')}/admin/`);
    await page.locator('input[name=username]').fill('admin');
    await page.locator('input[name=password]').fill(inject('adminPassword'));
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('[data-days="90"]').click();
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 20_000 }).toContain('上海时间');
    // The seeded history makes every part non-empty.
    const tiles = await page.locator('.tile .value').allTextContents();
    expect(tiles).toHaveLength(8);
    expect(tiles[0]).toMatch(/^¥[1-9]/);
    expect(await page.locator('#chart path.gmv').getAttribute('d')).toMatch(/^M/);
    expect(await page.locator('#channels tbody tr').count()).toBeGreaterThan(1);
    expect(await page.locator('#cohorts tbody td.empty').count()).toBe(0);
    const download = page.waitForEvent('download');
    await page.locator('[data-csv="overview"], [data-csv="daily"]').first().click();
    expect((await download).suggestedFilename()).toMatch(/\.csv$/);
    await screenshot(page, 'dashboard');
    expect(problems).toEqual([]);
    await context.close();
  });
});
