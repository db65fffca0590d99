import { unitPriceFor } from '@siyu/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { seedVisibilityCatalog, setTier } from './fixtures';

let mall: TestMall;
let catalog: Awaited<ReturnType<typeof seedVisibilityCatalog>>;
let regular: { token: string; id: string };
let gold: { token: string; id: string };

beforeAll(async () => {
  mall = await startTestMall();
  catalog = await seedVisibilityCatalog(mall);
  regular = await mall.loginMember('regular-viewer');
  gold = await mall.loginMember('gold-viewer');
  await setTier(gold.id, 'gold');
});

const titles = (body: { items: { title: string }[] }) => body.items.map((item) => item.title).sort();

describe('product list: each viewer sees exactly what they may', () => {
  it('an anonymous visitor sees only public products on sale (no drafts, deleted, member or tier products)', async () => {
    const response = await mall.api('GET', '/api/products');
    expect(response.status).toBe(200);
    expect(titles(response.body)).toEqual(['西湖龙井 明前特级']);
    expect(response.body.total).toBe(1);
  });

  it('a regular member also sees member products and the gold teaser as a locked card, never the non-teaser gold product', async () => {
    const response = await mall.api('GET', '/api/products', { token: regular.token });
    expect(titles(response.body)).toEqual(['白毫银针 会员专享', '老枞水仙 金卡预告', '西湖龙井 明前特级'].sort());
    expect(response.body.total).toBe(3);
    const locked = response.body.items.find((item: { title: string }) => item.title === '老枞水仙 金卡预告');
    expect(locked).toMatchObject({ locked: true, unlockTier: 'gold', unlockText: '升级到金卡解锁' });
    for (const field of ['skus', 'price', 'soldOut', 'sales', 'pointsPrice']) expect(locked).not.toHaveProperty(field);
  });

  it('a gold member sees every product on sale, the teaser unlocked', async () => {
    const response = await mall.api('GET', '/api/products', { token: gold.token });
    expect(titles(response.body)).toEqual(
      ['白毫银针 会员专享', '牛栏坑肉桂 金卡私藏', '老枞水仙 金卡预告', '西湖龙井 明前特级'].sort(),
    );
    expect(response.body.items.every((item: { locked: boolean }) => item.locked === false)).toBe(true);
  });

  it('zone=members lists only member-exclusive products, and nothing for an anonymous visitor', async () => {
    const anonymous = await mall.api('GET', '/api/products?zone=members');
    expect(anonymous.body).toMatchObject({ items: [], total: 0 });
    const asGold = await mall.api('GET', '/api/products?zone=members', { token: gold.token });
    expect(titles(asGold.body)).toEqual(['白毫银针 会员专享', '牛栏坑肉桂 金卡私藏', '老枞水仙 金卡预告'].sort());
  });

  it('a category holding only private products lists nothing to an anonymous visitor', async () => {
    const anonymous = await mall.api('GET', `/api/products?category=${catalog.categories.vault.id}`);
    expect(anonymous.body.total).toBe(0);
    const asRegular = await mall.api('GET', `/api/products?category=${catalog.categories.vault.id}`, {
      token: regular.token,
    });
    expect(titles(asRegular.body)).toEqual(['老枞水仙 金卡预告']);
  });
});

describe('search', () => {
  it('q matches title, subtitle and tags, within what the viewer may see', async () => {
    expect(titles((await mall.api('GET', `/api/products?q=${encodeURIComponent('狮峰')}`)).body)).toEqual([
      '西湖龙井 明前特级',
    ]);
    expect(titles((await mall.api('GET', `/api/products?q=${encodeURIComponent('明前')}`)).body)).toEqual([
      '西湖龙井 明前特级',
    ]);
    const rock = encodeURIComponent('岩茶');
    expect((await mall.api('GET', `/api/products?q=${rock}`)).body.total).toBe(0);
    expect(titles((await mall.api('GET', `/api/products?q=${rock}`, { token: regular.token })).body)).toEqual([
      '老枞水仙 金卡预告',
    ]);
    expect(titles((await mall.api('GET', `/api/products?q=${rock}`, { token: gold.token })).body)).toEqual(
      ['牛栏坑肉桂 金卡私藏', '老枞水仙 金卡预告'].sort(),
    );
  });

  it('a search for a private product name tells an anonymous visitor nothing', async () => {
    const response = await mall.api('GET', `/api/products?q=${encodeURIComponent('牛栏坑')}`);
    expect(response.body).toMatchObject({ items: [], total: 0 });
  });

  it('regex characters in q are matched literally, not as a pattern', async () => {
    for (const q of ['.*', '(', '[a-', '\\']) {
      const response = await mall.api('GET', `/api/products?q=${encodeURIComponent(q)}`, { token: gold.token });
      expect(response.status).toBe(200);
      expect(response.body.total).toBe(0);
    }
  });
});

