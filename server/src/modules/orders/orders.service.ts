/**
 * Orders without multi-document transactions. Creating an order is a sequence of single-document
 * atomic steps, each keyed so a retry is harmless:
 *
 *   1. the order document is inserted in state `creating` — the durable intent, unique per
 *      (member, Idempotency-Key);
 *   2. purchase limits, then stock, are taken by conditional `$inc`s; each SKU taken is recorded in
 *      `holds` on the order ($addToSet) right after;
 *   3. points are debited through the ledger, keyed by the order;
 *   4. `creating → pending_payment` (or `paid` when nothing is left to pay).
 *
 * A failure at 2–3 gives back what was taken and marks the order `failed`. A crash between steps
 * leaves a `creating` order behind; the recovery job gives back its holds and fails it. Every give-back
 * removes the SKU from `holds` in the same conditional update that decides it, so it happens once.
 */
import { createHash } from 'node:crypto';
import {
  type AddressView,
  type CreateOrderRequest,
  formatFen,
  ORDER_STATUS_TEXT,
  type OrderPreview,
  type OrderView,
  priceOrder,
  type ShopPricingRules,
  shopDay,
  type TierBenefits,
  type TierCode,
  type VisibleOrderStatus,
} from '@siyu/shared';
import { Types } from 'mongoose';
import { containsPattern, trustedOperators } from '../../db/connection';
import { nextSequence } from '../../db/sequence';
import { AppError, isDuplicateKey } from '../../http/errors';
import type { OrderableLine } from '../catalog/catalog.service';
import type { OrderMembershipEvent } from '../membership/membership.service';
import { Order, type OrderDoc, type OrderLine, type OrderStatus, SkuPurchase } from './order.model';

/** What orders need from the other domains; each is that domain's own service. */
export interface OrdersDeps {
  catalog: {
    resolveForOrder(
      viewer: { id: string; tier: TierCode },
      lines: { skuId: string; qty: number }[],
    ): Promise<OrderableLine[]>;
    takeStock(skuId: string, qty: number): Promise<boolean>;
    returnStock(skuId: string, qty: number): Promise<void>;
  };
  addresses: { getForOrder(memberId: string, addressId: string): Promise<AddressView> };
  membership: {
    benefitsFor(tier: TierCode): Promise<TierBenefits>;
    pricingRules(): Promise<ShopPricingRules>;
    onOrderCompleted(event: OrderMembershipEvent): Promise<void>;
    onOrderRefunded(event: OrderMembershipEvent): Promise<void>;
  };
  points: {
    apply(input: {
      memberId: string;
      delta: number;
      kind: string;
      source: { type: string; id: string };
      note?: string;
    }): Promise<unknown>;
    balance(memberId: string): Promise<number>;
  };
  cart?: { removeItems(memberId: string, skuIds: string[]): Promise<void> };
  payMinutes: number;
  autoCompleteDays: number;
}

export type Viewer = { id: string; tier: TierCode };

export interface AdminOrderQuery {
  status?: VisibleOrderStatus | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
  page: number;
  pageSize: number;
}

/** The states a member or admin ever sees; `creating` and `failed` are internal. */
const VISIBLE = Object.keys(ORDER_STATUS_TEXT) as OrderStatus[];

