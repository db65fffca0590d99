/**
 * A group of 2 in a real browser with two members, each in their own browser context: the leader opens
 * the group on the campaign page and pays in the sandbox, copies the invite link; the friend opens the
 * link, joins and pays; the group succeeds on both screens.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, phonePage, screenshot } from './browser';
import { collectPageErrors } from './session';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function api(path: string, options: { method?: string; token?: string; body?: unknown } = {}) {
  const response = await fetch(`${inject('mallUrl')}/api${path}`, {
    method: options.method ?? 'GET',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
  });
  const body = (await response.json().catch(() => undefined)) as any;
  if (!response.ok) throw new Error(`${options.method ?? 'GET'} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** A demo member (demo:<nickname>) with a default address, and their session as the storefront stores it. */
async function memberWithAddress(nickname: string) {
  const login = await api('/auth/wechat-login', { method: 'POST', body: { code: `demo:${nickname}` } });
  await api('/addresses', {
    method: 'POST',
    token: login.accessToken,
    body: {
      name: nickname,
      phone: '13800138000',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: '龙井路 1 号',
      isDefault: true,
    },
  });
  return login as { accessToken: string; refreshToken: string; expiresIn: number; member: { id: string } };
}

/**
 * Signs the browser in as that member the way the storefront keeps a session (Taro storage on H5 is
 * localStorage holding `{ data }`); the login page itself is covered by the identity browser test.
 */
async function signIn(page: Page, login: Awaited<ReturnType<typeof memberWithAddress>>) {
  await page.goto(`${inject('mallUrl')}/pages/home/index`);
  await page.evaluate((session) => {
    const tokens = {
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      expiresAt: Date.now() + session.expiresIn * 1000,
    };
    localStorage.setItem('siyu.tokens', JSON.stringify({ data: tokens }));
    localStorage.setItem('siyu.member', JSON.stringify({ data: session.member }));
  }, login);
}

/** An operator's campaign of 2 on a seeded tea (the seeded campaign is a group of 3). */
async function campaignOfTwo(): Promise<string> {
  const admin = await api('/admin/auth/login', {
    method: 'POST',
    body: { username: 'admin', password: inject('adminPassword') },
  });
  const page = await api(`/products?q=${encodeURIComponent('碧螺春')}`);
  const product = await api(`/products/${page.items[0].id}`);
  const sku = product.skus[0];
  const campaign = await api('/admin/group-buys', {
    method: 'POST',
    token: admin.accessToken,
    body: {
      productId: product.id,
      skus: [{ skuId: sku.id, groupPrice: sku.listPrice - 1000 }],
      groupSize: 2,
      groupMinutes: 30,
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 86_400_000).toISOString(),
      stock: 10,
    },
  });
  return campaign.id;
}

async function statusOf(page: Page): Promise<string> {
  return (await page.locator('.group-status__state').first().textContent()) ?? '';
}

describe('拼团 on the H5 storefront', () => {
  it('two members: the leader opens and pays, shares the link, the friend joins and pays, the group of 2 succeeds', async () => {
    const url = inject('mallUrl');
    const campaignId = await campaignOfTwo();
    const leaderLogin = await memberWithAddress('团长小周');
    const friendLogin = await memberWithAddress('参团小吴');

    const leader = await phonePage(browser);
    const leaderErrors = collectPageErrors(leader);
    await signIn(leader, leaderLogin);
    await leader.goto(`${url}/packages/groupbuy/campaign/index?id=${campaignId}`);
    await leader.locator('.campaign-open').waitFor();
    await leader.locator('.campaign-open').click();
    await leader.waitForURL(/packages\/groupbuy\/group\/index/, { timeout: 30_000 });
    await expect.poll(() => statusOf(leader), { timeout: 20_000 }).toBe('拼团中');
    await leader.getByText('还差 1 人成团').first().waitFor();

    // H5 has no share sheet: the invite is a copyable link to the same page the mini-program share opens.
    await leader.locator('.group-invite').click();
    const link = ((await leader.locator('.group-link__url').first().textContent()) ?? '').trim();
    expect(link).toMatch(/\/packages\/groupbuy\/group\/index\?id=[0-9a-f]{24}&inviter=[0-9a-f]{24}$/);

    const friend = await phonePage(browser);
    const friendErrors = collectPageErrors(friend);
    await signIn(friend, friendLogin);
    await friend.goto(link);
    await friend.locator('.group-join').waitFor();
    await friend.locator('.group-seat').first().waitFor();
    await friend.locator('.group-join').click();
    await expect.poll(() => statusOf(friend), { timeout: 30_000 }).toBe('拼团成功');

    // The leader's page follows by itself (it looks again while the group runs).
    await expect.poll(() => statusOf(leader), { timeout: 20_000 }).toBe('拼团成功');
    await expect.poll(() => leader.locator('.group-seat').count()).toBe(2);
    await screenshot(leader, 'groupbuy');

    const groups = await api('/me/groups', { token: leaderLogin.accessToken });
    expect(groups.items[0]).toMatchObject({ status: 'succeeded', role: 'leader' });
    expect(leaderErrors).toEqual([]);
    expect(friendErrors).toEqual([]);
  });
});
