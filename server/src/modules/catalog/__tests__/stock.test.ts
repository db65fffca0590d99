import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { Product, Sku } from '../catalog.model';
import { createCategory, createProduct } from './fixtures';

let mall: TestMall;
let categoryId: string;

beforeAll(async () => {
  mall = await startTestMall();
  categoryId = (await createCategory(mall, '红茶')).id;
});

async function productWithStock(stock: number) {
  const product = await createProduct(mall, {
    title: `正山小种 ${stock}`,
    categoryId,
    skus: [{ specs: [], price: 8800, stock }],
  });
  return { productId: product.id, skuId: product.skus[0]!.id };
}

describe('takeStock', () => {
  it('when 50 buyers race for 10 units, exactly 10 get one, stock ends at 0 and never goes negative', async () => {
    const { productId, skuId } = await productWithStock(10);
    const results = await Promise.all(Array.from({ length: 50 }, () => mall.services.catalog.takeStock(skuId, 1)));
    expect(results.filter(Boolean)).toHaveLength(10);
    const sku = await Sku.findById(skuId).lean();
    expect(sku).toMatchObject({ stock: 0, sold: 10 });
    expect((await Product.findById(productId).lean())?.sales).toBe(10);
  });

  it('when buyers of different quantities race, what is sold never exceeds the stock', async () => {
    const { skuId } = await productWithStock(7);
    const quantities = [3, 2, 4, 1, 3, 2, 5, 1, 2, 3];
    const results = await Promise.all(quantities.map((qty) => mall.services.catalog.takeStock(skuId, qty)));
    const taken = quantities.filter((_, index) => results[index]).reduce((sum, qty) => sum + qty, 0);
    const sku = await Sku.findById(skuId).lean();
    expect(taken).toBeLessThanOrEqual(7);
    expect(sku!.stock).toBe(7 - taken);
    expect(sku!.stock).toBeGreaterThanOrEqual(0);
    expect(sku!.sold).toBe(taken);
  });

  it('answers false when fewer units are left than asked, for inactive SKUs and for unknown ids', async () => {
    const { productId, skuId } = await productWithStock(2);
    expect(await mall.services.catalog.takeStock(skuId, 3)).toBe(false);
    expect((await Sku.findById(skuId).lean())?.stock).toBe(2);
    await mall.services.catalog.updateProduct('0123456789abcdef01234567', productId, {
      skus: [{ id: skuId, active: false }],
    });
    expect(await mall.services.catalog.takeStock(skuId, 1)).toBe(false);
    expect(await mall.services.catalog.takeStock('0123456789abcdef01234567', 1)).toBe(false);
    expect(await mall.services.catalog.takeStock('nope', 1)).toBe(false);
    await expect(mall.services.catalog.takeStock(skuId, 0)).rejects.toThrow(RangeError);
  });

  it('returnStock puts the units back and the sales count follows', async () => {
    const { productId, skuId } = await productWithStock(5);
    expect(await mall.services.catalog.takeStock(skuId, 4)).toBe(true);
    await mall.services.catalog.returnStock(skuId, 4);
    expect(await Sku.findById(skuId).lean()).toMatchObject({ stock: 5, sold: 0 });
    expect((await Product.findById(productId).lean())?.sales).toBe(0);
    expect(await mall.services.catalog.takeStock(skuId, 5)).toBe(true);
  });

  it('recountSales repairs a sales figure that drifted from the SKUs', async () => {
    const { productId, skuId } = await productWithStock(5);
    await mall.services.catalog.takeStock(skuId, 2);
    await Product.updateOne({ _id: productId }, { $set: { sales: 999 } });
    expect(await mall.services.catalog.recountSales()).toBeGreaterThanOrEqual(1);
    expect((await Product.findById(productId).lean())?.sales).toBe(2);
  });
});