describe('categories', () => {
  it('product counts per category count only what the viewer can see', async () => {
    const count = async (token?: string) => {
      const response = await mall.api('GET', '/api/categories', token ? { token } : {});
      expect(response.status).toBe(200);
      return Object.fromEntries(
        response.body.map((category: { name: string; productCount: number }) => [category.name, category.productCount]),
      );
    };
    expect(await count()).toEqual({ 名优绿茶: 1, 乌龙岩茶: 0, 私享: 0 });
    expect(await count(regular.token)).toEqual({ 名优绿茶: 2, 乌龙岩茶: 0, 私享: 1 });
    expect(await count(gold.token)).toEqual({ 名优绿茶: 2, 乌龙岩茶: 0, 私享: 2 });
  });
});

describe('product detail', () => {
  it('is a 404 for an anonymous visitor on every non-public product, exactly like a product that does not exist', async () => {
    const { members, gold: goldProduct, teaser, draft, deleted } = catalog.products;
    for (const product of [members, goldProduct, teaser, draft, deleted]) {
      const response = await mall.api('GET', `/api/products/${product.id}`);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('product_not_found');
    }
    const missing = await mall.api('GET', '/api/products/0123456789abcdef01234567');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('product_not_found');
  });

  it('a regular member gets the teaser as a locked card without SKUs, and a 404 for the non-teaser gold product', async () => {
    const teaser = await mall.api('GET', `/api/products/${catalog.products.teaser.id}`, { token: regular.token });
    expect(teaser.status).toBe(200);
    expect(teaser.body).toMatchObject({ locked: true, unlockTier: 'gold', unlockText: '升级到金卡解锁' });
    expect(teaser.body).not.toHaveProperty('skus');
    expect(JSON.stringify(teaser.body)).not.toContain(catalog.sku(catalog.products.teaser));
    const goldOnly = await mall.api('GET', `/api/products/${catalog.products.gold.id}`, { token: regular.token });
    expect(goldOnly.status).toBe(404);
    const members = await mall.api('GET', `/api/products/${catalog.products.members.id}`, { token: regular.token });
    expect(members.status).toBe(200);
    expect(members.body.skus).toHaveLength(1);
  });

  it('a gold member gets the gold products with their SKUs', async () => {
    for (const product of [catalog.products.gold, catalog.products.teaser]) {
      const response = await mall.api('GET', `/api/products/${product.id}`, { token: gold.token });
      expect(response.status).toBe(200);
      expect(response.body.locked).toBe(false);
      expect(response.body.skus.map((sku: { id: string }) => sku.id)).toEqual([catalog.sku(product)]);
    }
  });
});

describe('prices as the viewer pays them', () => {
  const skuOf = (body: { skus: { specsText: string }[] }, specs: string) =>
    body.skus.find((sku) => sku.specsText === specs)!;

  it('an anonymous visitor pays the list price and sees the lowest member price as a teaser', async () => {
    const detail = await mall.api('GET', `/api/products/${catalog.products.publicProduct.id}`);
    expect(skuOf(detail.body, '50g')).toMatchObject({
      price: 12800,
      listPrice: 12800,
      memberPrice: null,
      memberPriceFrom: { tier: 'black', price: 10000 },
      stock: 100,
    });
    expect(detail.body).toMatchObject({ price: 12800, listPrice: 12800 });
  });

  it('a regular member pays the list price (no member price for the regular tier)', async () => {
    const detail = await mall.api('GET', `/api/products/${catalog.products.publicProduct.id}`, {
      token: regular.token,
    });
    expect(skuOf(detail.body, '50g')).toMatchObject({ price: 12800, memberPrice: null });
  });

  it('a gold member pays the gold member price in the list and in detail, not the black one', async () => {
    const detail = await mall.api('GET', `/api/products/${catalog.products.publicProduct.id}`, { token: gold.token });
    expect(skuOf(detail.body, '50g')).toMatchObject({ price: 11000, listPrice: 12800, memberPrice: 11000 });
    // No gold member price on 100g: the gold tier's general discount (membership benefits) applies.
    const goldBenefits = await mall.services.catalog.benefitsFor('gold');
    const discounted = unitPriceFor({ skuId: 'x', price: 23800 }, goldBenefits).unitPrice;
    expect(skuOf(detail.body, '100g')).toMatchObject({ price: discounted, listPrice: 23800, memberPrice: null });
    const list = await mall.api('GET', '/api/products', { token: gold.token });
    const card = list.body.items.find((item: { id: string }) => item.id === catalog.products.publicProduct.id);
    expect(card).toMatchObject({ price: 11000, listPrice: 12800 });
    const members = list.body.items.find((item: { id: string }) => item.id === catalog.products.members.id);
    expect(members).toMatchObject({ price: 17800, listPrice: 19800 });
  });

  it('a silver member pays the silver price', async () => {
    const silver = await mall.loginMember('silver-viewer');
    await setTier(silver.id, 'silver');
    const detail = await mall.api('GET', `/api/products/${catalog.products.publicProduct.id}`, {
      token: silver.token,
    });
    expect(skuOf(detail.body, '50g')).toMatchObject({ price: 12000, memberPrice: 12000 });
  });
});

