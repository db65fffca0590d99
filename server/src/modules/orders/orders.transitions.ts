/**
 * Order transitions. Each is one conditional update from the expected state that also records its
 * event (order-events.ts), so a transition and its event exist together or not at all; then the
 * event is delivered in this process, and the delivery job is the safety net after a crash.
 *
 *   pending_payment → paid → shipped → completed
 *   pending_payment → cancelled
 *   paid | shipped | completed → refunding → refunded
 *   paid | shipped | completed → (partial refunds of some lines, after-sales) … → refunded by the last one
 *
 * An illegal transition is a 409 that names the current state.
 */
import { ORDER_STATUS_TEXT, type VisibleOrderStatus } from '@siyu/shared';
import { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import { AppError } from '../../http/errors';
import { Order, type OrderDoc, type PartialRefund } from './order.model';
import { eventUpdate, mergeUpdates, type OrderEvents } from './order-events';
import { HIDEABLE, VISIBLE } from './orders.views';

export interface TransitionDeps {
  autoCompleteDays: number;
}

export function createOrderTransitions(deps: TransitionDeps, events: OrderEvents) {
  async function illegalTransition(orderId: string, action: string): Promise<AppError> {
    const current = Types.ObjectId.isValid(orderId) ? await Order.findById(orderId).lean<OrderDoc>() : null;
    if (!current || !VISIBLE.includes(current.status))
      return new AppError('not_found', 'order_not_found', '订单不存在');
    return new AppError(
      'conflict',
      'illegal_transition',
      `订单${ORDER_STATUS_TEXT[current.status as VisibleOrderStatus]}，无法${action}`,
      { status: current.status },
    );
  }

  /** Delivers the transition's events, then answers the order as it is after its subscribers ran. */
  async function delivered(order: OrderDoc): Promise<OrderDoc> {
    await events.deliver(order._id);
    return (await Order.findById(order._id).lean<OrderDoc>()) ?? order;
  }

  const transitions = {
    /** pending_payment → cancelled; the `cancelled` event gives back everything the order held, once. */
    async cancel(
      order: Pick<OrderDoc, '_id'>,
      reason: 'member' | 'timeout' | 'admin' | 'group_failed',
      now = new Date(),
    ): Promise<OrderDoc> {
      const cancelled = await Order.findOneAndUpdate(
        { _id: order._id, status: 'pending_payment' },
        mergeUpdates(
          { $set: { status: 'cancelled', cancelledAt: now, cancelReason: reason } },
          eventUpdate('cancelled', now),
        ),
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
      return delivered(cancelled);
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
        mergeUpdates(
          {
            $set: {
              status: 'paid',
              'payment.transactionId': payment.transactionId,
              'payment.paidAt': now,
              'payment.paidAmount': payment.amount,
            },
          },
          eventUpdate('paid', now),
        ),
        { new: true },
      ).lean<OrderDoc>();
      if (paid) return { outcome: 'paid', order: await delivered(paid) };
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

    /** paid → shipped, only once every gate is lifted (a group-buy order waits for its group). */
    async ship(
      orderId: string,
      shipment: { carrier: string; trackingNo: string },
      now = new Date(),
    ): Promise<OrderDoc> {
      const shipped = await Order.findOneAndUpdate(
        { _id: orderId, status: 'paid', 'gates.0': trustedOperators({ $exists: false }) },
        mergeUpdates(
          {
            $set: {
              status: 'shipped',
              shipment: { ...shipment, shippedAt: now },
              autoCompleteAt: new Date(now.getTime() + deps.autoCompleteDays * 86_400_000),
            },
          },
          eventUpdate('shipped', now),
        ),
        { new: true },
      ).lean<OrderDoc>();
      if (!shipped) {
        const current = Types.ObjectId.isValid(orderId) ? await Order.findById(orderId).lean<OrderDoc>() : null;
        if (current?.status === 'paid' && current.gates?.length) {
          throw new AppError('conflict', 'order_gated', `订单${current.gates[0]!.text}，暂不能发货`, {
            gates: current.gates.map((gate) => gate.name),
          });
        }
        throw await illegalTransition(orderId, '发货');
      }
      return delivered(shipped);
    },

    /** Lifts one gate (the group succeeded); repeatable. */
    async openGate(orderId: string, name: string): Promise<void> {
      if (!Types.ObjectId.isValid(orderId)) return;
      // FerretDB 1.x `$pull` matches whole values only (no conditions): pull each gate as it is stored.
      const order = await Order.findOne({ _id: orderId, 'gates.name': name }).lean<OrderDoc>();
      for (const gate of order?.gates ?? []) {
        if (gate.name !== name) continue;
        await Order.updateOne({ _id: orderId }, { $pull: { gates: { name: gate.name, text: gate.text } } });
      }
    },

    /** shipped → completed (by the member, or automatically after the auto-complete days). */
    async complete(
      filter: { _id: Types.ObjectId | string; member?: string },
      by: 'member' | 'auto',
      now = new Date(),
    ): Promise<OrderDoc> {
      const completed = await Order.findOneAndUpdate(
        { ...filter, status: 'shipped' },
        mergeUpdates(
          { $set: { status: 'completed', completedAt: now, completedBy: by } },
          eventUpdate('completed', now),
        ),
        { new: true },
      ).lean<OrderDoc>();
      if (!completed) throw await illegalTransition(filter._id.toString(), '确认收货');
      return delivered(completed);
    },

    /** paid | shipped | completed → refunding, with a stable out_refund_no. */
    async startRefund(orderId: string, reason: string, now = new Date()): Promise<OrderDoc> {
      const current = Types.ObjectId.isValid(orderId) ? await Order.findById(orderId).lean<OrderDoc>() : null;
      if (!current) throw new AppError('not_found', 'order_not_found', '订单不存在');
      const refunding = await Order.findOneAndUpdate(
        {
          _id: orderId,
          status: trustedOperators({ $in: ['paid', 'shipped', 'completed'] }),
          // A whole refund would pay back again what after-sales already refunded: those go line by line.
          'partialRefunds.0': trustedOperators({ $exists: false }),
        },
        mergeUpdates(
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
          eventUpdate('refund_requested', now),
        ),
        { new: true },
      ).lean<OrderDoc>();
      if (!refunding) {
        if (current.partialRefunds?.length && ['paid', 'shipped', 'completed'].includes(current.status)) {
          throw new AppError('conflict', 'order_has_after_sales', '订单已有售后退款，其余商品请通过售后退款');
        }
        throw await illegalTransition(orderId, '退款');
      }
      return delivered(refunding);
    },

    /**
     * After-sales: records a refund of some lines (amounts decided by the after-sales module, keyed by
     * `ref`, its own out_refund_no) on a paid, shipped or completed order, once. No event yet: the money
     * has not moved. Repeating it answers the order as it is.
     */
    async startPartialRefund(
      orderId: string,
      refund: Omit<PartialRefund, 'requestedAt'>,
      now = new Date(),
    ): Promise<OrderDoc> {
      const started = await Order.findOneAndUpdate(
        {
          _id: orderId,
          status: trustedOperators({ $in: ['paid', 'shipped', 'completed'] }),
          // A flat list of refs to guard on: FerretDB 1.x on PostgreSQL cannot guard an update on `array.field`.
          partialRefundRefs: trustedOperators({ $ne: refund.ref }),
        },
        { $push: { partialRefunds: { ...refund, requestedAt: now }, partialRefundRefs: refund.ref } },
        { new: true },
      ).lean<OrderDoc>();
      if (started) return started;
      const current = Types.ObjectId.isValid(orderId) ? await Order.findById(orderId).lean<OrderDoc>() : null;
      if (current?.partialRefunds?.some((known) => known.ref === refund.ref)) return current;
      throw await illegalTransition(orderId, '退款');
    },

    /**
     * The REFUND.SUCCESS of a partial refund number: records it and appends `partially_refunded` (ref)
     * in one conditional update, once; the last refund of the order also ends it `refunded` (its
     * subscribers see `partially_refunded` only, so nothing is given back or taken back twice).
     * Guarded by the status it read, so `completedBefore` says whether growth and points had been earned.
     */
    async finishPartialRefund(
      orderNo: string,
      outRefundNo: string,
      refund: { refundId: string },
      now = new Date(),
    ): Promise<OrderDoc | undefined> {
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = await Order.findOne({ orderNo }).lean<OrderDoc>();
        const started = current?.partialRefunds?.find((known) => known.outRefundNo === outRefundNo);
        if (!current || !started) return undefined;
        if (current.partialRefundsDone?.some((done) => done.ref === started.ref)) return undefined;
        const settled = await Order.findOneAndUpdate(
          { orderNo, status: current.status, partialRefundDoneRefs: trustedOperators({ $ne: started.ref }) },
          mergeUpdates(
            {
              $push: {
                partialRefundDoneRefs: started.ref,
                partialRefundsDone: {
                  ref: started.ref,
                  refundId: refund.refundId,
                  refundedAt: now,
                  completedBefore: current.status === 'completed',
                },
              },
            },
            started.final ? { $set: { status: 'refunded' } } : {},
            eventUpdate('partially_refunded', now, started.ref),
          ),
          { new: true },
        ).lean<OrderDoc>();
        if (settled) return delivered(settled);
      }
      throw new AppError('conflict', 'order_busy', '订单正在处理，请稍后重试');
    },

    /** refunding → refunded, once; the `refunded` event gives back holds and takes back rewards. */
    async finishRefund(orderNo: string, refund: { refundId: string }, now = new Date()): Promise<OrderDoc | undefined> {
      const refunded = await Order.findOneAndUpdate(
        { orderNo, status: 'refunding' },
        mergeUpdates(
          { $set: { status: 'refunded', 'refund.refundId': refund.refundId, 'refund.refundedAt': now } },
          eventUpdate('refunded', now),
        ),
        { new: true },
      ).lean<OrderDoc>();
      if (!refunded) return undefined;
      return delivered(refunded);
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

    /** 删除订单: the member no longer sees a finished order; the shop keeps it. */
    async hideForMember(memberId: string, orderId: string): Promise<void> {
      if (!Types.ObjectId.isValid(orderId)) throw new AppError('not_found', 'order_not_found', '订单不存在');
      const hidden = await Order.updateOne(
        { _id: orderId, member: memberId, status: trustedOperators({ $in: HIDEABLE }) },
        { $set: { hiddenByMember: true } },
      );
      if (hidden.matchedCount === 1) return;
      const current = await Order.findOne({
        _id: orderId,
        member: memberId,
        hiddenByMember: trustedOperators({ $ne: true }),
      }).lean<OrderDoc>();
      if (!current || !VISIBLE.includes(current.status))
        throw new AppError('not_found', 'order_not_found', '订单不存在');
      throw new AppError('conflict', 'order_not_deletable', '进行中的订单不能删除');
    },

    async autoComplete(now: Date, limit = 200): Promise<number> {
      const due = await Order.find({ status: 'shipped', autoCompleteAt: trustedOperators({ $lte: now }) }, { _id: 1 })
        .limit(limit)
        .lean<OrderDoc[]>();
      let done = 0;
      for (const order of due) {
        try {
          await transitions.complete({ _id: order._id }, 'auto', now);
          done++;
        } catch (error) {
          if (!(error instanceof AppError && error.type === 'conflict')) throw error;
        }
      }
      return done;
    },
  };
  return transitions;
}
