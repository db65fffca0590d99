import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { AdminAudit } from '../../admins/admin.model';
import { Category, Product, Sku } from '../catalog.model';

let mall: TestMall;
let operator: string;
let categoryId: string;

beforeAll(async () => {
  mall = await startTestMall();
  operator = await mall.loginAdmin('operator');
  const category = await mall.api('POST', '/api/admin/categories', {
    token: operator,
    body: { name: '乌龙岩茶', sort: 10 },
  });
  expect(category.status).toBe(201);
  categoryId = category.body.id;
});

function productBody(overrides: Record<string, unknown> = {}) {
  return {
    title: '武夷大红袍 传统炭焙',
    subtitle: '核心正岩，足火慢焙',
    categoryId,
    status: 'on_sale',
    visibility: 'public',
    tags: ['岩茶'],
    description: [
      { type: 'heading', text: '产地' },
      { type: 'paragraph', text: '武夷山正岩核心产区。' },
    ],
    skus: [
      { specs: [{ name: '规格', value: '125g' }], price: 16800, stock: 30, memberPrices: { gold: 15800 } },
      { specs: [{ name: '规格', value: '250g 礼盒' }], price: 32800, stock: 10, limitPerMember: 2 },
    ],
    ...overrides,
  };
}

async function counts() {
  return { products: await Product.countDocuments(), skus: await Sku.countDocuments() };
}