describe('list paging and sorting', () => {
  it('sorts by price both ways and pages with total', async () => {
    const ascending = await mall.api('GET', '/api/products?sort=price_asc', { token: gold.token });
    expect(ascending.body.items.map((item: { listPrice: number }) => item.listPrice)).toEqual([
      12800, 19800, 26800, 36800,
    ]);
    const descending = await mall.api('GET', '/api/products?sort=price_desc&page=2&pageSize=3', {
      token: gold.token,
    });
    expect(descending.body).toMatchObject({ total: 4, page: 2, pageSize: 3 });
    expect(descending.body.items.map((item: { listPrice: number }) => item.listPrice)).toEqual([12800]);
  });

  it('refuses a pageSize above 50 and an unknown sort or parameter with 400', async () => {
    for (const query of ['pageSize=51', 'sort=cheapest', 'page=0', 'visibility=tier', 'category=nope']) {
      const response = await mall.api('GET', `/api/products?${query}`);
      expect(response.status, query).toBe(400);
    }
    expect((await mall.api('GET', '/api/products?pageSize=50')).status).toBe(200);
  });
});

describe('cart and orders enforce the same visibility', () => {
  it('cart PUT: anonymous 401, invisible SKU 404, locked teaser 403 tier_required, allowed SKU 200', async () => {
    const { gold: goldProduct, teaser, publicProduct, draft } = catalog.products;
    const put = (skuId: string, token?: string) =>
      mall.api('PUT', `/api/cart/items/${skuId}`, { body: { qty: 1 }, ...(token ? { token } : {}) });
    expect((await put(catalog.sku(publicProduct))).status).toBe(401);
    const hidden = await put(catalog.sku(goldProduct), regular.token);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('sku_not_found');
    expect((await put(catalog.sku(draft), regular.token)).status).toBe(404);
    const locked = await put(catalog.sku(teaser), regular.token);
    expect(locked.status).toBe(403);
    expect(locked.body.error.code).toBe('tier_required');
    expect((await put(catalog.sku(teaser), gold.token)).status).toBe(200);
    expect((await put(catalog.sku(goldProduct), gold.token)).status).toBe(200);
  });

  it('resolveForOrder: 404 for invisible, 403 for locked, lines with list and member prices for allowed', async () => {
    const { resolveForOrder } = mall.services.catalog;
    const { gold: goldProduct, teaser, publicProduct, draft, deleted } = catalog.products;
    const asRegular = { id: regular.id, tier: 'regular' as const };
    const asGold = { id: gold.id, tier: 'gold' as const };
    await expect(resolveForOrder(asRegular, [{ skuId: catalog.sku(goldProduct), qty: 1 }])).rejects.toMatchObject({
      status: 404,
      code: 'sku_not_found',
    });
    await expect(resolveForOrder(asRegular, [{ skuId: catalog.sku(teaser), qty: 1 }])).rejects.toMatchObject({
      status: 403,
      code: 'tier_required',
    });
    for (const product of [draft, deleted]) {
      await expect(resolveForOrder(asGold, [{ skuId: catalog.sku(product), qty: 1 }])).rejects.toMatchObject({
        status: 404,
      });
    }
    await expect(resolveForOrder(asGold, [{ skuId: 'not-an-id', qty: 1 }])).rejects.toMatchObject({ status: 404 });
    await expect(
      resolveForOrder(asGold, [
        { skuId: catalog.sku(publicProduct), qty: 1 },
        { skuId: catalog.sku(publicProduct), qty: 2 },
      ]),
    ).rejects.toMatchObject({ status: 400, code: 'duplicate_sku' });
    await expect(resolveForOrder(asGold, [{ skuId: catalog.sku(publicProduct), qty: 0 }])).rejects.toMatchObject({
      status: 400,
    });

    const lines = await resolveForOrder(asGold, [
      { skuId: catalog.sku(teaser), qty: 1 },
      { skuId: catalog.sku(publicProduct), qty: 2 },
    ]);
    expect(lines).toEqual([
      expect.objectContaining({ skuId: catalog.sku(teaser), productId: teaser.id, price: 26800, stock: 8 }),
      {
        skuId: catalog.sku(publicProduct),
        productId: publicProduct.id,
        categoryId: expect.any(String),
        title: '西湖龙井 明前特级',
        specsText: '50g',
        image: '',
        price: 12800,
        memberPrices: { silver: 12000, gold: 11000, black: 10000 },
        pointsPrice: undefined,
        limitPerMember: 0,
        stock: 100,
      },
    ]);
  });
});
