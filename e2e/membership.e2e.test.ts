/** Points in a real browser: check in, see the calendar and the balance change; the member card. */
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

const digits = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, ''));

describe('积分中心 and 会员卡 on the H5 storefront', () => {
  it('checks in once: the balance grows, today is marked, and a second check-in is not offered', async () => {
    const page = await phonePage(browser);
    const errors = collectPageErrors(page);
    await loginAs(page, '签到的阿青');
    await page.goto(`${inject('mallUrl')}/packages/member/points/index`);
    await page.locator('.points-balance').first().waitFor();
    const before = digits(await page.locator('.points-balance').first().textContent());
    await page.locator('.checkin-calendar').first().waitFor();
    await page.locator('.checkin-button').click();
    await expect
      .poll(async () => digits(await page.locator('.points-balance').first().textContent()), { timeout: 10_000 })
      .toBeGreaterThan(before);
    await expect.poll(() => page.locator('.checkin-button').first().textContent()).toContain('已签到');
    await screenshot(page, 'points');
    expect(errors).toEqual([]);
  });

  it('shows the member card with tier and growth progress', async () => {
    const page = await phonePage(browser);
    await loginAs(page, '看会员卡的小周');
    await page.goto(`${inject('mallUrl')}/packages/member/membership/index`);
    await page.locator('.membership-card').first().waitFor();
    await page.locator('.growth-progress').first().waitFor();
    await expect.poll(() => page.locator('.membership-card').first().textContent()).toContain('普通会员');
    await screenshot(page, 'membership');
  });
});
