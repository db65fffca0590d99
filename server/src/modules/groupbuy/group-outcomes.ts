/**
 * What happens to a group after its seats are taken: the leader's payment opens it (its own deadline
 * starts), N paid members make it succeed (every order's ship gate is lifted), and its deadline with
 * fewer than N paid makes it fail (every paid member refunded, every unpaid order cancelled).
 *
 * Each transition is one conditional update on the group (`state` in the filter), so two instances,
 * two job runs or a redelivered event move it once. Settling a failed group walks its orders and acts
 * on each order's own state: `paid` → the payments refund (a conditional `paid → refunding` with the
 * stable refund number of that member's order: `R<orderNo>`), `pending_payment` → cancel (after asking
 * WeChat Pay, so a payment in flight is refunded instead). A run stopped between two refunds is
 * finished by the next run, which finds the first order already `refunding`/`refunded` and skips it.
 * `settledAt` is set only once every order is cancelled or refunding/refunded.
 */
import { trustedOperators } from '../../db/connection';
import { AppError } from '../../http/errors';
import type { OrderDoc } from '../orders/order.model';
import { Group, type GroupDoc } from './groupbuy.model';
import { GROUP_GATE, type GroupBuyOrders } from './groups.service';
import { groupContextOf, releaseActive } from './seat-hold';

export interface GroupBuyPayments {
  /** paid → refunding and asks WeChat Pay with the order's stable out_refund_no; 409 when not refundable. */
  refund(orderId: string, reason: string): Promise<unknown>;
  /** Cancels an unpaid order after asking WeChat Pay; false when it turned out paid or moved on. */
  cancelIfUnpaid(order: OrderDoc, now: Date): Promise<boolean>;
}

export interface GroupNotices {
  /** One subscribe message per member and outcome; at most once per grant (the notices module keys it). */
  groupOutcome(input: {
    memberId: string;
    groupId: string;
    outcome: 'succeeded' | 'failed';
    title: string;
    amount: number;
    at: Date;
  }): Promise<void>;
}

export const FAIL_REFUND_REASON = '拼团未成团，自动退款';

const DONE = new Set(['cancelled', 'failed', 'refunding', 'refunded']);

