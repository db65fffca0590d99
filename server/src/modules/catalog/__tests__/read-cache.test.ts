/**
 * The storefront's catalog reads come from an in-process cache. These tests prove it stays correct:
 * edits show at once on the instance that made them and within a second on another instance, stock
 * is at most a second stale while order placement reads it exactly, a stampede of readers costs one
 * load, and answers differ by viewer tier.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { createCatalogVersion, ReadCache } from '../catalog-cache';
import { createCategory, createProduct, SETUP_ADMIN, setTier } from './fixtures';

let first: TestMall;
let second: TestMall;
let categoryId: string;

beforeAll(async () => {
  // Two API instances over one database, like two servers behind a load balancer.
  first = await startTestMall();
  second = await startTestMall();
  categoryId = (await createCategory(first, '缓存测试')).id;
});

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number) {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return { value, ms: Date.now() - started };
    if (Date.now() - started > timeoutMs) return { value, ms: Date.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('catalog read cache', () => {
  it('an admin edit shows at once on the instance that made it and within a second on another instance', async () => {
    const product = await createProduct(first, { title: '缓存 旧标题', categoryId });
    const path = `/api/products/${product.id}`;
    expect((await first.api('GET', path)).body.title).toBe('缓存 旧标题');
    expect((await second.api('GET', path)).body.title).toBe('缓存 旧标题');

    const operator = await first.loginAdmin('operator');
    const patched = await first.api('PATCH', `/api/admin/products/${product.id}`, {
      token: operator,
      body: { title: '缓存 新标题' },
    });
    expect(patched.status).toBe(200);
    expect((await first.api('GET', path)).body.title).toBe('缓存 新标题');
    const list = await first.api('GET', `/api/products?category=${categoryId}`);
    expect(list.body.items.map((item: { title: string }) => item.title)).toContain('缓存 新标题');

    const seen = await waitFor(
      async () => (await second.api('GET', path)).body.title as string,
      (title) => title === '缓存 新标题',
      3000,
    );
    expect(seen.value).toBe('缓存 新标题');
    expect(seen.ms).toBeLessThan(1500);
  });

  it('stock taken by an order shows on the product page within a second; the order itself reads stock exactly', async () => {
    const product = await createProduct(first, {
      title: '缓存 库存',
      categoryId,
      skus: [{ specs: [{ name: '规格', value: '一件' }], price: 5000, stock: 2 }],
    });
    const path = `/api/products/${product.id}`;
    const skuId = product.skus[0]!.id;
    expect((await first.api('GET', path)).body.skus[0].stock).toBe(2);

    // Straight to the SKU, as an order's stock hold does (no catalog write, no version bump).
    expect(await first.services.catalog.takeStock(skuId, 2)).toBe(true);
    const seen = await waitFor(
      async () => (await first.api('GET', path)).body as { skus: { stock: number }[]; soldOut: boolean },
      (body) => body.skus[0]!.stock === 0,
      3000,
    );
    expect(seen.value.skus[0]!.stock).toBe(0);
    expect(seen.value.soldOut).toBe(true);
    expect(seen.ms).toBeLessThan(1500);

    // Order placement never trusts the cache: the SKU it resolves carries the stock stored now.
    const member = await first.loginMember('cache-stock');
    const [line] = await first.services.catalog.resolveForOrder({ id: member.id, tier: 'regular' }, [
      { skuId, qty: 1 },
    ]);
    expect(line!.stock).toBe(0);
  });

  it('200 concurrent readers of a page nobody has loaded yet cost one load and get the same answer', async () => {
    await createProduct(first, { title: '缓存 并发', categoryId });
    const before = first.services.catalog.cacheLoads().lists;
    const query = { category: categoryId, sort: 'newest' as const, page: 1, pageSize: 7 };
    const pages = await Promise.all(
      Array.from({ length: 200 }, () => first.services.catalog.listProducts(undefined, query)),
    );
    expect(new Set(pages.map((page) => JSON.stringify(page))).size).toBe(1);
    expect(pages[0]!.items.map((item) => item.title)).toContain('缓存 并发');
    expect(first.services.catalog.cacheLoads().lists - before).toBe(1);
  });

  it('each viewer tier gets its own answer from the cache: a gold-only product is hidden from anonymous visitors', async () => {
    const gold = await createProduct(first, {
      title: '缓存 金卡私藏',
      categoryId,
      visibility: 'tier',
      minTier: 'gold',
      skus: [{ specs: [{ name: '规格', value: '一件' }], price: 30000, stock: 5, memberPrices: { gold: 25000 } }],
    });
    const member = await first.loginMember('cache-gold');
    await setTier(member.id, 'gold');
    const url = `/api/products?category=${categoryId}&q=${encodeURIComponent('金卡私藏')}`;
    expect((await first.api('GET', url)).body.total).toBe(0);
    const asGold = await first.api('GET', url, { token: member.token });
    expect(asGold.body.items).toEqual([expect.objectContaining({ id: gold.id, price: 25000 })]);
    expect((await first.api('GET', url)).body.total).toBe(0);
    expect((await first.api('GET', `/api/products/${gold.id}`)).status).toBe(404);
    const cards = await first.services.catalog.productCards({ id: member.id, tier: 'gold' }, [gold.id, 'nope']);
    expect([...cards.keys()]).toEqual([gold.id]);
    expect((await first.services.catalog.productCards(undefined, [gold.id])).size).toBe(0);
  });

  it('a deleted product disappears from every instance within a second', async () => {
    const product = await createProduct(first, { title: '缓存 将删除', categoryId });
    const path = `/api/products/${product.id}`;
    expect((await second.api('GET', path)).status).toBe(200);
    await first.services.catalog.deleteProduct(SETUP_ADMIN, product.id);
    expect((await first.api('GET', path)).status).toBe(404);
    const gone = await waitFor(
      async () => (await second.api('GET', path)).status,
      (status) => status === 404,
      3000,
    );
    expect(gone.value).toBe(404);
    expect(gone.ms).toBeLessThan(1500);
  });
});

describe('ReadCache', () => {
  it('never serves an entry older than its limit, and reloads in the background before that', async () => {
    const cache = new ReadCache<number>(createCatalogVersion(), { maxAgeMs: 300, refreshAfterMs: 150, maxEntries: 10 });
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('k', load)).toBe(1);
    expect(await cache.get('k', load)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 180));
    expect(await cache.get('k', load)).toBe(1); // still fresh enough; starts a reload
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await cache.get('k', load)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 320));
    expect(await cache.get('k', load)).toBe(3); // too old: waited for a fresh load
  });

  it('a failed load is not cached: the next reader loads again', async () => {
    const cache = new ReadCache<string>(createCatalogVersion(), {
      maxAgeMs: 1000,
      refreshAfterMs: 800,
      maxEntries: 10,
    });
    await expect(cache.get('k', () => Promise.reject(new Error('engine down')))).rejects.toThrow('engine down');
    expect(await cache.get('k', async () => 'ok')).toBe('ok');
  });
});
