/** A small catalog for tests, written through the catalog service (test setup, not mocking). */
import type { TierCode } from '@siyu/shared';
import { Types } from 'mongoose';
import type { TestMall } from '../../../../test/harness';
import { Member } from '../../identity/member.model';
import type { AdminProductCreate } from '../catalog.schemas';

export const SETUP_ADMIN = new Types.ObjectId().toString();

export async function setTier(memberId: string, tier: TierCode): Promise<void> {
  await Member.updateOne({ _id: memberId }, { $set: { tier } });
}

export async function createCategory(mall: TestMall, name: string, sort = 0) {
  return mall.services.catalog.createCategory({ name, sort });
}

export async function createProduct(
  mall: TestMall,
  input: Partial<AdminProductCreate> & Pick<AdminProductCreate, 'title' | 'categoryId'>,
) {
  return mall.services.catalog.createProduct(SETUP_ADMIN, {
    status: 'on_sale',
    visibility: 'public',
    skus: [{ specs: [{ name: '规格', value: '50g' }], price: 10000, stock: 10 }],
    ...input,
  });
}

/**
 * Three categories; in 私享 only private products. `public` has member prices for every tier.
 *   public   西湖龙井 明前特级   public            50g 12800 (silver 12000 / gold 11000 / black 10000), 100g 23800
 *   members  白毫银针 会员专享   members           19800 (gold 17800)
 *   gold     牛栏坑肉桂 金卡私藏 tier gold          36800
 *   teaser   老枞水仙 金卡预告   tier gold, teaser  26800
 *   draft    正山小种 草稿       public, draft
 *   deleted  滇红金芽 已删除     public, deleted
 */
export async function seedVisibilityCatalog(mall: TestMall) {
  const green = await createCategory(mall, '名优绿茶', 30);
  const rock = await createCategory(mall, '乌龙岩茶', 20);
  const vault = await createCategory(mall, '私享', 10);
  const publicProduct = await createProduct(mall, {
    title: '西湖龙井 明前特级',
    subtitle: '狮峰山核心产区',
    tags: ['绿茶', '明前'],
    categoryId: green.id,
    skus: [
      {
        specs: [{ name: '规格', value: '50g' }],
        price: 12800,
        stock: 100,
        memberPrices: { silver: 12000, gold: 11000, black: 10000 },
      },
      { specs: [{ name: '规格', value: '100g' }], price: 23800, stock: 50 },
    ],
  });
  const members = await createProduct(mall, {
    title: '白毫银针 会员专享',
    tags: ['白茶'],
    categoryId: green.id,
    visibility: 'members',
    skus: [{ specs: [], price: 19800, stock: 20, memberPrices: { gold: 17800 } }],
  });
  const gold = await createProduct(mall, {
    title: '牛栏坑肉桂 金卡私藏',
    tags: ['岩茶', '私藏'],
    categoryId: vault.id,
    visibility: 'tier',
    minTier: 'gold',
    skus: [{ specs: [], price: 36800, stock: 5 }],
  });
  const teaser = await createProduct(mall, {
    title: '老枞水仙 金卡预告',
    tags: ['岩茶'],
    categoryId: vault.id,
    visibility: 'tier',
    minTier: 'gold',
    teaser: true,
    skus: [{ specs: [], price: 26800, stock: 8 }],
  });
  const draft = await createProduct(mall, { title: '正山小种 草稿', categoryId: rock.id, status: 'draft' });
  const deleted = await createProduct(mall, { title: '滇红金芽 已删除', categoryId: rock.id });
  await mall.services.catalog.deleteProduct(SETUP_ADMIN, deleted.id);
  return {
    categories: { green, rock, vault },
    products: { publicProduct, members, gold, teaser, draft, deleted },
    sku: (product: { skus: { id: string }[] }, index = 0) => product.skus[index]!.id,
  };
}
