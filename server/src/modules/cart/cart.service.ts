/**
 * The member's cart. Writes are single-document updates on the member's cart; reads re-price every
 * line for the member's current tier with the shared pricing function and say, line by line, what can
 * be ordered as it is.
 */
import {
  CART_MAX_LINES,
  type PricingSku,
  priceOrder,
  type StoreCart,
  type StoreCartLine,
  specsText,
  type TierCode,
  unitPriceFor,
} from '@siyu/shared';
import { Types } from 'mongoose';
import { AppError, conflict, isDuplicateKey, notFound } from '../../http/errors';
import { type CatalogService, type CatalogViewer, pricingSkuOf } from '../catalog/catalog.service';
import { Cart, type CartDoc } from './cart.model';

/** SKU ids become field names (`items.<skuId>`): only 24 hex digits ever get there. */
function assertSkuId(skuId: string): void {
  if (!/^[0-9a-f]{24}$/i.test(skuId)) throw notFound('sku_not_found', '商品规格不存在或已下架');
}

export function createCartService(deps: { catalog: CatalogService }) {
  const { catalog } = deps;

  async function write(memberId: string, update: Record<string, unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await Cart.updateOne({ _id: new Types.ObjectId(memberId) }, update, { upsert: true });
        return;
      } catch (error) {
        // Two first writes to a new cart race on its _id: the loser retries against the winner's cart.
        if (!isDuplicateKey(error) || attempt > 1) throw error;
      }
    }
  }

  async function view(member: CatalogViewer): Promise<StoreCart> {
    const cart = await Cart.findById(new Types.ObjectId(member.id), { items: 1 }).lean<CartDoc>();
    const entries = Object.entries(cart?.items ?? {}).sort(
      ([, a], [, b]) => new Date(b.addedAt).getTime() - new Date(a.addedAt).getTime(),
    );
    const [contexts, benefits] = await Promise.all([
      catalog.skuContexts(
        member,
        entries.map(([skuId]) => skuId),
      ),
      catalog.benefitsFor(member.tier),
    ]);
    const orderable: { sku: PricingSku; qty: number }[] = [];
    const items = entries.map(([skuId, item]): StoreCartLine => {
      const context = contexts.get(skuId);
      if (!context) {
        return {
          skuId,
          productId: null,
          title: '商品已失效',
          specsText: '',
          image: '',
          qty: item.qty,
          status: 'unavailable',
          price: 0,
          listPrice: 0,
          lineTotal: 0,
          stock: 0,
          pointsPrice: null,
          unlockTier: null,
        };
      }
      const { sku, product, state } = context;
      const pricing = pricingSkuOf(sku);
      const price = unitPriceFor(pricing, benefits).unitPrice;
      // A tier product the member has dropped below is locked in their own cart, teaser or not.
      const locked = state === 'locked' || state === 'hidden';
      const status: StoreCartLine['status'] =
        state === 'unavailable' ? 'unavailable' : locked ? 'locked' : sku.stock < item.qty ? 'short' : 'ok';
      if (status === 'ok') orderable.push({ sku: pricing, qty: item.qty });
      return {
        skuId,
        productId: product?._id.toString() ?? null,
        title: product?.title ?? '商品已失效',
        specsText: specsText(sku.specs),
        image: product?.images?.[0] ?? '',
        qty: item.qty,
        status,
        price,
        listPrice: sku.price,
        lineTotal: price * item.qty,
        stock: Math.max(0, sku.stock),
        pointsPrice: sku.pointsPrice ?? null,
        unlockTier: locked ? ((product?.minTier as TierCode | null) ?? null) : null,
      };
    });
    const priced = priceOrder({ lines: orderable, benefits });
    return {
      items,
      summary: {
        count: orderable.reduce((sum, line) => sum + line.qty, 0),
        listTotal: priced.listTotal,
        itemsTotal: priced.itemsTotal,
        memberSaving: priced.memberSaving,
        shippingFee: priced.shippingFee,
        freeShippingThreshold: priced.freeShippingThreshold,
        pointsCost: priced.pointsCost,
        payable: priced.payable,
      },
    };
  }

  return {
    view,

    /**
     * Sets a line's quantity (0 removes it). The SKU must be one the member may buy: 404 when it does
     * not exist for them, 403 `tier_required` for a locked teaser; 409 when the stock or the per-member
     * limit does not allow that many.
     */
    async setQty(member: CatalogViewer, skuId: string, qty: number): Promise<StoreCart> {
      assertSkuId(skuId);
      if (qty === 0) {
        await Cart.updateOne({ _id: new Types.ObjectId(member.id) }, { $unset: { [`items.${skuId}`]: 1 } });
        return view(member);
      }
      const { sku } = await catalog.purchasableSku(member, skuId);
      if (sku.limitPerMember > 0 && qty > sku.limitPerMember) {
        throw conflict('limit_per_member', `该商品每人限购 ${sku.limitPerMember} 件`, { limit: sku.limitPerMember });
      }
      if (sku.stock < qty) {
        throw conflict('stock_short', sku.stock > 0 ? `库存仅剩 ${sku.stock} 件` : '该规格已售罄', {
          stock: Math.max(0, sku.stock),
        });
      }
      const cart = await Cart.findById(new Types.ObjectId(member.id), { items: 1 }).lean<CartDoc>();
      const current = cart?.items?.[skuId];
      if (!current && Object.keys(cart?.items ?? {}).length >= CART_MAX_LINES) {
        throw new AppError('conflict', 'cart_full', `购物车最多放 ${CART_MAX_LINES} 种商品，请先结算或清理`);
      }
      await write(member.id, { $set: { [`items.${skuId}`]: { qty, addedAt: current?.addedAt ?? new Date() } } });
      return view(member);
    },

    /** Removes the given lines in one update (orders call this after an order is placed); no cart view. */
    async removeItems(memberId: string, skuIds: readonly string[]): Promise<void> {
      skuIds.forEach(assertSkuId);
      if (skuIds.length === 0) return;
      await Cart.updateOne(
        { _id: new Types.ObjectId(memberId) },
        { $unset: Object.fromEntries(skuIds.map((skuId) => [`items.${skuId}`, 1])) },
      );
    },

    async removeItem(member: CatalogViewer, skuId: string): Promise<StoreCart> {
      assertSkuId(skuId);
      await Cart.updateOne({ _id: new Types.ObjectId(member.id) }, { $unset: { [`items.${skuId}`]: 1 } });
      return view(member);
    },
  };
}

export type CartService = ReturnType<typeof createCartService>;