export function toOrderView(order: OrderDoc): OrderView {
  const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);
  const status = order.status as VisibleOrderStatus;
  const actions: OrderView['actions'] = [];
  if (status === 'pending_payment') actions.push('pay', 'cancel');
  if (status === 'shipped') actions.push('confirm');
  return {
    id: order._id.toString(),
    orderNo: order.orderNo,
    status,
    statusText: ORDER_STATUS_TEXT[status],
    items: order.items.map(({ limitPerMember: _limit, ...line }) => line),
    amounts: order.amounts,
    address: order.address,
    remark: order.remark ?? '',
    createdAt: iso(order.createdAt)!,
    expiresAt: status === 'pending_payment' ? iso(order.expiresAt) : null,
    paidAt: iso(order.payment?.paidAt),
    shipment: order.shipment
      ? {
          carrier: order.shipment.carrier,
          trackingNo: order.shipment.trackingNo,
          shippedAt: iso(order.shipment.shippedAt)!,
        }
      : null,
    autoCompleteAt: status === 'shipped' ? iso(order.autoCompleteAt) : null,
    completedAt: iso(order.completedAt),
    cancelledAt: iso(order.cancelledAt),
    cancelReason: order.cancelReason ?? null,
    refund: order.refund
      ? {
          amount: order.refund.amount,
          reason: order.refund.reason,
          requestedAt: iso(order.refund.requestedAt)!,
          refundedAt: iso(order.refund.refundedAt),
        }
      : null,
    actions,
  };
}

/** Stable hash of a request body: same body (whatever the key order) → same hash. */
export function requestHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

