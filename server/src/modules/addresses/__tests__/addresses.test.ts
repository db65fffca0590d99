import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { Address } from '../address.model';

let mall: TestMall;

beforeAll(async () => {
  mall = await startTestMall();
});

const home = {
  name: '林小茶',
  phone: '13812345678',
  province: '浙江省',
  city: '杭州市',
  district: '西湖区',
  detail: '龙井路 18 号',
};

async function add(token: string, overrides: Record<string, unknown> = {}) {
  const response = await mall.api('POST', '/api/addresses', { token, body: { ...home, ...overrides } });
  expect(response.status).toBe(201);
  return response.body as { id: string; isDefault: boolean };
}

const defaults = async (token: string) =>
  (await mall.api('GET', '/api/addresses', { token })).body
    .filter((address: { isDefault: boolean }) => address.isDefault)
    .map((address: { id: string }) => address.id);

describe('addresses', () => {
  it('creates, reads, updates and deletes an address', async () => {
    const member = await mall.loginMember();
    const created = await add(member.token);
    expect(created).toMatchObject({ ...home, isDefault: true });
    const read = await mall.api('GET', `/api/addresses/${created.id}`, { token: member.token });
    expect(read.body).toMatchObject(home);
    const updated = await mall.api('PATCH', `/api/addresses/${created.id}`, {
      token: member.token,
      body: { detail: '龙井路 20 号', phone: '13900001111' },
    });
    expect(updated.body).toMatchObject({ detail: '龙井路 20 号', phone: '13900001111', isDefault: true });
    expect((await mall.api('DELETE', `/api/addresses/${created.id}`, { token: member.token })).status).toBe(204);
    expect((await mall.api('GET', '/api/addresses', { token: member.token })).body).toEqual([]);
  });

  it('the first address is the default; a later one does not take it unless asked', async () => {
    const member = await mall.loginMember();
    const first = await add(member.token);
    const second = await add(member.token, { name: '第二个' });
    expect(second.isDefault).toBe(false);
    expect(await defaults(member.token)).toEqual([first.id]);
    // Editing the other address (now the most recent) does not move the default.
    await mall.api('PATCH', `/api/addresses/${second.id}`, { token: member.token, body: { detail: '新地址 1 号' } });
    expect(await defaults(member.token)).toEqual([first.id]);
    const third = await add(member.token, { name: '第三个', isDefault: true });
    expect(third.isDefault).toBe(true);
    expect(await defaults(member.token)).toEqual([third.id]);
    const list = await mall.api('GET', '/api/addresses', { token: member.token });
    expect(list.body[0].id).toBe(third.id);
  });

  it('setting a new default clears the old one: exactly one default, even when requests race', async () => {
    const member = await mall.loginMember();
    const created = [];
    for (let index = 0; index < 5; index++) created.push(await add(member.token, { name: `地址${index}` }));
    await Promise.all(
      created.map((address) =>
        mall.api('PATCH', `/api/addresses/${address.id}`, { token: member.token, body: { isDefault: true } }),
      ),
    );
    expect(await defaults(member.token)).toHaveLength(1);
  });

  it('deleting the default promotes the most recent remaining address', async () => {
    const member = await mall.loginMember();
    const first = await add(member.token, { name: '最早' });
    const second = await add(member.token, { name: '第二' });
    const third = await add(member.token, { name: '最近' });
    expect(await defaults(member.token)).toEqual([first.id]);
    await mall.api('DELETE', `/api/addresses/${first.id}`, { token: member.token });
    expect(await defaults(member.token)).toEqual([third.id]);
    await mall.api('DELETE', `/api/addresses/${third.id}`, { token: member.token });
    expect(await defaults(member.token)).toEqual([second.id]);
  });

  it('another member’s address is a 404 for reading, editing, deleting and ordering', async () => {
    const owner = await mall.loginMember();
    const other = await mall.loginMember();
    const address = await add(owner.token);
    expect((await mall.api('GET', `/api/addresses/${address.id}`, { token: other.token })).status).toBe(404);
    const patch = await mall.api('PATCH', `/api/addresses/${address.id}`, {
      token: other.token,
      body: { name: '冒名' },
    });
    expect(patch.status).toBe(404);
    expect((await mall.api('DELETE', `/api/addresses/${address.id}`, { token: other.token })).status).toBe(404);
    await expect(mall.services.addresses.getForOrder(other.id, address.id)).rejects.toMatchObject({
      status: 404,
      code: 'address_not_found',
    });
    expect(await mall.services.addresses.getForOrder(owner.id, address.id)).toMatchObject({ name: '林小茶' });
    expect((await Address.findById(address.id).lean())?.name).toBe('林小茶');
    expect((await mall.api('GET', '/api/addresses', { token: other.token })).body).toEqual([]);
  });

  it.each([
    ['a phone that is not a mainland mobile', { phone: '12345' }],
    ['a landline', { phone: '057188886666' }],
    ['a missing city', { city: undefined }],
    ['an unknown field', { memberId: 'x' }],
  ])('refuses %s with 400', async (_name, overrides) => {
    const member = await mall.loginMember();
    const response = await mall.api('POST', '/api/addresses', { token: member.token, body: { ...home, ...overrides } });
    expect(response.status).toBe(400);
    expect(await Address.countDocuments({ member: member.id })).toBe(0);
  });

  it('keeps at most 20 addresses, also when adds race', async () => {
    const member = await mall.loginMember();
    for (let index = 0; index < 17; index++) await add(member.token, { name: `地址${index}` });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        mall.api('POST', '/api/addresses', { token: member.token, body: { ...home, name: `并发${index}` } }),
      ),
    );
    expect(answers.every((answer) => answer.status === 201 || answer.status === 409)).toBe(true);
    expect(await Address.countDocuments({ member: member.id })).toBeLessThanOrEqual(20);
    while ((await Address.countDocuments({ member: member.id })) < 20) await add(member.token);
    const full = await mall.api('POST', '/api/addresses', { token: member.token, body: home });
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('address_book_full');
  });
});
