/**
 * Placing an order without multi-document transactions. Creating an order is a sequence of
 * single-document atomic steps, each keyed so a retry is harmless:
 *
 *   1. the order document is inserted in state `creating`: the durable intent, unique per
 *      (member, Idempotency-Key). A crash after this is repaired by `recoverInterrupted`.
 *   2. every registered hold that applies (purchase limits, stock, points, then coupons, seats…) is
 *      taken, in registration order. Each kind proves its take on the document it changes (see
 *      order-extensions.ts), so recovery does not depend on any record on the order: it asks every
 *      kind to give back, and a kind that took nothing gives back nothing.
 *   3. `creating → pending_payment` (or `paid` when nothing is left to pay), with its events and
 *      the kinds taken (`holdsTaken`, for people reading the order): THIS step makes the order real.
 *      From here on, give-backs happen through the `cancelled`, `failed` and `refunded` events.
 *
 * Round trips are the cost of an order under a livestream spike (each one queues at the engine), so
 * the path reads each thing once and writes the order three times: the intent, the settle, and the
 * delivery marks when a subscriber handles `created` (`round-trips.test.ts` holds the count).
 *
 * A hold that refuses (out of stock, over the limit, too few points) fails the order: `creating →
 * failed` with the `failed` event, whose delivery gives everything back. A crash between any two steps
 * leaves a `creating` order; after two minutes the recovery job fails it the same way.
 */

import { randomInt } from 'node:crypto';
import {
  type AddressView,
  type CouponOption,
  type CreateOrderRequest,
  formatFen,
  type OrderPreview,
  type OrderView,
  type PriceBreakdown,
  type PriceOrderInput,
  priceOrder,
  type ShopPricingRules,
  shopDay,
  type TierBenefits,
  type TierCode,
} from '@siyu/shared';
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import type { OrderableLine } from '../catalog/catalog.service';
import { Order, type OrderDoc, type OrderLine } from './order.model';
import type { OrderEvents } from './order-events';
import { eventUpdate, mergeUpdates } from './order-events';
import type { OrderHold, PlaceOrderOptions } from './order-extensions';
import type { OrderQueries } from './orders.queries';
import { requestHash, toOrderView } from './orders.views';

export type Viewer = { id: string; tier: TierCode };

export interface PlacingDeps {
  catalog: {
    resolveForOrder(
      viewer: { id: string; tier: TierCode },
      lines: { skuId: string; qty: number }[],
    ): Promise<OrderableLine[]>;
  };
  addresses: { getForOrder(memberId: string, addressId: string): Promise<AddressView> };
  membership: {
    benefitsFor(tier: TierCode): Promise<TierBenefits>;
    pricingRules(): Promise<ShopPricingRules>;
  };
  points: { balance(memberId: string): Promise<number> };
  /**
   * The coupon step of pricing (the coupons module): the member's coupons priced on this basket, the
   * chosen one applied by the one pricing function; refuses a named coupon that cannot be used.
   */
  coupons?: {
    priceCheckout(input: {
      member: { id: string; tier: TierCode };
      pricing: Omit<PriceOrderInput, 'coupon' | 'couponContext'>;
      couponId?: string | null | undefined;
    }): Promise<{ breakdown: PriceBreakdown; options: CouponOption[]; couponId: string | null }>;
  };
  cart?: { removeItems(memberId: string, skuIds: string[]): Promise<void> };
  payMinutes: number;
  /** Open unpaid orders one member may hold at once (stock hoarding). */
  maxOpenUnpaidOrders?: number;
  /** Tests only: throw at a named step to stand for a crash there (nothing after it runs). */
  crashAt?: (step: string) => boolean;
}

/** What a test's `crashAt` throws: the process "stopped" here, so nothing is cleaned up. */
export class SimulatedCrash extends Error {
  constructor(readonly step: string) {
    super(`simulated crash at ${step}`);
  }
}