export function createGroupOutcomes(deps: {
  orders: GroupBuyOrders;
  payments: GroupBuyPayments;
  notices?: GroupNotices;
  titleOf(campaignId: string): Promise<string>;
}) {
  async function notifyAll(group: GroupDoc, outcome: 'succeeded' | 'failed', at: Date) {
    if (!deps.notices) return;
    const title = await deps.titleOf(group.campaignId).catch(() => '拼团商品');
    for (const seat of group.seats) {
      if (!group.paidOrderIds.includes(seat.orderId)) continue;
      const order = await deps.orders.find(seat.orderId);
      await deps.notices
        .groupOutcome({
          memberId: seat.memberId,
          groupId: group._id.toString(),
          outcome,
          title,
          amount: order?.payment?.paidAmount ?? order?.amounts.payable ?? 0,
          at,
        })
        .catch(() => undefined);
    }
  }

  /** Lifts every paid order's ship gate, frees each member for another group, tells them; repeatable. */
  async function afterSuccess(group: GroupDoc, now: Date): Promise<void> {
    for (const orderId of group.paidOrderIds) await deps.orders.openGate(orderId, GROUP_GATE.name);
    for (const seat of group.seats)
      if (group.orderIds.includes(seat.orderId)) await releaseActive(group.campaignId, seat.memberId, seat.orderId);
    const marked = await Group.updateOne(
      { _id: group._id, state: 'succeeded', gatesOpenedAt: null },
      { $set: { gatesOpenedAt: now } },
    );
    if (marked.modifiedCount === 1) {
      await notifyAll(group, 'succeeded', now);
      await Group.updateOne({ _id: group._id }, { $set: { noticesSentAt: new Date() } });
    }
  }

  async function trySucceed(group: GroupDoc, now: Date): Promise<GroupDoc> {
    if (group.state !== 'open' || group.paidCount < group.groupSize) return group;
    const succeeded = await Group.findOneAndUpdate(
      { _id: group._id, state: 'open', paidCount: trustedOperators({ $gte: group.groupSize }) },
      { $set: { state: 'succeeded', succeededAt: now } },
      { new: true },
    ).lean<GroupDoc>();
    return succeeded ?? (await Group.findById(group._id).lean<GroupDoc>())!;
  }

  async function fail(group: GroupDoc, reason: 'timeout' | 'campaign_ended', now: Date): Promise<boolean> {
    const filter =
      reason === 'timeout'
        ? { _id: group._id, state: 'open', deadline: trustedOperators({ $lte: now }) }
        : { _id: group._id, state: trustedOperators({ $in: ['awaiting_leader', 'open'] }) };
    const failed = await Group.updateOne(filter, { $set: { state: 'failed', failedAt: now, failReason: reason } });
    return failed.modifiedCount === 1;
  }

  /**
   * Refunds the paid and cancels the unpaid orders of a failed (or abandoned) group. `budget` bounds
   * how many orders one run acts on; the rest are left to the next run.
   */
  async function settle(group: GroupDoc, now: Date, budget: { left: number }): Promise<{ refunds: number }> {
    let refunds = 0;
    let open = 0;
    const orderIds = [...new Set([...group.orderIds, ...group.paidOrderIds])];
    for (const orderId of orderIds) {
      const order = await deps.orders.find(orderId);
      if (!order || DONE.has(order.status)) continue;
      if (order.status !== 'paid' && order.status !== 'pending_payment') {
        open++; // still `creating` (recovery job decides) or shipped by hand: look again next run
        continue;
      }
      if (budget.left <= 0) {
        open++;
        continue;
      }
      budget.left--;
      if (order.status === 'paid') {
        try {
          await deps.payments.refund(orderId, FAIL_REFUND_REASON);
          refunds++;
          await Group.updateOne({ _id: group._id }, { $addToSet: { refundsRequested: orderId } });
        } catch (error) {
          // Another run moved it first (refunding already): the order's own state is the guard.
          if (!(error instanceof AppError && error.type === 'conflict')) throw error;
        }
        const after = await deps.orders.find(orderId);
        if (after && !DONE.has(after.status)) open++;
      } else if (!(await deps.payments.cancelIfUnpaid(order, now))) {
        open++; // it turned out paid: the next run refunds it
      }
    }
    if (open === 0) {
      const settled = await Group.updateOne(
        { _id: group._id, state: trustedOperators({ $in: ['failed', 'abandoned'] }), settledAt: null },
        { $set: { settledAt: now } },
      );
      if (settled.modifiedCount === 1 && group.state === 'failed') await notifyAll(group, 'failed', now);
    }
    return { refunds };
  }

  const outcomes = {
    /** The `paid` event of an order placed in a group (at least once; keyed by the order). */
    async onPaid(order: OrderDoc, now = new Date()): Promise<void> {
      const context = groupContextOf(order);
      if (!context) return;
      const orderId = order._id.toString();
      const paidAt = order.payment?.paidAt ? new Date(order.payment.paidAt) : now;
      let group = await Group.findById(context.groupId).lean<GroupDoc>();
      if (!group) return;
      if (group.state === 'awaiting_leader' && order.member.toString() === group.leaderId) {
        // The leader's payment opens the group: its own deadline starts now.
        await Group.updateOne(
          { _id: group._id, state: 'awaiting_leader', orderIds: orderId },
          {
            $set: {
              state: 'open',
              openedAt: paidAt,
              deadline: new Date(paidAt.getTime() + group.groupMinutes * 60_000),
              leaderOrderId: orderId,
            },
            $push: { paidOrderIds: orderId },
            $inc: { paidCount: 1 },
          },
        );
      } else {
        // A payment made after the deadline does not count: the group fails and it is refunded.
        await Group.updateOne(
          {
            _id: group._id,
            state: 'open',
            orderIds: orderId,
            paidOrderIds: trustedOperators({ $ne: orderId }),
            deadline: trustedOperators({ $gt: paidAt }),
          },
          { $push: { paidOrderIds: orderId }, $inc: { paidCount: 1 } },
        );
      }
      group = await trySucceed((await Group.findById(group._id).lean<GroupDoc>())!, now);
      if (group.state === 'succeeded') await afterSuccess(group, now);
      else if (group.state === 'failed' || group.state === 'abandoned') await settle(group, now, { left: 100 });
    },

    /** Fails the running groups of an ended campaign and settles them. */
    async failRunningGroups(campaignId: string, now: Date): Promise<number> {
      const running = await Group.find({
        campaignId,
        state: trustedOperators({ $in: ['awaiting_leader', 'open'] }),
      }).lean<GroupDoc[]>();
      let failed = 0;
      for (const group of running) {
        const succeeded = await trySucceed(group, now);
        if (succeeded.state === 'succeeded') {
          await afterSuccess(succeeded, now);
          continue;
        }
        if (await fail(group, 'campaign_ended', now)) failed++;
      }
      await outcomes.settleFailed(now);
      return failed;
    },

    /**
     * The deadline job: groups past their deadline fail (or succeed, when a crash left a full group
     * open), failed groups are settled, succeeded groups have their gates lifted. Safe to run twice at
     * once, on several instances, or after a crash anywhere in it.
     */
    async runDue(now = new Date(), options: { budget?: number } = {}) {
      const budget = { left: options.budget ?? 500 };
      let failed = 0;
      const due = await Group.find({ state: 'open', deadline: trustedOperators({ $lte: now }) })
        .sort({ deadline: 1 })
        .limit(200)
        .lean<GroupDoc[]>();
      for (const group of due) {
        const succeeded = await trySucceed(group, now);
        if (succeeded.state === 'succeeded') await afterSuccess(succeeded, now);
        else if (await fail(group, 'timeout', now)) failed++;
      }
      // An empty group whose leader never got an order placed (a crash between the two steps).
      const abandoned = await Group.updateMany(
        {
          state: 'awaiting_leader',
          seatCount: 0,
          createdAt: trustedOperators({ $lte: new Date(now.getTime() - 10 * 60_000) }),
        },
        { $set: { state: 'abandoned' } },
      );
      const { refunds } = await outcomes.settleFailed(now, budget);
      const ungated = await Group.find({ state: 'succeeded', gatesOpenedAt: null }).limit(100).lean<GroupDoc[]>();
      for (const group of ungated) await afterSuccess(group, now);
      return { failed, abandoned: abandoned.modifiedCount, refunds, gatesOpened: ungated.length };
    },

    async settleFailed(now: Date, budget = { left: 500 }): Promise<{ refunds: number }> {
      const unsettled = await Group.find({
        state: trustedOperators({ $in: ['failed', 'abandoned'] }),
        settledAt: null,
      })
        .sort({ failedAt: 1 })
        .limit(100)
        .lean<GroupDoc[]>();
      let refunds = 0;
      for (const group of unsettled) refunds += (await settle(group, now, budget)).refunds;
      return { refunds };
    },
  };
  return outcomes;
}

export type GroupOutcomes = ReturnType<typeof createGroupOutcomes>;
