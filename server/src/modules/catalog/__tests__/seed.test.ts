import { ImageUrlSchema } from '@siyu/shared';
import mongoose from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { trustedOperators } from '../../../db/connection';
import { seedCatalog, seedMedia } from '../../../seed/catalog';
import { Category, Product, Sku } from '../catalog.model';
import { setTier } from './fixtures';

let mall: TestMall;

beforeAll(async () => {
  mall = await startTestMall();
});

async function snapshot() {
  const strip = (rows: Record<string, unknown>[]) => rows.map(({ updatedAt: _u, ...rest }) => rest);
  return {
    categories: strip(await Category.find().sort({ _id: 1 }).lean()),
    products: strip(await Product.find().sort({ _id: 1 }).lean()),
    skus: strip(await Sku.find().sort({ _id: 1 }).lean()),
    updated: [
      ...(await Category.find({}, { updatedAt: 1 }).lean()),
      ...(await Product.find({}, { updatedAt: 1 }).lean()),
      ...(await Sku.find({}, { updatedAt: 1 }).lean()),
    ].map((row) => String(row.updatedAt)),
  };
}

describe('demo catalog seed', () => {
  it('seeds a believable catalog once; a second run changes nothing', async () => {
    const report = await seedCatalog();
    expect(report.length).toBeGreaterThan(0);
    expect(await Category.countDocuments()).toBe(5);
    expect(await Product.countDocuments()).toBeGreaterThanOrEqual(20);
    const before = await snapshot();
    expect(await seedCatalog()).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('has private products, a gold teaser, a nearly sold-out SKU, points items and valid images', async () => {
    const products = await Product.find().lean();
    expect(products.filter((product) => product.visibility !== 'public').length).toBeGreaterThanOrEqual(3);
    expect(products.filter((product) => product.teaser && product.minTier === 'gold')).toHaveLength(1);
    expect(products.filter((product) => product.visibility === 'tier' && product.minTier === 'gold')).toHaveLength(2);
    expect(await Sku.countDocuments({ stock: 3 })).toBe(1);
    const points = await Sku.find({ pointsPrice: trustedOperators({ $gt: 0 }) }).lean();
    expect(points).toHaveLength(2);
    expect(points.every((sku) => sku.price === 0)).toBe(true);
    for (const product of products) {
      expect(product.images.length).toBe(1);
      for (const image of product.images) expect(ImageUrlSchema.safeParse(image).success).toBe(true);
      // A static file the server answers (issue 8: no data URIs inside documents), showing the product's name.
      expect(product.images[0]).toMatch(/^\/api\/media\/seed\/[0-9a-f]{16}\.svg$/);
      expect(seedMedia().get(product.images[0]!.split('/').pop()!)).toContain(product.title.split(' · ')[0]);
    }
    for (const sku of await Sku.find().lean()) {
      for (const price of Object.values(sku.memberPrices ?? {})) {
        if (typeof price === 'number') expect(price).toBeLessThanOrEqual(sku.price);
      }
    }
  });

  it('shows each visitor their part of it through the store API', async () => {
    const anonymous = await mall.api('GET', '/api/products?pageSize=50');
    const gold = await mall.loginMember();
    await setTier(gold.id, 'gold');
    const asGold = await mall.api('GET', '/api/products?pageSize=50', { token: gold.token });
    const total = await Product.countDocuments();
    expect(asGold.body.total).toBe(total);
    expect(anonymous.body.total).toBe(total - 4);
    const points = await mall.api('GET', '/api/products?zone=points');
    expect(points.body.total).toBe(2);
    const categories = await mall.api('GET', '/api/categories');
    expect(categories.body.map((category: { name: string }) => category.name)).toEqual([
      '名优绿茶',
      '乌龙岩茶',
      '红茶',
      '花草茶',
      '茶器周边',
    ]);
    expect(await mall.services.catalog.recountSales()).toBe(0);
  });

  it('every seeded product opens, for a visitor and for a gold member (no product page is a 500)', async () => {
    const gold = await mall.loginMember();
    await setTier(gold.id, 'gold');
    const list = await mall.api('GET', '/api/products?pageSize=50', { token: gold.token });
    for (const item of list.body.items as { id: string; title: string }[]) {
      const asGold = await mall.api('GET', `/api/products/${item.id}`, { token: gold.token });
      expect(asGold.status, item.title).toBe(200);
      expect(asGold.body.skus.length, item.title).toBeGreaterThan(0);
      expect([200, 404], item.title).toContain((await mall.api('GET', `/api/products/${item.id}`)).status);
    }
  });

  it('leaves a catalog of the shop’s own alone', async () => {
    await mongoose.connection.db!.collection('products').deleteMany({});
    await mongoose.connection.db!.collection('skus').deleteMany({});
    const category = await mall.services.catalog.createCategory({ name: '自有分类' });
    await mall.services.catalog.createProduct('0123456789abcdef01234567', {
      title: '店铺自己的茶',
      categoryId: category.id,
      status: 'on_sale',
      visibility: 'public',
      skus: [{ specs: [], price: 100, stock: 1 }],
    });
    expect(await seedCatalog()).toEqual([]);
    expect(await Product.countDocuments()).toBe(1);
  });
});