describe('creating products', () => {
  it('an operator creates a product with SKUs: 201 with the SKU ids, and it is on sale in the store', async () => {
    const created = await mall.api('POST', '/api/admin/products', { token: operator, body: productBody() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: '武夷大红袍 传统炭焙', minPrice: 16800, status: 'on_sale' });
    expect(created.body.skus).toHaveLength(2);
    expect(created.body.skus[0]).toMatchObject({ specsText: '125g', price: 16800, stock: 30, sold: 0, active: true });
    expect(created.body.skus[0].id).toMatch(/^[0-9a-f]{24}$/);
    const store = await mall.api('GET', `/api/products/${created.body.id}`);
    expect(store.status).toBe(200);
    expect(store.body.skus.map((sku: { id: string }) => sku.id)).toEqual(
      created.body.skus.map((sku: { id: string }) => sku.id),
    );
    expect(store.body.description).toEqual(productBody().description);
    expect(await AdminAudit.countDocuments({ action: 'product.create', 'target.id': created.body.id })).toBe(1);
  });

  it.each([
    ['no SKUs', { skus: [] }],
    ['an unknown field', { price: 100 }],
    ['a negative price', { skus: [{ specs: [], price: -1, stock: 1 }] }],
    ['a fractional price', { skus: [{ specs: [], price: 12.5, stock: 1 }] }],
    [
      'a member price above the list price',
      { skus: [{ specs: [], price: 1000, stock: 1, memberPrices: { gold: 1200 } }] },
    ],
    ['an unknown member price tier', { skus: [{ specs: [], price: 1000, stock: 1, memberPrices: { diamond: 900 } }] }],
    ['a tier product without minTier', { visibility: 'tier' }],
    ['a teaser that is not a tier product', { visibility: 'members', teaser: true }],
    [
      'two SKUs with the same specs',
      {
        skus: [
          { specs: [], price: 1, stock: 1 },
          { specs: [], price: 2, stock: 1 },
        ],
      },
    ],
    ['an unknown category', { categoryId: '0123456789abcdef01234567' }],
    ['a status that does not exist', { status: 'hidden' }],
    ['an HTML description', { description: '<script>alert(1)</script>' }],
    ['a javascript: image', { images: ['javascript:alert(1)'] }],
  ])('refuses %s with 400 and writes nothing', async (_name, overrides) => {
    const before = await counts();
    const response = await mall.api('POST', '/api/admin/products', { token: operator, body: productBody(overrides) });
    expect(response.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('support admins and members get 403, anonymous callers 401', async () => {
    const before = await counts();
    const support = await mall.loginAdmin('support');
    const member = await mall.loginMember();
    expect((await mall.api('POST', '/api/admin/products', { token: support, body: productBody() })).status).toBe(403);
    const asMember = await mall.api('POST', '/api/admin/products', { token: member.token, body: productBody() });
    expect(asMember.status).toBe(403);
    expect((await mall.api('POST', '/api/admin/products', { body: productBody() })).status).toBe(401);
    expect((await mall.api('GET', '/api/admin/products', { token: support })).status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('the owner may do what an operator may', async () => {
    const owner = await mall.loginAdmin('owner');
    const response = await mall.api('POST', '/api/admin/products', {
      token: owner,
      body: productBody({ title: '水金龟', skus: [{ specs: [], price: 9800, stock: 1 }] }),
    });
    expect(response.status).toBe(201);
  });
});

describe('editing products', () => {
  it('changes fields, visibility and shelf status; updates a SKU by id and adds a SKU', async () => {
    const created = await mall.api('POST', '/api/admin/products', {
      token: operator,
      body: productBody({ title: '肉桂 待编辑' }),
    });
    const [first] = created.body.skus;
    const patched = await mall.api('PATCH', `/api/admin/products/${created.body.id}`, {
      token: operator,
      body: {
        title: '肉桂 已编辑',
        visibility: 'tier',
        minTier: 'gold',
        teaser: true,
        skus: [
          { id: first.id, price: 15000, memberPrices: {} },
          { specs: [{ name: '规格', value: '50g' }], price: 6800, stock: 5 },
        ],
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: '肉桂 已编辑', visibility: 'tier', minTier: 'gold', teaser: true });
    expect(patched.body.minPrice).toBe(6800);
    expect(patched.body.skus).toHaveLength(3);
    expect(patched.body.skus.find((sku: { id: string }) => sku.id === first.id)).toMatchObject({
      price: 15000,
      memberPrices: {},
      stock: 30,
    });
    expect((await mall.api('GET', `/api/products/${created.body.id}`)).status).toBe(404);

    const offShelf = await mall.api('PATCH', `/api/admin/products/${created.body.id}`, {
      token: operator,
      body: { status: 'off_shelf', visibility: 'public' },
    });
    expect(offShelf.body).toMatchObject({ status: 'off_shelf', visibility: 'public', minTier: null, teaser: false });
    expect((await mall.api('GET', `/api/products/${created.body.id}`)).status).toBe(404);
  });

  it('refuses a stock change through PATCH (stock moves only by the audited adjustment), and unknown SKU ids', async () => {
    const created = await mall.api('POST', '/api/admin/products', {
      token: operator,
      body: productBody({ title: '金骏眉' }),
    });
    const skuId = created.body.skus[0].id;
    const withStock = await mall.api('PATCH', `/api/admin/products/${created.body.id}`, {
      token: operator,
      body: { skus: [{ id: skuId, stock: 999 }] },
    });
    expect(withStock.status).toBe(400);
    const foreign = await mall.api('PATCH', `/api/admin/products/${created.body.id}`, {
      token: operator,
      body: { skus: [{ id: '0123456789abcdef01234567', price: 1 }] },
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('unknown_sku');
    const duplicate = await mall.api('PATCH', `/api/admin/products/${created.body.id}`, {
      token: operator,
      body: { skus: [{ specs: [{ name: '规格', value: '125g' }], price: 1, stock: 1 }] },
    });
    expect(duplicate.status).toBe(400);
    expect((await Sku.findById(skuId).lean())?.stock).toBe(30);
    expect(await Sku.countDocuments({ product: created.body.id })).toBe(2);
  });

  it('delete is soft: gone from the store and the default admin list, kept in the database', async () => {
    const created = await mall.api('POST', '/api/admin/products', {
      token: operator,
      body: productBody({ title: '待删除的茶' }),
    });
    const deleted = await mall.api('DELETE', `/api/admin/products/${created.body.id}`, { token: operator });
    expect(deleted.status).toBe(204);
    expect((await mall.api('GET', `/api/products/${created.body.id}`)).status).toBe(404);
    const listed = await mall.api('GET', `/api/admin/products?q=${encodeURIComponent('待删除')}`, {
      token: operator,
    });
    expect(listed.body.total).toBe(0);
    const deletedList = await mall.api('GET', `/api/admin/products?deleted=true&q=${encodeURIComponent('待删除')}`, {
      token: operator,
    });
    expect(deletedList.body.items.map((item: { id: string }) => item.id)).toEqual([created.body.id]);
    expect(await Product.exists({ _id: created.body.id })).not.toBeNull();
    expect((await mall.api('DELETE', `/api/admin/products/${created.body.id}`, { token: operator })).status).toBe(404);
  });

  it('lists products by status with paging', async () => {
    await mall.api('POST', '/api/admin/products', {
      token: operator,
      body: productBody({ title: '草稿茶', status: 'draft' }),
    });
    const drafts = await mall.api('GET', '/api/admin/products?status=draft', { token: operator });
    expect(drafts.status).toBe(200);
    expect(drafts.body.items.every((item: { status: string }) => item.status === 'draft')).toBe(true);
    expect(drafts.body.items[0]).toMatchObject({ skuCount: 2, stock: 40 });
    expect((await mall.api('GET', '/api/admin/products?page=0', { token: operator })).status).toBe(400);
  });
});

describe('stock adjustment', () => {
  it('adds and removes stock with a reason, writes an audit row each time, and never goes below zero', async () => {
    const created = await mall.api('POST', '/api/admin/products', {
      token: operator,
      body: productBody({ title: '库存调整测试', skus: [{ specs: [], price: 100, stock: 3 }] }),
    });
    const skuId = created.body.skus[0].id;
    const added = await mall.api('POST', `/api/admin/skus/${skuId}/stock`, {
      token: operator,
      body: { delta: 5, reason: '到货入库' },
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ skuId, delta: 5, stock: 8 });
    const tooMuch = await mall.api('POST', `/api/admin/skus/${skuId}/stock`, {
      token: operator,
      body: { delta: -9, reason: '盘点损耗' },
    });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error).toMatchObject({ code: 'stock_would_go_negative', details: { stock: 8 } });
    const noReason = await mall.api('POST', `/api/admin/skus/${skuId}/stock`, { token: operator, body: { delta: -1 } });
    expect(noReason.status).toBe(400);
    const zero = await mall.api('POST', `/api/admin/skus/${skuId}/stock`, {
      token: operator,
      body: { delta: 0, reason: '无' },
    });
    expect(zero.status).toBe(400);
    expect((await Sku.findById(skuId).lean())?.stock).toBe(8);

    const audits = await AdminAudit.find({ action: 'sku.stock_adjust', 'target.id': skuId }).lean();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ reason: '到货入库', changes: { delta: 5, stockAfter: 8 } });
  });

  it('when twenty removals of one unit race for eight units, exactly eight succeed and stock ends at zero', async () => {
    const created = await mall.api('POST', '/api/admin/products', {
      token: operator,
      body: productBody({ title: '并发调整测试', skus: [{ specs: [], price: 100, stock: 8 }] }),
    });
    const skuId = created.body.skus[0].id;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        mall.api('POST', `/api/admin/skus/${skuId}/stock`, { token: operator, body: { delta: -1, reason: '报损' } }),
      ),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(8);
    expect(answers.filter((answer) => answer.status === 409)).toHaveLength(12);
    expect((await Sku.findById(skuId).lean())?.stock).toBe(0);
    expect(await AdminAudit.countDocuments({ action: 'sku.stock_adjust', 'target.id': skuId })).toBe(8);
  });

  it('is a 404 for an unknown SKU and a 403 for support', async () => {
    const missing = await mall.api('POST', '/api/admin/skus/0123456789abcdef01234567/stock', {
      token: operator,
      body: { delta: 1, reason: '测试' },
    });
    expect(missing.status).toBe(404);
    const support = await mall.loginAdmin('support');
    const forbidden = await mall.api('POST', '/api/admin/skus/0123456789abcdef01234567/stock', {
      token: support,
      body: { delta: 1, reason: '测试' },
    });
    expect(forbidden.status).toBe(403);
  });
});

describe('categories', () => {
  it('creates, renames, lists and deletes a category; a category with products cannot be deleted', async () => {
    const created = await mall.api('POST', '/api/admin/categories', { token: operator, body: { name: '花草茶' } });
    expect(created.status).toBe(201);
    const renamed = await mall.api('PATCH', `/api/admin/categories/${created.body.id}`, {
      token: operator,
      body: { name: '花草养生茶', active: false },
    });
    expect(renamed.body).toMatchObject({ name: '花草养生茶', active: false });
    const store = await mall.api('GET', '/api/categories');
    expect(store.body.map((category: { name: string }) => category.name)).not.toContain('花草养生茶');
    const admin = await mall.api('GET', '/api/admin/categories', { token: operator });
    expect(admin.body.map((category: { name: string }) => category.name)).toContain('花草养生茶');
    expect((await mall.api('DELETE', `/api/admin/categories/${categoryId}`, { token: operator })).status).toBe(409);
    expect((await mall.api('DELETE', `/api/admin/categories/${created.body.id}`, { token: operator })).status).toBe(
      204,
    );
    expect(await Category.exists({ _id: created.body.id })).toBeNull();
    expect(
      (await mall.api('POST', '/api/admin/categories', { token: operator, body: { name: '', extra: 1 } })).status,
    ).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('documents every catalog, cart and address route', async () => {
    const document = await mall.api('GET', '/api/openapi.json');
    const paths = Object.keys(document.body.paths);
    for (const path of [
      '/api/categories',
      '/api/products',
      '/api/products/{id}',
      '/api/cart',
      '/api/cart/items/{skuId}',
      '/api/addresses',
      '/api/addresses/{id}',
      '/api/admin/categories',
      '/api/admin/categories/{id}',
      '/api/admin/products',
      '/api/admin/products/{id}',
      '/api/admin/skus/{id}/stock',
    ]) {
      expect(paths).toContain(path);
    }
    expect(document.body.paths['/api/admin/products'].post['x-admin-roles']).toEqual(['operator']);
  });
});