export function createOrdersService(deps: OrdersDeps) {
  async function price(viewer: Viewer, items: { skuId: string; qty: number }[], pointsToUse: number | undefined) {
    const [lines, benefits, rules, balance] = await Promise.all([
      deps.catalog.resolveForOrder(viewer, items),
      deps.membership.benefitsFor(viewer.tier),
      deps.membership.pricingRules(),
      deps.points.balance(viewer.id),
    ]);
    const qtyBySku = new Map(items.map((item) => [item.skuId, item.qty]));
    const breakdown = priceOrder({
      lines: lines.map((line) => ({
        sku: {
          skuId: line.skuId,
          price: line.price,
          ...(line.memberPrices ? { memberPrices: line.memberPrices } : {}),
          ...(line.pointsPrice ? { pointsPrice: line.pointsPrice } : {}),
        },
        qty: qtyBySku.get(line.skuId)!,
      })),
      benefits,
      rules,
      pointsToUse: pointsToUse ?? 0,
      pointsBalance: balance,
    });
    if (breakdown.pointsCost > balance) {
      throw new AppError(
        'conflict',
        'insufficient_points',
        `积分不足：需要 ${breakdown.pointsCost} 积分，当前 ${balance} 积分`,
      );
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
        priceSource: priced.priceSource,
        lineTotal: priced.lineTotal,
        pointsCost: priced.pointsCost,
        limitPerMember: line.limitPerMember,
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
    };
    return { orderLines, amounts, balance, maxPointsUsable: breakdown.maxPointsUsable, lines };
  }

  // ---------- holds: purchase limits, stock, points ----------

  /** Counts `qty` against the member's limit for a SKU; false when it would exceed the limit. */
  async function takeLimit(memberId: string, skuId: string, qty: number, limit: number): Promise<boolean> {
    if (qty > limit) return false;
    const id = `${memberId}:${skuId}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const updated = await SkuPurchase.updateOne(
        { _id: id, qty: trustedOperators({ $lte: limit - qty }) },
        { $inc: { qty } },
      );
      if (updated.modifiedCount === 1) return true;
      try {
        await SkuPurchase.create({ _id: id, qty });
        return true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // It exists: either over the limit, or created by a racing order a moment ago — check again.
        const current = await SkuPurchase.findById(id).lean();
        if ((current?.qty ?? 0) + qty > limit) return false;
      }
    }
    return false;
  }

  /** Gives back every hold the order still has, each exactly once; safe to run again at any point. */
  async function releaseHolds(
    order: OrderDoc,
    what: { stock: boolean; limits: boolean; points: boolean },
  ): Promise<void> {
    const qtyOf = new Map(order.items.map((line) => [line.skuId, line.qty]));
    if (what.stock) {
      for (const skuId of order.holds?.stock ?? []) {
        const claimed = await Order.updateOne(
          { _id: order._id, 'holds.stock': skuId },
          { $pull: { 'holds.stock': skuId } },
        );
        if (claimed.modifiedCount === 1) await deps.catalog.returnStock(skuId, qtyOf.get(skuId) ?? 0);
      }
    }
    if (what.limits) {
      for (const skuId of order.holds?.limits ?? []) {
        const claimed = await Order.updateOne(
          { _id: order._id, 'holds.limits': skuId },
          { $pull: { 'holds.limits': skuId } },
        );
        if (claimed.modifiedCount === 1)
          await SkuPurchase.updateOne({ _id: `${order.member}:${skuId}` }, { $inc: { qty: -(qtyOf.get(skuId) ?? 0) } });
      }
    }
    if (what.points && (order.holds?.points ?? 0) > 0) {
      // The ledger key (order, refund) makes this exactly-once even if the flag update below is lost.
      await deps.points.apply({
        memberId: order.member.toString(),
        delta: order.holds.points,
        kind: 'refund',
        source: { type: 'order', id: order._id.toString() },
        note: `订单 ${order.orderNo} 退回积分`,
      });
      await Order.updateOne({ _id: order._id }, { $set: { 'holds.points': 0 } });
    }
  }

  async function failCreation(order: OrderDoc, error: AppError): Promise<never> {
    await releaseHolds((await Order.findById(order._id).lean<OrderDoc>())!, {
      stock: true,
      limits: true,
      points: true,
    });
    await Order.updateOne(
      { _id: order._id, status: 'creating' },
      { $set: { status: 'failed', failure: { type: error.type, code: error.code, message: error.message } } },
    );
    throw error;
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

  async function newOrderNo(now: Date): Promise<string> {
    const stamp = shopDay(now).replace(/-/g, '').slice(2);
    return `${stamp}${String(await nextSequence(`orderNo:${stamp}`)).padStart(8, '0')}`;
  }

  async function loadOwn(memberId: string, orderId: string): Promise<OrderDoc> {
    if (!Types.ObjectId.isValid(orderId)) throw new AppError('not_found', 'order_not_found', '订单不存在');
    const order = await Order.findOne({
      _id: orderId,
      member: memberId,
      status: trustedOperators({ $in: VISIBLE }),
    }).lean<OrderDoc>();
    if (!order) throw new AppError('not_found', 'order_not_found', '订单不存在');
    return order;
  }

  async function notifyMembership(order: OrderDoc, event: 'completed' | 'refunded'): Promise<void> {
    const payload: OrderMembershipEvent = {
      memberId: order.member.toString(),
      orderId: order._id.toString(),
      orderNo: order.orderNo,
      paidAmount: order.payment?.paidAmount ?? order.amounts.payable,
      pointsEarned: order.amounts.pointsEarned,
    };
    if (event === 'completed') await deps.membership.onOrderCompleted(payload);
    else await deps.membership.onOrderRefunded(payload);
    await Order.updateOne({ _id: order._id }, { $set: { [`membershipNotified.${event}`]: true } });
  }

  const service = {
    async preview(
      viewer: Viewer,
      input: { items: { skuId: string; qty: number }[]; addressId?: string; pointsToUse?: number },
    ): Promise<OrderPreview> {
      assertDistinct(input.items);
      if (input.addressId) await deps.addresses.getForOrder(viewer.id, input.addressId);
      const priced = await price(viewer, input.items, input.pointsToUse);
      const a = priced.amounts;
      const breakdown: OrderPreview['breakdown'] = [{ label: '商品原价', amount: a.listTotal, kind: 'items' }];
      if (a.memberSaving > 0) breakdown.push({ label: '会员优惠', amount: -a.memberSaving, kind: 'discount' });
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
        breakdown,
      };
    },

    async create(
      viewer: Viewer,
      input: CreateOrderRequest,
      idempotencyKey: string,
      now = new Date(),
    ): Promise<OrderView> {
      const hash = requestHash(input);
      const previous = await Order.findOne({ member: viewer.id, idempotencyKey }).lean<OrderDoc>();
      if (previous) return toOrderView(await settledOrder(previous, hash));

      assertDistinct(input.items);
      const address = await deps.addresses.getForOrder(viewer.id, input.addressId);
      const priced = await price(viewer, input.items, input.pointsToUse);

      // Step 1: the intent. From here on, a crash is repaired by the recovery job.
      let order: OrderDoc;
      try {
        const created = await Order.create({
          orderNo: await newOrderNo(now),
          member: viewer.id,
          idempotencyKey,
          requestHash: hash,
          status: 'creating',
          items: priced.orderLines,
          amounts: priced.amounts,
          tier: viewer.tier,
          address,
          remark: input.remark ?? '',
          holds: { stock: [], limits: [], points: 0 },
        });
        order = created.toObject() as unknown as OrderDoc;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const racing = await Order.findOne({ member: viewer.id, idempotencyKey }).lean<OrderDoc>();
        if (!racing) throw error;
        return toOrderView(await settledOrder(racing, hash));
      }

      // Step 2: purchase limits, then stock, each recorded on the order as soon as it is taken.
      for (const line of order.items) {
        if (line.limitPerMember > 0) {
          if (!(await takeLimit(viewer.id, line.skuId, line.qty, line.limitPerMember))) {
            await failCreation(
              order,
              new AppError(
                'conflict',
                'purchase_limit_exceeded',
                `「${line.title}」每人限购 ${line.limitPerMember} 件`,
                { skuId: line.skuId },
              ),
            );
          }
          await Order.updateOne({ _id: order._id }, { $addToSet: { 'holds.limits': line.skuId } });
        }
      }
      for (const line of order.items) {
        if (!(await deps.catalog.takeStock(line.skuId, line.qty))) {
          await failCreation(
            order,
            new AppError('conflict', 'out_of_stock', `「${line.title}」库存不足`, { skuId: line.skuId }),
          );
        }
        await Order.updateOne({ _id: order._id }, { $addToSet: { 'holds.stock': line.skuId } });
      }

      // Step 3: points, through the ledger keyed by the order (at most once per order).
      const points = order.amounts.pointsUsed + order.amounts.pointsCost;
      if (points > 0) {
        await Order.updateOne({ _id: order._id }, { $set: { 'holds.points': points } });
        try {
          await deps.points.apply({
            memberId: viewer.id,
            delta: -points,
            kind: 'spend',
            source: { type: 'order', id: order._id.toString() },
            note: `订单 ${order.orderNo} 使用积分`,
          });
        } catch (error) {
          // Nothing was debited: there is nothing to give back.
          await Order.updateOne({ _id: order._id }, { $set: { 'holds.points': 0 } });
          await failCreation(
            order,
            error instanceof AppError ? error : new AppError('conflict', 'points_failed', '积分扣减失败，请重试'),
          );
        }
      }

      // Step 4: the order becomes real.
      const nothingToPay = order.amounts.payable === 0;
      const placed = await Order.findOneAndUpdate(
        { _id: order._id, status: 'creating' },
        nothingToPay
          ? { $set: { status: 'paid', 'payment.paidAt': now, 'payment.paidAmount': 0 } }
          : { $set: { status: 'pending_payment', expiresAt: new Date(now.getTime() + deps.payMinutes * 60_000) } },
        { new: true },
      ).lean<OrderDoc>();
      if (!placed) return toOrderView(await settledOrder((await Order.findById(order._id).lean<OrderDoc>())!, hash));
      if (input.fromCart && deps.cart) {
        await deps.cart
          .removeItems(
            viewer.id,
            order.items.map((line) => line.skuId),
          )
          .catch(() => {});
      }
      return toOrderView(placed);
    },

    async list(memberId: string, query: { status?: VisibleOrderStatus | undefined; page: number; pageSize: number }) {
      const filter = { member: memberId, status: query.status ?? trustedOperators({ $in: VISIBLE }) };
      const { items, total } = await pageOfOrders(filter, query);
      return { items: items.map(toOrderView), total, page: query.page, pageSize: query.pageSize };
    },

    async get(memberId: string, orderId: string): Promise<OrderView> {
      return toOrderView(await loadOwn(memberId, orderId));
    },

    loadOwn,

    /** The admin's order search: status, placed between from/to, order number or consignee. */
    async listForAdmin(query: AdminOrderQuery) {
      const filter: Record<string, unknown> = { status: query.status ?? trustedOperators({ $in: VISIBLE }) };
      const createdAt: Record<string, Date> = {};
      if (query.from) createdAt.$gte = new Date(query.from);
      if (query.to) createdAt.$lte = new Date(query.to);
      if (Object.keys(createdAt).length) filter.createdAt = trustedOperators(createdAt);
      if (query.q) {
        const pattern = containsPattern(query.q);
        filter.$or = [
          { orderNo: trustedOperators({ $regex: pattern }) },
          { 'address.name': trustedOperators({ $regex: pattern }) },
          { 'address.phone': trustedOperators({ $regex: pattern }) },
        ];
      }
      return pageOfOrders(filter, query);
    },

    async loadByOrderNo(orderNo: string): Promise<OrderDoc | null> {
      return Order.findOne({ orderNo }).lean<OrderDoc>();
    },

    /** pending_payment → cancelled, then everything the order held is given back, once. */
    async cancel(
      order: Pick<OrderDoc, '_id'>,
      reason: 'member' | 'timeout' | 'admin',
      now = new Date(),
    ): Promise<OrderDoc> {
      const cancelled = await Order.findOneAndUpdate(
        { _id: order._id, status: 'pending_payment' },
        { $set: { status: 'cancelled', cancelledAt: now, cancelReason: reason } },
        { new: true },
      ).lean<OrderDoc>();
      if (!cancelled) {
        const current = await Order.findById(order._id).lean<OrderDoc>();
        if (current?.status === 'cancelled') return current;
        throw new AppError(
          'conflict',
          'order_not_cancellable',
          `订单${current ? (ORDER_STATUS_TEXT[current.status as VisibleOrderStatus] ?? '') : ''}，无法取消`,
        );
      }
      await releaseHolds(cancelled, { stock: true, limits: true, points: true });
      return (await Order.findById(order._id).lean<OrderDoc>())!;
    },

    /**
     * pending_payment → paid, once. Answers what happened so the payment side can act on a payment
     * that arrived for an order that is no longer payable (it refunds it).
     */
    async markPaid(
      orderNo: string,
      payment: { transactionId: string; amount: number },
      now = new Date(),
    ): Promise<{ outcome: 'paid' | 'already_paid' | 'not_payable'; order: OrderDoc }> {
      const paid = await Order.findOneAndUpdate(
        { orderNo, status: 'pending_payment', 'amounts.payable': payment.amount },
        {
          $set: {
            status: 'paid',
            'payment.transactionId': payment.transactionId,
            'payment.paidAt': now,
            'payment.paidAmount': payment.amount,
          },
        },
        { new: true },
      ).lean<OrderDoc>();
      if (paid) return { outcome: 'paid', order: paid };
      const current = await Order.findOne({ orderNo }).lean<OrderDoc>();
      if (!current) throw new AppError('not_found', 'order_not_found', `unknown order ${orderNo}`);
      if (current.payment?.transactionId === payment.transactionId) return { outcome: 'already_paid', order: current };
      if (current.status === 'pending_payment') {
        throw new AppError('bad_request', 'amount_mismatch', 'paid amount does not match the order', {
          expected: current.amounts.payable,
          got: payment.amount,
        });
      }
      return { outcome: 'not_payable', order: current };
    },

    async ship(
      orderId: string,
      shipment: { carrier: string; trackingNo: string },
      now = new Date(),
    ): Promise<OrderDoc> {
      const shipped = await Order.findOneAndUpdate(
        { _id: orderId, status: 'paid' },
        {
          $set: {
            status: 'shipped',
            shipment: { ...shipment, shippedAt: now },
            autoCompleteAt: new Date(now.getTime() + deps.autoCompleteDays * 86_400_000),
          },
        },
        { new: true },
      ).lean<OrderDoc>();
      if (!shipped) throw await illegalTransition(orderId, '发货');
      return shipped;
    },

    /** shipped → completed (by the member, or automatically after the auto-complete days). */
    async complete(
      filter: { _id: Types.ObjectId | string; member?: string },
      by: 'member' | 'auto',
      now = new Date(),
    ): Promise<OrderDoc> {
      const completed = await Order.findOneAndUpdate(
        { ...filter, status: 'shipped' },
        { $set: { status: 'completed', completedAt: now, completedBy: by } },
        { new: true },
      ).lean<OrderDoc>();
      if (!completed) throw await illegalTransition(filter._id.toString(), '确认收货');
      await notifyMembership(completed, 'completed');
      return completed;
    },

    /** paid | shipped | completed → refunding, with a stable out_refund_no. */
    async startRefund(orderId: string, reason: string, now = new Date()): Promise<OrderDoc> {
      const current = await Order.findById(orderId).lean<OrderDoc>();
      if (!current) throw new AppError('not_found', 'order_not_found', '订单不存在');
      const refunding = await Order.findOneAndUpdate(
        { _id: orderId, status: trustedOperators({ $in: ['paid', 'shipped', 'completed'] }) },
        {
          $set: {
            status: 'refunding',
            refund: {
              outRefundNo: `R${current.orderNo}`,
              amount: current.payment?.paidAmount ?? current.amounts.payable,
              reason,
              requestedAt: now,
              fromStatus: current.status,
            },
          },
        },
        { new: true },
      ).lean<OrderDoc>();
      if (!refunding) throw await illegalTransition(orderId, '退款');
      return refunding;
    },

    /** refunding → refunded, once; then stock (if never shipped), limits, spent points and earned rewards come back. */
    async finishRefund(orderNo: string, refund: { refundId: string }, now = new Date()): Promise<OrderDoc | undefined> {
      const refunded = await Order.findOneAndUpdate(
        { orderNo, status: 'refunding' },
        { $set: { status: 'refunded', 'refund.refundId': refund.refundId, 'refund.refundedAt': now } },
        { new: true },
      ).lean<OrderDoc>();
      if (!refunded) return undefined;
      await releaseHolds(refunded, { stock: refunded.refund?.fromStatus === 'paid', limits: true, points: true });
      if (refunded.refund?.fromStatus === 'completed') await notifyMembership(refunded, 'refunded');
      return refunded;
    },

    async recordLatePayment(
      orderNo: string,
      payment: { transactionId: string; amount: number },
    ): Promise<OrderDoc | undefined> {
      return (
        (await Order.findOneAndUpdate(
          { orderNo, latePayment: null },
          {
            $set: {
              latePayment: {
                transactionId: payment.transactionId,
                amount: payment.amount,
                outRefundNo: `R${orderNo}L`,
              },
            },
          },
          { new: true },
        ).lean<OrderDoc>()) ?? undefined
      );
    },

    async markLatePaymentRefunded(orderNo: string, now = new Date()) {
      await Order.updateOne({ orderNo, 'latePayment.refundedAt': null }, { $set: { 'latePayment.refundedAt': now } });
    },

    async recordPrepay(orderId: Types.ObjectId, prepayId: string, now = new Date()) {
      await Order.updateOne(
        { _id: orderId, status: 'pending_payment' },
        { $set: { 'payment.prepayId': prepayId, 'payment.prepayAt': now } },
      );
    },

    // ---------- jobs ----------

    /** Due unpaid orders, oldest deadline first, after `afterId` (to page through them in batches). */
    async dueForCancel(now: Date, limit = 100, after?: { expiresAt: Date; id: Types.ObjectId }): Promise<OrderDoc[]> {
      const filter: Record<string, unknown> = { status: 'pending_payment', expiresAt: trustedOperators({ $lte: now }) };
      if (after) {
        filter.$or = [
          { expiresAt: trustedOperators({ $gt: after.expiresAt }) },
          { expiresAt: after.expiresAt, _id: trustedOperators({ $gt: after.id }) },
        ];
      }
      return Order.find(filter).sort({ expiresAt: 1, _id: 1 }).limit(limit).lean<OrderDoc[]>();
    },

    async autoComplete(now: Date, limit = 200): Promise<number> {
      const due = await Order.find({ status: 'shipped', autoCompleteAt: trustedOperators({ $lte: now }) }, { _id: 1 })
        .limit(limit)
        .lean<OrderDoc[]>();
      let done = 0;
      for (const order of due) {
        try {
          await service.complete({ _id: order._id }, 'auto', now);
          done++;
        } catch (error) {
          if (!(error instanceof AppError && error.type === 'conflict')) throw error;
        }
      }
      return done;
    },

    /** Orders left in `creating` by a crash: give back what they hold and fail them. */
    async recoverInterrupted(now: Date, olderThanMs = 120_000): Promise<number> {
      const stuck = await Order.find({
        status: 'creating',
        createdAt: trustedOperators({ $lte: new Date(now.getTime() - olderThanMs) }),
      })
        .limit(100)
        .lean<OrderDoc[]>();
      for (const order of stuck) {
        await releaseHolds(order, { stock: true, limits: true, points: true });
        await Order.updateOne(
          { _id: order._id, status: 'creating' },
          {
            $set: {
              status: 'failed',
              failure: { type: 'conflict', code: 'order_interrupted', message: '下单被中断，请重新下单' },
            },
          },
        );
      }
      return stuck.length;
    },

    /** Completed/refunded orders whose membership event did not get through (a crash): tell membership again. */
    async retryMembershipEvents(limit = 100): Promise<number> {
      const pending = await Order.find({
        $or: [
          { status: 'completed', 'membershipNotified.completed': trustedOperators({ $ne: true }) },
          {
            status: 'refunded',
            'refund.fromStatus': 'completed',
            'membershipNotified.refunded': trustedOperators({ $ne: true }),
          },
        ],
      })
        .limit(limit)
        .lean<OrderDoc[]>();
      for (const order of pending)
        await notifyMembership(order, order.status === 'completed' ? 'completed' : 'refunded');
      return pending.length;
    },

    async refundsToRetry(now: Date, olderThanMs = 60_000): Promise<OrderDoc[]> {
      return Order.find({
        status: 'refunding',
        'refund.requestedAt': trustedOperators({ $lte: new Date(now.getTime() - olderThanMs) }),
      })
        .limit(50)
        .lean<OrderDoc[]>();
    },
  };
  return service;

  async function illegalTransition(orderId: string, action: string): Promise<AppError> {
    const current = Types.ObjectId.isValid(orderId) ? await Order.findById(orderId).lean<OrderDoc>() : null;
    if (!current || !VISIBLE.includes(current.status))
      return new AppError('not_found', 'order_not_found', '订单不存在');
    return new AppError(
      'conflict',
      'illegal_transition',
      `订单${ORDER_STATUS_TEXT[current.status as VisibleOrderStatus]}，无法${action}`,
      {
        status: current.status,
      },
    );
  }
}

function assertDistinct(items: { skuId: string }[]) {
  if (new Set(items.map((item) => item.skuId)).size !== items.length) {
    throw new AppError('bad_request', 'duplicate_items', '同一商品规格请合并为一行');
  }
}

export type OrdersService = ReturnType<typeof createOrdersService>;

/** Newest first, one page, with the total for the same filter. */
async function pageOfOrders(filter: Record<string, unknown>, page: { page: number; pageSize: number }) {
  const [items, total] = await Promise.all([
    Order.find(filter)
      .sort({ createdAt: -1 })
      .skip((page.page - 1) * page.pageSize)
      .limit(page.pageSize)
      .lean<OrderDoc[]>(),
    Order.countDocuments(filter),
  ]);
  return { items, total };
}