export function createOrderPlacing(
  deps: PlacingDeps,
  holds: readonly OrderHold[],
  events: OrderEvents,
  queries: OrderQueries,
) {
  function checkpoint(step: string) {
    if (deps.crashAt?.(step)) throw new SimulatedCrash(step);
  }

  async function price(
    viewer: Viewer,
    items: { skuId: string; qty: number }[],
    pointsToUse: number | undefined,
    options: PlaceOrderOptions & { forPreview?: boolean } = {},
    couponId?: string | null,
  ) {
    // The balance matters when points are spent (or shown, in a preview); a plain cash order skips it.
    const balanceUpfront = options.forPreview === true || (pointsToUse ?? 0) > 0;
    const [lines, benefits, rules, knownBalance] = await Promise.all([
      deps.catalog.resolveForOrder(viewer, items),
      deps.membership.benefitsFor(viewer.tier),
      deps.membership.pricingRules(),
      balanceUpfront ? deps.points.balance(viewer.id) : null,
    ]);
    const balance =
      knownBalance ?? (lines.some((line) => (line.pointsPrice ?? 0) > 0) ? await deps.points.balance(viewer.id) : 0);
    const qtyBySku = new Map(items.map((item) => [item.skuId, item.qty]));
    const pricing: Omit<PriceOrderInput, 'coupon' | 'couponContext'> = {
      lines: lines.map((line) => {
        const override = options.priceOverrides?.[line.skuId];
        return {
          sku: {
            skuId: line.skuId,
            price: line.price,
            ...(line.memberPrices ? { memberPrices: line.memberPrices } : {}),
            ...(line.pointsPrice ? { pointsPrice: line.pointsPrice } : {}),
            ...(override ? { campaignPrice: override.unitPrice } : {}),
            productId: line.productId,
            categoryId: line.categoryId,
          },
          qty: qtyBySku.get(line.skuId)!,
        };
      }),
      benefits,
      rules,
      pointsToUse: pointsToUse ?? 0,
      pointsBalance: balance,
    };
    // Campaign orders (a group price) take a coupon only when one is named.
    const couponChoice = options.priceOverrides ? (couponId ?? null) : couponId;
    const checkout = deps.coupons
      ? await deps.coupons.priceCheckout({ member: viewer, pricing, couponId: couponChoice })
      : { breakdown: priceOrder(pricing), options: [] as CouponOption[], couponId: null };
    const breakdown = checkout.breakdown;
    // An order spends the points it asks for or is refused: a balance spent meanwhile (another order,
    // another device) must not turn into a silently smaller deduction than the preview showed.
    const needed = breakdown.pointsCost + (options.forPreview ? 0 : (pointsToUse ?? 0));
    if (needed > balance) {
      throw new AppError('conflict', 'insufficient_points', `积分不足：需要 ${needed} 积分，当前 ${balance} 积分`);
    }
    const orderLines: OrderLine[] = breakdown.lines.map((priced, index) => {
      const line = lines[index]!;
      return {
        skuId: line.skuId,
        productId: line.productId,
        title: line.title,
        specsText: line.specsText,
        image: line.image,
        qty: priced.qty,
        listPrice: priced.listPrice,
        unitPrice: priced.unitPrice,
        priceSource: options.priceOverrides?.[line.skuId]?.priceSource ?? priced.priceSource,
        lineTotal: priced.lineTotal,
        pointsCost: priced.pointsCost,
        limitPerMember: line.limitPerMember,
        couponDiscount: priced.couponDiscount,
      };
    });
    const amounts = {
      listTotal: breakdown.listTotal,
      itemsTotal: breakdown.itemsTotal,
      memberSaving: breakdown.memberSaving,
      shippingFee: breakdown.shippingFee,
      freeShippingThreshold: breakdown.freeShippingThreshold,
      pointsCost: breakdown.pointsCost,
      pointsUsed: breakdown.pointsUsed,
      pointsDeduction: breakdown.pointsDeduction,
      payable: breakdown.payable,
      pointsEarned: breakdown.pointsEarned,
      couponDiscount: breakdown.couponDiscount,
    };
    return {
      orderLines,
      amounts,
      balance,
      maxPointsUsable: breakdown.maxPointsUsable,
      lines,
      coupons: checkout.options,
      couponId: checkout.couponId,
      couponTitle: breakdown.coupon?.title ?? null,
    };
  }

  /** Gives back every hold that applies, each by its own proof (a kind that took nothing does nothing). */
  async function giveBackAll(order: OrderDoc, reason: 'failed' | 'cancelled' | 'refunded') {
    for (const hold of holds) if (hold.appliesTo(order)) await hold.giveBack(order, reason);
  }

  /** `creating → failed` with the `failed` event, whose delivery (the `holds` subscriber) gives back. */
  async function failCreation(
    order: OrderDoc,
    failure: { type: string; code: string; message: string },
    now: Date,
    holdsTaken?: string[],
  ) {
    const failed = await Order.updateOne(
      { _id: order._id, status: 'creating' },
      mergeUpdates(
        { $set: { status: 'failed', failure, ...(holdsTaken ? { holdsTaken } : {}) } },
        eventUpdate('failed', now),
      ),
    );
    if (failed.modifiedCount === 1) await events.deliver(order._id);
  }

  function replayFailure(order: OrderDoc): never {
    const failure = order.failure ?? { type: 'conflict', code: 'order_failed', message: '下单失败，请重试' };
    throw new AppError(failure.type as AppError['type'], failure.code, failure.message);
  }

  /** Waits for a concurrent request with the same Idempotency-Key to finish, then answers as it did. */
  async function settledOrder(existing: OrderDoc, hash: string): Promise<OrderDoc> {
    if (existing.requestHash !== hash) {
      throw new AppError('unprocessable', 'idempotency_key_reused', '同一个 Idempotency-Key 已用于不同的下单内容');
    }
    let order = existing;
    for (let waited = 0; order.status === 'creating' && waited < 15_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      order = (await Order.findById(order._id).lean<OrderDoc>())!;
    }
    if (order.status === 'creating') throw new AppError('conflict', 'order_in_progress', '订单正在创建中，请稍后查看');
    if (order.status === 'failed') replayFailure(order);
    return order;
  }

  /**
   * Public order numbers carry the Shanghai day and random digits, so they do not reveal how many
   * orders the shop takes; the unique index turns a rare collision into a retry.
   */
  function newOrderNo(now: Date): string {
    const stamp = shopDay(now).replace(/-/g, '').slice(2);
    return `${stamp}${String(randomInt(0, 10 ** 10)).padStart(10, '0')}`;
  }

  async function insertIntent(fields: Record<string, unknown>, now: Date) {
    for (let attempt = 0; ; attempt++) {
      try {
        const created = await Order.create({ orderNo: newOrderNo(now), ...fields });
        return created.toObject() as unknown as OrderDoc;
      } catch (error) {
        // A duplicate order number (rare) is retried; a duplicate idempotency key is the caller's.
        if (!(isDuplicateKey(error) && /orderNo/.test(String((error as Error).message)) && attempt < 5)) throw error;
      }
    }
  }

  return {
    giveBackAll,

    async preview(
      viewer: Viewer,
      input: {
        items: { skuId: string; qty: number }[];
        addressId?: string;
        pointsToUse?: number;
        couponId?: string | null | undefined;
      },
      options: PlaceOrderOptions = {},
    ): Promise<OrderPreview> {
      assertDistinct(input.items);
      if (input.addressId) await deps.addresses.getForOrder(viewer.id, input.addressId);
      const priced = await price(
        viewer,
        input.items,
        input.pointsToUse,
        { ...options, forPreview: true },
        input.couponId,
      );
      const a = priced.amounts;
      const breakdown: OrderPreview['breakdown'] = [{ label: '商品原价', amount: a.listTotal, kind: 'items' }];
      if (a.memberSaving > 0) {
        const campaign = priced.orderLines.some((line) => options.priceOverrides?.[line.skuId]);
        breakdown.push({ label: campaign ? '拼团优惠' : '会员优惠', amount: -a.memberSaving, kind: 'discount' });
      }
      if (a.couponDiscount > 0) {
        breakdown.push({ label: `优惠券（${priced.couponTitle}）`, amount: -a.couponDiscount, kind: 'discount' });
      }
      breakdown.push({
        label:
          a.shippingFee === 0
            ? '运费（包邮）'
            : `运费（满 ${formatFen(a.freeShippingThreshold, { compact: true })} 包邮）`,
        amount: a.shippingFee,
        kind: 'shipping',
      });
      if (a.pointsDeduction > 0)
        breakdown.push({ label: `积分抵扣（${a.pointsUsed} 积分）`, amount: -a.pointsDeduction, kind: 'points' });
      if (a.pointsCost > 0) breakdown.push({ label: `兑换所需积分 ${a.pointsCost}`, amount: 0, kind: 'points' });
      breakdown.push({ label: '实付款', amount: a.payable, kind: 'payable' });
      if (a.pointsEarned > 0) breakdown.push({ label: `完成后可得 ${a.pointsEarned} 积分`, amount: 0, kind: 'earn' });
      return {
        items: priced.orderLines.map(({ limitPerMember: _limit, ...line }) => line),
        amounts: a,
        tier: viewer.tier,
        pointsBalance: priced.balance,
        maxPointsUsable: priced.maxPointsUsable,
        coupons: priced.coupons,
        couponId: priced.couponId,
        breakdown,
      };
    },

    async create(
      viewer: Viewer,
      input: CreateOrderRequest,
      idempotencyKey: string,
      options: PlaceOrderOptions = {},
      now = new Date(),
    ): Promise<OrderView> {
      const hash = requestHash({ input, context: options.context ?? {} });
      const previous = await Order.findOne({ member: viewer.id, idempotencyKey }).lean<OrderDoc>();
      if (previous) return toOrderView(await settledOrder(previous, hash));

      assertDistinct(input.items);
      if (deps.maxOpenUnpaidOrders && (await queries.openUnpaidCount(viewer.id)) >= deps.maxOpenUnpaidOrders) {
        throw new AppError(
          'conflict',
          'too_many_unpaid_orders',
          `您有 ${deps.maxOpenUnpaidOrders} 笔待付款订单，请先支付或取消后再下单`,
        );
      }
      const address = await deps.addresses.getForOrder(viewer.id, input.addressId);
      // An order uses only the coupon it names (absent = none), so it pays what its preview showed.
      const priced = await price(viewer, input.items, input.pointsToUse, options, input.couponId ?? null);
      // A SKU the catalog read shows sold out refuses the order before anything is written: under a
      // livestream spike most buyers arrive after the stock is gone, and each of them would otherwise
      // cost an intent, a failed take and a give-back. The stock hold stays the authority for the rest.
      const soldOut = priced.lines.find(
        (line) => line.stock < (input.items.find((item) => item.skuId === line.skuId)?.qty ?? 1),
      );
      if (soldOut) {
        throw new AppError('conflict', 'out_of_stock', `「${soldOut.title}」库存不足`, { skuId: soldOut.skuId });
      }
      const [fromType, fromId] = input.from ? input.from.split(':') : [];

      // Step 1: the intent. From here on, a crash is repaired by the recovery job.
      let order: OrderDoc;
      try {
        order = await insertIntent(
          {
            member: viewer.id,
            idempotencyKey,
            requestHash: hash,
            status: 'creating',
            items: priced.orderLines,
            amounts: priced.amounts,
            tier: viewer.tier,
            address,
            remark: input.remark ?? '',
            couponId: priced.couponId,
            gates: options.gates ?? [],
            context: options.context ?? {},
            attribution: fromType && fromId ? { type: fromType, id: fromId, at: now } : null,
          },
          now,
        );
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const racing = await Order.findOne({ member: viewer.id, idempotencyKey }).lean<OrderDoc>();
        if (!racing) throw error;
        return toOrderView(await settledOrder(racing, hash));
      }
      checkpoint('after:intent');

      // Step 2: every hold that applies. Each proves its own take, so nothing is written to the order here.
      const holdsTaken: string[] = [];
      for (const hold of holds) {
        if (!hold.appliesTo(order)) continue;
        try {
          await hold.take(order);
        } catch (error) {
          if (error instanceof SimulatedCrash) throw error;
          const refusal =
            error instanceof AppError ? error : new AppError('conflict', 'order_failed', '下单失败，请重试');
          await failCreation(
            order,
            { type: refusal.type, code: refusal.code, message: refusal.message },
            now,
            holdsTaken,
          );
          throw refusal;
        }
        holdsTaken.push(hold.kind);
        checkpoint(`after:take:${hold.kind}`);
      }

      // Step 3: the order becomes real (the durable step), with its events and the kinds it took.
      const nothingToPay = order.amounts.payable === 0;
      const payMinutes = options.payMinutes ?? deps.payMinutes;
      const placed = await Order.findOneAndUpdate(
        { _id: order._id, status: 'creating' },
        nothingToPay
          ? mergeUpdates(
              { $set: { status: 'paid', 'payment.paidAt': now, 'payment.paidAmount': 0, holdsTaken } },
              events.record(['created', 'paid'], now),
            )
          : mergeUpdates(
              {
                $set: {
                  status: 'pending_payment',
                  expiresAt: new Date(now.getTime() + payMinutes * 60_000),
                  holdsTaken,
                },
              },
              events.record(['created'], now),
            ),
        { new: true },
      ).lean<OrderDoc>();
      if (!placed) return toOrderView(await settledOrder((await Order.findById(order._id).lean<OrderDoc>())!, hash));
      checkpoint('after:settle');
      // Delivered from the document the settle answered (no second read). Subscribers write their own
      // collections, but one reacting to `paid` may move the order on (a gate): then it is read again.
      const delivered = await events.deliver(placed);
      if (input.fromCart && deps.cart) {
        await deps.cart
          .removeItems(
            viewer.id,
            order.items.map((line) => line.skuId),
          )
          .catch(() => {});
      }
      if (!nothingToPay || delivered === 0) return toOrderView(placed);
      return toOrderView((await Order.findById(placed._id).lean<OrderDoc>()) ?? placed);
    },

    /** Orders left in `creating` by a crash: fail them; the `failed` event gives back what they hold. */
    async recoverInterrupted(now: Date, olderThanMs = 120_000): Promise<number> {
      const stuck = await Order.find({
        status: 'creating',
        createdAt: trustedOperators({ $lte: new Date(now.getTime() - olderThanMs) }),
      })
        .limit(100)
        .lean<OrderDoc[]>();
      for (const order of stuck) {
        await failCreation(
          order,
          { type: 'conflict', code: 'order_interrupted', message: '下单被中断，请重新下单' },
          now,
        );
      }
      return stuck.length;
    },
  };
}

function assertDistinct(items: { skuId: string }[]) {
  if (new Set(items.map((item) => item.skuId)).size !== items.length) {
    throw new AppError('bad_request', 'duplicate_items', '同一商品规格请合并为一行');
  }
}
