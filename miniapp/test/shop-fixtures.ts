/** Shapes the shopping API answers with, for the storefront tests. */
import type { OrderPreview, OrderView, StoreCart, StoreProductCard, StoreSku } from '@siyu/shared';
import { saveMember, saveTokens } from '../src/api/session';

export const ids = {
  product: 'aaaaaaaaaaaaaaaaaaaaaaa1',
  sku50: 'bbbbbbbbbbbbbbbbbbbbbbb1',
  sku100: 'bbbbbbbbbbbbbbbbbbbbbbb2',
  skuSoldOut: 'bbbbbbbbbbbbbbbbbbbbbbb3',
  address: 'ccccccccccccccccccccccc1',
  order: 'ddddddddddddddddddddddd1',
};

export function signIn(): void {
  saveTokens({ accessToken: 'access-1', refreshToken: 'refresh-1-0123456789abc', expiresIn: 900 });
  saveMember({
    id: 'm1',
    memberNo: 'SY00000001',
    nickname: '小满',
    avatarUrl: '',
    birthday: null,
    gender: 'unknown',
    phone: null,
    tier: 'silver',
    inviteCode: 'INVITE01',
    marketplaces: [],
    createdAt: '2026-11-22T01:00:00.000Z',
  });
}

export const openCard: Extract<StoreProductCard, { locked: false }> = {
  id: ids.product,
  title: '西湖龙井 · 明前特级',
  subtitle: '狮峰山核心产区',
  image: 'https://img.example.com/longjing.png',
  categoryId: 'eeeeeeeeeeeeeeeeeeeeeee1',
  tags: ['绿茶'],
  visibility: 'public',
  minTier: null,
  listPrice: 12800,
  locked: false,
  price: 12160,
  memberPriceFrom: { tier: 'gold', price: 11000 },
  pointsPrice: null,
  sales: 326,
  soldOut: false,
};

export const lockedCard: Extract<StoreProductCard, { locked: true }> = {
  id: 'aaaaaaaaaaaaaaaaaaaaaaa2',
  title: '老枞水仙 · 百年枞',
  subtitle: '枞味木质香',
  image: 'https://img.example.com/shuixian.png',
  categoryId: 'eeeeeeeeeeeeeeeeeeeeeee2',
  tags: ['岩茶'],
  visibility: 'tier',
  minTier: 'gold',
  listPrice: 26800,
  locked: true,
  unlockTier: 'gold',
  unlockText: '升级到金卡解锁',
};

export function sku(overrides: Partial<StoreSku> = {}): StoreSku {
  return {
    id: ids.sku50,
    specs: [{ name: '规格', value: '50g' }],
    specsText: '50g',
    price: 9800,
    listPrice: 9800,
    memberPrice: null,
    memberPriceFrom: null,
    stock: 10,
    limitPerMember: 0,
    pointsPrice: null,
    ...overrides,
  };
}

export const cart: StoreCart = {
  items: [
    {
      skuId: ids.sku50,
      productId: ids.product,
      title: '西湖龙井 · 明前特级',
      specsText: '50g',
      image: 'https://img.example.com/longjing.png',
      qty: 2,
      status: 'ok',
      price: 12160,
      listPrice: 12800,
      lineTotal: 24320,
      stock: 40,
      pointsPrice: null,
      unlockTier: null,
    },
    {
      skuId: ids.sku100,
      productId: 'aaaaaaaaaaaaaaaaaaaaaaa3',
      title: '正山小种',
      specsText: '100g',
      image: 'https://img.example.com/xiaozhong.png',
      qty: 5,
      status: 'short',
      price: 6800,
      listPrice: 6800,
      lineTotal: 34000,
      stock: 3,
      pointsPrice: null,
      unlockTier: null,
    },
    {
      skuId: ids.skuSoldOut,
      productId: null,
      title: '停售的白茶',
      specsText: '饼',
      image: 'https://img.example.com/baicha.png',
      qty: 1,
      status: 'unavailable',
      price: 9900,
      listPrice: 9900,
      lineTotal: 9900,
      stock: 0,
      pointsPrice: null,
      unlockTier: null,
    },
    {
      skuId: 'bbbbbbbbbbbbbbbbbbbbbbb4',
      productId: lockedCard.id,
      title: '老枞水仙 · 百年枞',
      specsText: '125g',
      image: 'https://img.example.com/shuixian.png',
      qty: 1,
      status: 'locked',
      price: 26800,
      listPrice: 26800,
      lineTotal: 26800,
      stock: 9,
      pointsPrice: null,
      unlockTier: 'gold',
    },
  ],
  summary: {
    count: 2,
    listTotal: 25600,
    itemsTotal: 24320,
    memberSaving: 1280,
    shippingFee: 0,
    freeShippingThreshold: 9900,
    pointsCost: 0,
    payable: 24320,
  },
};

const amounts = {
  listTotal: 25600,
  itemsTotal: 24320,
  memberSaving: 1280,
  shippingFee: 0,
  freeShippingThreshold: 9900,
  pointsCost: 0,
  pointsUsed: 0,
  pointsDeduction: 0,
  payable: 24320,
  pointsEarned: 243,
  couponDiscount: 0,
};

export const preview: OrderPreview = {
  items: [
    {
      skuId: ids.sku50,
      productId: ids.product,
      title: '西湖龙井 · 明前特级',
      specsText: '50g',
      image: 'https://img.example.com/longjing.png',
      qty: 2,
      listPrice: 12800,
      unitPrice: 12160,
      priceSource: 'tier_discount',
      lineTotal: 24320,
      pointsCost: 0,
    },
  ],
  amounts,
  tier: 'silver',
  pointsBalance: 500,
  maxPointsUsable: 500,
  coupons: [],
  couponId: null,
  breakdown: [
    { label: '商品原价', amount: 25600, kind: 'items' },
    { label: '会员优惠', amount: -1280, kind: 'discount' },
    { label: '运费（包邮）', amount: 0, kind: 'shipping' },
    { label: '实付款', amount: 24320, kind: 'payable' },
    { label: '完成后可得 243 积分', amount: 0, kind: 'earn' },
  ],
};

export const address = {
  id: ids.address,
  name: '张三',
  phone: '13800138000',
  province: '浙江省',
  city: '杭州市',
  district: '西湖区',
  detail: '龙井路 1 号',
  isDefault: true,
  createdAt: '2026-11-22T01:00:00.000Z',
  updatedAt: '2026-11-22T01:00:00.000Z',
};

export function order(overrides: Partial<OrderView> = {}): OrderView {
  return {
    id: ids.order,
    orderNo: 'SY202611220001',
    status: 'pending_payment',
    statusText: '待付款',
    items: preview.items,
    amounts,
    address: {
      name: '张三',
      phone: '13800138000',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: '龙井路 1 号',
    },
    remark: '',
    createdAt: '2026-11-22T02:00:00.000Z',
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    paidAt: null,
    shipment: null,
    autoCompleteAt: null,
    completedAt: null,
    cancelledAt: null,
    cancelReason: null,
    refund: null,
    gate: null,
    attribution: null,
    context: {},
    actions: ['pay', 'cancel'],
    deletable: false,
    ...overrides,
  };
}
