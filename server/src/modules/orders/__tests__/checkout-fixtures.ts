/** Shared setup for order and payment tests: a product, a member with an address, order helpers. */
import { randomUUID } from 'node:crypto';
import type { TestMall } from '../../../../test/harness';
import { createCategory, createProduct } from '../../catalog/__tests__/fixtures';
import { Sku } from '../../catalog/catalog.model';

export async function productWithStock(
  mall: TestMall,
  options: { stock: number; price?: number; limitPerMember?: number; title?: string },
) {
  const category = await createCategory(mall, `分类-${randomUUID().slice(0, 6)}`);
  const product = await createProduct(mall, {
    title: options.title ?? `测试茶-${randomUUID().slice(0, 6)}`,
    categoryId: category.id,
    skus: [
      {
        specs: [{ name: '规格', value: '50g' }],
        price: options.price ?? 6800,
        stock: options.stock,
        ...(options.limitPerMember ? { limitPerMember: options.limitPerMember } : {}),
      },
    ],
  });
  return { productId: product.id, skuId: product.skus[0]!.id };
}

export async function stockOf(skuId: string): Promise<number> {
  return (await Sku.findById(skuId).lean())!.stock;
}

export async function shopper(mall: TestMall, nickname?: string) {
  const member = await mall.loginMember(nickname);
  const address = await mall.api('POST', '/api/addresses', {
    token: member.token,
    body: {
      name: '林小满',
      phone: '13800138000',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: '龙井路 1 号',
      isDefault: true,
    },
  });
  if (address.status !== 201 && address.status !== 200)
    throw new Error(`address: ${address.status} ${JSON.stringify(address.body)}`);
  return { ...member, addressId: address.body.id as string };
}

export function placeOrder(
  mall: TestMall,
  buyer: { token: string; addressId: string },
  items: { skuId: string; qty: number }[],
  options: { key?: string; pointsToUse?: number; remark?: string } = {},
) {
  return mall.api('POST', '/api/orders', {
    token: buyer.token,
    headers: { 'Idempotency-Key': options.key ?? `key-${randomUUID()}` },
    body: {
      items,
      addressId: buyer.addressId,
      ...(options.pointsToUse ? { pointsToUse: options.pointsToUse } : {}),
      ...(options.remark ? { remark: options.remark } : {}),
    },
  });
}
