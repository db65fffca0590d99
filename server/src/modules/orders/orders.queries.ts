/** Reading orders: a member's own, the admin's search, and the due sets the jobs work through. */
import type { VisibleOrderStatus } from '@siyu/shared';
import { Types } from 'mongoose';
import { containsPattern, trustedOperators } from '../../db/connection';
import { AppError } from '../../http/errors';
import { Order, type OrderDoc } from './order.model';
import { VISIBLE } from './orders.views';

export interface AdminOrderQuery {
  status?: VisibleOrderStatus | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
  page: number;
  pageSize: number;
}

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

export function createOrderQueries() {
  async function loadOwn(memberId: string, orderId: string): Promise<OrderDoc> {
    if (!Types.ObjectId.isValid(orderId)) throw new AppError('not_found', 'order_not_found', '订单不存在');
    const order = await Order.findOne({
      _id: orderId,
      member: memberId,
      status: trustedOperators({ $in: VISIBLE }),
      hiddenByMember: trustedOperators({ $ne: true }),
    }).lean<OrderDoc>();
    if (!order) throw new AppError('not_found', 'order_not_found', '订单不存在');
    return order;
  }

  return {
    loadOwn,

    async listOwn(
      memberId: string,
      query: { status?: VisibleOrderStatus | undefined; page: number; pageSize: number },
    ) {
      return pageOfOrders(
        {
          member: memberId,
          status: query.status ?? trustedOperators({ $in: VISIBLE }),
          hiddenByMember: trustedOperators({ $ne: true }),
        },
        query,
      );
    },

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

    async loadById(orderId: string): Promise<OrderDoc | null> {
      if (!Types.ObjectId.isValid(orderId)) return null;
      return Order.findById(orderId).lean<OrderDoc>();
    },

    async loadByOrderNo(orderNo: string): Promise<OrderDoc | null> {
      return Order.findOne({ orderNo }).lean<OrderDoc>();
    },

    /** Whether the member has ever paid an order (new-member offers refuse those who have). */
    async hasPaidOrder(memberId: string, exceptOrderId?: string): Promise<boolean> {
      const filter: Record<string, unknown> = { member: memberId, 'payment.paidAt': trustedOperators({ $ne: null }) };
      if (exceptOrderId) filter._id = trustedOperators({ $ne: new Types.ObjectId(exceptOrderId) });
      return (await Order.exists(filter)) !== null;
    },

    /** The member's orders waiting for payment (the hoarding cap counts them). */
    async openUnpaidCount(memberId: string): Promise<number> {
      return Order.countDocuments({ member: memberId, status: 'pending_payment' });
    },

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

    async refundsToRetry(now: Date, olderThanMs = 60_000): Promise<OrderDoc[]> {
      return Order.find({
        status: 'refunding',
        'refund.requestedAt': trustedOperators({ $lte: new Date(now.getTime() - olderThanMs) }),
      })
        .limit(50)
        .lean<OrderDoc[]>();
    },
  };
}

export type OrderQueries = ReturnType<typeof createOrderQueries>;
