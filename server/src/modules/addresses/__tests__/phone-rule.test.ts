import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';

let mall: TestMall;

beforeAll(async () => {
  mall = await startTestMall();
});

const home = { name: '林小茶', province: '浙江省', city: '杭州市', district: '西湖区', detail: '龙井路 18 号' };

describe('address phone: the storefront’s rule (shared/src/phone.ts)', () => {
  it('accepts a pasted +86 number with spaces and dashes and stores the bare 11 digits', async () => {
    const member = await mall.loginMember();
    const created = await mall.api('POST', '/api/addresses', {
      token: member.token,
      body: { ...home, phone: '+86 138-0013-8000' },
    });
    expect(created.status).toBe(201);
    expect(created.body.phone).toBe('13800138000');
    const patched = await mall.api('PATCH', `/api/addresses/${created.body.id}`, {
      token: member.token,
      body: { phone: '0086 139 0000 1111' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.phone).toBe('13900001111');
  });

  it('refuses 12800138000 (which the page used to let through) with the page’s own words', async () => {
    const member = await mall.loginMember();
    const refused = await mall.api('POST', '/api/addresses', {
      token: member.token,
      body: { ...home, phone: '12800138000' },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.error)).toContain('请输入正确的手机号');
    expect((await mall.api('GET', '/api/addresses', { token: member.token })).body).toEqual([]);
  });
});
