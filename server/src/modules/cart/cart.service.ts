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
import { trustedOperators } from '../../db/connection';
import { AppError, conflict, isDuplicateKey, notFound } from '../../http/errors';
import { type CatalogService, type CatalogViewer, pricingSkuOf } from '../catalog/catalog.service';
import { Cart, type CartDoc } from './cart.model';

/** The ceiling of every money field the API answers (FenSchema): ¥10,000,000. */
export const CART_MAX_TOTAL_FEN = 1_000_000_000;

const cartFull = () => new AppError('conflict', 'cart_full', `购物车最多放 ${CART_MAX_LINES} 种商品，请先结算或清理`);

/** SKU ids become field names (`items.<skuId>`): only 24 hex digits ever get there. */
function assertSkuId(skuId: string): void {
  if (!/^[0-9a-f]{24}$/i.test(skuId)) throw notFound('sku_not_found', '商品规格不存在或已下架');
}

export function createCartService(deps: { catalog: CatalogService }) {
  const { catalog } = deps;

  /** Counts the lines of a cart saved before `lineCount` existed, once. */
  async function ensureLineCount(cartId: Types.ObjectId): Promise<void> {
    const cart = await Cart.findById(cartId, { items: 1, lineCount: 1 }).lean<CartDoc>();
    if (!cart || typeof cart.lineCount === 'number') return;
    await Cart.updateOne(
      { _id: cartId, lineCount: trustedOperators({ $exists: false }) },
      { $set: { lineCount: Object.keys(cart.items ?? {}).length } },
    );
  }

  /**
   * Sets a line. A line already there changes in place; a new line is added only by an update whose
   * filter says "this line is absent and the cart has fewer than 50 lines", which also counts it, so
   * 80 concurrent adds leave exactly 50 lines. The same update creates the cart (upsert); when it finds
   * the cart but not the guard, the insert collides on _id and we look again at why.
   */
  async function putLine(memberId: string, skuId: string, qty: number): Promise<void> {
    const cartId = new Types.ObjectId(memberId);
    const field = `items.${skuId}`;
    for (let attempt = 0; attempt < 4; attempt++) {
      const changed = await Cart.updateOne(
        { _id: cartId, [field]: trustedOperators({ $exists: true }) },
        { $set: { [`${field}.qty`]: qty } },
      );
      if (changed.matchedCount) return;
      await ensureLineCount(cartId);
      try {
        await Cart.updateOne(
          {
            _id: cartId,
            [field]: trustedOperators({ $exists: false }),
            lineCount: trustedOperators({ $lt: CART_MAX_LINES }),
          },
          { $set: { [field]: { qty, addedAt: new Date() } }, $inc: { lineCount: 1 } },
          { upsert: true },
        );
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const cart = await Cart.findById(cartId, { items: 1, lineCount: 1 }).lean<CartDoc>();
      if (cart?.items?.[skuId]) continue; // a racing request added this very line: change it in place
      if (typeof cart?.lineCount === 'number' && cart.lineCount >= CART_MAX_LINES) throw cartFull();
    }
    throw new AppError('conflict', 'cart_busy', '购物车正忙，请稍后重试');
  }

  /** Removes lines one conditional update each, so the count follows exactly what was removed. */
  async function removeLines(memberId: string, skuIds: readonly string[]): Promise<void> {
    const cartId = new Types.ObjectId(memberId);
    await ensureLineCount(cartId);
    for (const skuId of new Set(skuIds)) {
      await Cart.updateOne(
        { _id: cartId, [`items.${skuId}`]: trustedOperators({ $exists: true }) },
        { $unset: { [`items.${skuId}`]: 1 }, $inc: { lineCount: -1 } },
      );
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
    let orderableList = 0;
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
      // A line that would take the cart past the ceiling of an answerable amount (saved before that was
      // refused) cannot be ordered as it is: it is shown as short instead of breaking the whole cart.
      const overCeiling = orderableList + sku.price * item.qty > CART_MAX_TOTAL_FEN;
      const status: StoreCartLine['status'] =
        state === 'unavailable'
          ? 'unavailable'
          : locked
            ? 'locked'
            : sku.stock < item.qty || overCeiling
              ? 'short'
              : 'ok';
      if (status === 'ok') {
        orderable.push({ sku: pricing, qty: item.qty });
        orderableList += sku.price * item.qty;
      }
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
        lineTotal: Math.min(price * item.qty, CART_MAX_TOTAL_FEN),
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
        await removeLines(member.id, [skuId]);
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
      if (!cart?.items?.[skuId] && Object.keys(cart?.items ?? {}).length >= CART_MAX_LINES) throw cartFull();
      // Refused before anything is written: a cart whose totals no answer can carry is never saved.
      const before = await view(member);
      const others = before.items
        .filter((line) => line.skuId !== skuId)
        .reduce((sum, line) => sum + line.listPrice * line.qty, 0);
      if (sku.price * qty > CART_MAX_TOTAL_FEN || others + sku.price * qty > CART_MAX_TOTAL_FEN) {
        throw conflict('cart_total_too_large', '购物车金额超出上限（¥10,000,000），请分开下单', {
          maxTotal: CART_MAX_TOTAL_FEN,
        });
      }
      await putLine(member.id, skuId, qty);
      return view(member);
    },

    /** Removes the given lines in one update (orders call this after an order is placed); no cart view. */
    async removeItems(memberId: string, skuIds: readonly string[]): Promise<void> {
      skuIds.forEach(assertSkuId);
      if (skuIds.length === 0) return;
      await removeLines(memberId, skuIds);
    },

    /**
     * One-ID merge: the retired record's lines join the survivor's cart (a line the survivor already has
     * keeps the survivor's quantity; a full cart takes what fits), then the retired cart is removed.
     * Repeating it changes nothing.
     */
    async moveMember(fromId: string, toId: string): Promise<{ moved: number }> {
      if (fromId === toId) return { moved: 0 };
      const from = await Cart.findById(new Types.ObjectId(fromId), { items: 1 }).lean<CartDoc>();
      let moved = 0;
      for (const [skuId, line] of Object.entries(from?.items ?? {})) {
        const target = await Cart.findById(new Types.ObjectId(toId), { items: 1 }).lean<CartDoc>();
        if (target?.items?.[skuId]) continue;
        try {
          await putLine(toId, skuId, line.qty);
          moved++;
        } catch (error) {
          if (!(error instanceof AppError) || error.code !== 'cart_full') throw error;
          break;
        }
      }
      await Cart.deleteOne({ _id: new Types.ObjectId(fromId) });
      return { moved };
    },

    async removeItem(member: CatalogViewer, skuId: string): Promise<StoreCart> {
      assertSkuId(skuId);
      await removeLines(member.id, [skuId]);
      return view(member);
    },
  };
}

export type CartService = ReturnType<typeof createCartService>;
