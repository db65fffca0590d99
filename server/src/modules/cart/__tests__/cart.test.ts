import { priceOrder } from '@siyu/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { createCategory, createProduct, SETUP_ADMIN, setTier } from '../../catalog/__tests__/fixtures';
import { Sku } from '../../catalog/catalog.model';
import { Cart } from '../cart.model';

let mall: TestMall;
let categoryId: string;

beforeAll(async () => {
  mall = await startTestMall();
  categoryId = (await createCategory(mall, '红茶')).id;
});

async function product(title: string, sku: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const created = await createProduct(mall, {
    title,
    categoryId,
    skus: [{ specs: [{ name: '规格', value: '100g' }], price: 5000, stock: 20, ...sku }],
    ...extra,
  });
  return { id: created.id, skuId: created.skus[0]!.id };
}

const put = (token: string, skuId: string, qty: number) =>
  mall.api('PUT', `/api/cart/items/${skuId}`, { token, body: { qty } });

describe('cart', () => {
  it('adds, changes and removes lines; one cart document per member', async () => {
    const member = await mall.loginMember();
    const tea = await product('祁门红茶', { memberPrices: { gold: 4500 } });
    const first = await put(member.token, tea.skuId, 2);
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      expect.objectContaining({ skuId: tea.skuId, qty: 2, status: 'ok', price: 5000, lineTotal: 10000 }),
    ]);
    expect((await put(member.token, tea.skuId, 3)).body.items[0].qty).toBe(3);
    expect(await Cart.countDocuments({ _id: member.id })).toBe(1);
    const removed = await mall.api('DELETE', `/api/cart/items/${tea.skuId}`, { token: member.token });
    expect(removed.body.items).toEqual([]);
    await put(member.token, tea.skuId, 1);
    expect((await put(member.token, tea.skuId, 0)).body.items).toEqual([]);
  });

  it('concurrent adds of different SKUs all land (single-document updates, no lost lines)', async () => {
    const member = await mall.loginMember();
    const teas = await Promise.all(Array.from({ length: 6 }, (_, index) => product(`并发红茶 ${index}`)));
    const answers = await Promise.all(teas.map((tea) => put(member.token, tea.skuId, 1)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
    const cart = await mall.api('GET', '/api/cart', { token: member.token });
    expect(cart.body.items).toHaveLength(6);
  });

  it('refuses quantities outside 1..99 and above the stock or the per-member limit', async () => {
    const member = await mall.loginMember();
    const tea = await product('滇红', { stock: 3, limitPerMember: 5 });
    expect((await put(member.token, tea.skuId, 100)).status).toBe(400);
    expect((await put(member.token, tea.skuId, -1)).status).toBe(400);
    expect((await put(member.token, tea.skuId, 1.5)).status).toBe(400);
    const short = await put(member.token, tea.skuId, 4);
    expect(short.status).toBe(409);
    expect(short.body.error).toMatchObject({ code: 'stock_short', details: { stock: 3 } });
    const limited = await product('限购红茶', { stock: 50, limitPerMember: 2 });
    const overLimit = await put(member.token, limited.skuId, 3);
    expect(overLimit.status).toBe(409);
    expect(overLimit.body.error.code).toBe('limit_per_member');
    expect((await put(member.token, 'not-a-sku', 1)).status).toBe(400);
  });

  it('re-prices every line at the member’s current tier and sums the ok lines with the shared pricing', async () => {
    const member = await mall.loginMember();
    const a = await product('金骏眉', { price: 6000, memberPrices: { silver: 5600, gold: 5000 } });
    const b = await product('正山小种', { price: 3000 });
    await put(member.token, a.skuId, 1);
    await put(member.token, b.skuId, 1);
    const asRegular = await mall.api('GET', '/api/cart', { token: member.token });
    expect(asRegular.body.summary).toMatchObject({
      count: 2,
      listTotal: 9000,
      itemsTotal: 9000,
      memberSaving: 0,
      shippingFee: 800,
      payable: 9800,
    });
    await setTier(member.id, 'gold');
    const asGold = await mall.api('GET', '/api/cart', { token: member.token });
    const line = asGold.body.items.find((item: { skuId: string }) => item.skuId === a.skuId);
    expect(line).toMatchObject({ price: 5000, listPrice: 6000, lineTotal: 5000, status: 'ok' });
    // The summary is the shared pricing function over the same lines with the gold tier's benefits.
    const expected = priceOrder({
      lines: [
        { sku: { skuId: a.skuId, price: 6000, memberPrices: { silver: 5600, gold: 5000 } }, qty: 1 },
        { sku: { skuId: b.skuId, price: 3000 }, qty: 1 },
      ],
      benefits: await mall.services.catalog.benefitsFor('gold'),
    });
    expect(asGold.body.summary).toEqual({
      count: 2,
      listTotal: 9000,
      itemsTotal: expected.itemsTotal,
      memberSaving: expected.memberSaving,
      shippingFee: expected.shippingFee,
      freeShippingThreshold: expected.freeShippingThreshold,
      pointsCost: 0,
      payable: expected.payable,
    });
    expect(expected.memberSaving).toBeGreaterThanOrEqual(1000);
  });

  it('flags off-shelf, deleted and inactive lines unavailable, short lines short, and leaves them out of the summary', async () => {
    const member = await mall.loginMember();
    const offShelf = await product('下架的茶');
    const deleted = await product('删除的茶');
    const inactive = await product('停售规格的茶');
    const short = await product('快卖完的茶', { stock: 5 });
    const fine = await product('正常的茶', { price: 12000 });
    for (const tea of [offShelf, deleted, inactive]) await put(member.token, tea.skuId, 1);
    await put(member.token, short.skuId, 4);
    await put(member.token, fine.skuId, 1);

    await mall.services.catalog.updateProduct(SETUP_ADMIN, offShelf.id, { status: 'off_shelf' });
    await mall.services.catalog.deleteProduct(SETUP_ADMIN, deleted.id);
    await mall.services.catalog.updateProduct(SETUP_ADMIN, inactive.id, {
      skus: [{ id: inactive.skuId, active: false }],
    });
    await Sku.updateOne({ _id: short.skuId }, { $set: { stock: 2 } });

    const cart = await mall.api('GET', '/api/cart', { token: member.token });
    const status = Object.fromEntries(
      cart.body.items.map((item: { title: string; status: string }) => [item.title, item.status]),
    );
    expect(status).toEqual({
      下架的茶: 'unavailable',
      删除的茶: 'unavailable',
      停售规格的茶: 'unavailable',
      快卖完的茶: 'short',
      正常的茶: 'ok',
    });
    expect(cart.body.items.find((item: { title: string }) => item.title === '快卖完的茶')).toMatchObject({
      qty: 4,
      stock: 2,
    });
    expect(cart.body.summary).toMatchObject({ count: 1, itemsTotal: 12000, shippingFee: 0, payable: 12000 });
  });

  it('a line whose product the member’s tier no longer reaches is locked', async () => {
    const member = await mall.loginMember();
    await setTier(member.id, 'gold');
    const privateTea = await product('金卡私藏红茶', {}, { visibility: 'tier', minTier: 'gold' });
    expect((await put(member.token, privateTea.skuId, 1)).status).toBe(200);
    await setTier(member.id, 'silver');
    const cart = await mall.api('GET', '/api/cart', { token: member.token });
    expect(cart.body.items[0]).toMatchObject({ status: 'locked', unlockTier: 'gold' });
    expect(cart.body.summary).toMatchObject({ count: 0, payable: 0 });
    expect((await put(member.token, privateTea.skuId, 2)).status).toBe(404);
  });

  it('a member’s cart is theirs alone', async () => {
    const a = await mall.loginMember();
    const b = await mall.loginMember();
    const tea = await product('私人红茶');
    await put(a.token, tea.skuId, 1);
    expect((await mall.api('GET', '/api/cart', { token: b.token })).body.items).toEqual([]);
    expect((await mall.api('GET', '/api/cart')).status).toBe(401);
  });
});
