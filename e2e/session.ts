import type { Page } from 'playwright-core';
import { expect, inject } from 'vitest';

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

/**
 * Adds an address the way a shopper does: 我的地址 → 新增地址, name and phone, the first region of the
 * 省/市/区 picker (the dataset ships with the storefront), the street, 保存; back on the list.
 */
export async function addAddressThroughBook(
  page: Page,
  address: { name: string; phone: string; detail: string },
): Promise<void> {
  await page.goto(`${inject('mallUrl')}/packages/shop/addresses/index`);
  await page.getByText('新增地址').first().click();
  await page.waitForURL(/packages\/shop\/address-edit\/index/);
  await page.locator('.address-name input, input.address-name').first().fill(address.name);
  await page.locator('.address-phone input, input.address-phone').first().fill(address.phone);
  await page.locator('.address-region').click();
  await page.locator('.taro-picker__action', { hasText: '确定' }).click();
  await expect.poll(() => page.locator('.sy-region__text').textContent()).toContain('北京市');
  await page
    .locator('.address-detail input, input.address-detail, textarea.address-detail, .address-detail textarea')
    .first()
    .fill(address.detail);
  await page.locator('.address-save').click();
  await page.waitForURL(/packages\/shop\/addresses\/index/);
  await page.getByText(address.name).first().waitFor();
}
