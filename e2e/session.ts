import type { Page } from 'playwright-core';
import { inject } from 'vitest';

/** Demo login through the storefront's own login form. */
export async function loginAs(page: Page, nickname: string): Promise<void> {
  await page.goto(`${inject('mallUrl')}/pages/login/index`);
  await page.locator('.login-nickname').fill(nickname);
  await page.locator('.login-consent__box').click();
  await page.locator('.login-submit').click();
  await page.waitForURL(/pages\/me\/index/);
}

export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
