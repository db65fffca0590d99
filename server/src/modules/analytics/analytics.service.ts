/**
 * The operator's numbers. Facts are maintained by the `analytics` order subscriber and the member
 * created hook (absolute values, keyed by order and member, so a replay changes nothing); day rollups
 * are recomputed from the facts of their day whenever a fact of that day changes, and by `rebuild`,
 * which recomputes facts from the source collections and every rollup from the facts.
 *
 * Days are Asia/Shanghai calendar days; money is fen; rates are exact fractions with a one-decimal text.
 */
import {
  type AnalyticsOverview,
  type AnalyticsRange,
  dayjs,
  rate,
  ratioText,
  SHOP_TIMEZONE,
  shopDay,
  TIER_CODES,
} from '@siyu/shared';
import { trustedOperators } from '../../db/connection';
import { isDuplicateKey } from '../../http/errors';
import type { OrderDoc } from '../orders/order.model';
import {
  DayRollup,
  type DayRollupDoc,
  MemberFact,
  type MemberFactDoc,
  OrderFact,
  type OrderFactDoc,
} from './analytics.model';
import type { AnalyticsSources } from './sources';

const DAY_MS = 86_400_000;
const FIRST_ORDER_WINDOW_MS = 3 * DAY_MS;

export function weekOf(instant: Date): string {
  const local = dayjs(instant).tz(SHOP_TIMEZONE);
  const mondayOffset = (local.day() + 6) % 7;
  return local.subtract(mondayOffset, 'day').format('YYYY-MM-DD');
}

/** The instants a range of Shanghai days covers: [start, end). */
export function rangeInstants(range: AnalyticsRange): { start: Date; end: Date } {
  const start = dayjs.tz(range.from, SHOP_TIMEZONE).startOf('day');
  const end = dayjs.tz(range.to, SHOP_TIMEZONE).startOf('day').add(1, 'day');
  return { start: start.toDate(), end: end.toDate() };
}

function daysOf(range: AnalyticsRange): string[] {
  const days: string[] = [];
  for (let day = dayjs.tz(range.from, SHOP_TIMEZONE); day.format('YYYY-MM-DD') <= range.to; day = day.add(1, 'day')) {
    days.push(day.format('YYYY-MM-DD'));
    if (days.length > 3700) break; // ten years at most
  }
  return days;
}

const refundedTotal = (order: OrderDoc): number => {
  const withRefunds = order as OrderDoc & { refundedAmount?: number };
  if (typeof withRefunds.refundedAmount === 'number') return withRefunds.refundedAmount;
  return order.status === 'refunded' ? (order.refund?.amount ?? 0) : 0;
};

export function createAnalyticsService(sources: AnalyticsSources) {
  async function ensureMember(memberId: string): Promise<void> {
    if (await MemberFact.exists({ _id: memberId })) return;
    const member = await sources.member(memberId);
    if (!member) return;
    await recordMember(member);
  }

  async function recordMember(member: { id: string; createdAt: Date; invitedBy: string | null }): Promise<void> {
    try {
      await MemberFact.updateOne(
        { _id: member.id },
        {
          $setOnInsert: {
            registeredAt: member.createdAt,
            registeredDay: shopDay(member.createdAt),
            registeredWeek: weekOf(member.createdAt),
            invitedBy: member.invitedBy,
          },
        },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // two first upserts raced: it exists
    }
    await refreshDay(shopDay(member.createdAt));
  }

  /** Recomputes one day's rollup from that day's facts; the same facts give the same document. */
  async function refreshDay(day: string, now = new Date()): Promise<void> {
    const { start, end } = rangeInstants({ from: day, to: day });
    const [paid, paidOrders, refunded, newMembers, points] = await Promise.all([
      OrderFact.aggregate<{ amount: number; coupons: number }>([
        { $match: { paidDay: day } },
        { $group: { _id: null, amount: { $sum: '$paidAmount' }, coupons: { $sum: '$couponDiscount' } } },
      ]),
      // Counted apart: FerretDB 1.x answers 0 for `$sum: 1` inside $group.
      OrderFact.countDocuments({ paidDay: day }),
      OrderFact.aggregate<{ amount: number }>([
        { $match: { refundedDay: day } },
        { $group: { _id: null, amount: { $sum: '$refundedAmount' } } },
      ]),
      MemberFact.countDocuments({ registeredDay: day }),
      sources.pointsTotals(start, end),
    ]);
    await DayRollup.updateOne(
      { _id: day },
      {
        $set: {
          paidAmount: paid[0]?.amount ?? 0,
          paidOrders,
          couponCost: paid[0]?.coupons ?? 0,
          refundedAmount: refunded[0]?.amount ?? 0,
          newMembers,
          pointsIssued: points.issued,
          pointsSpent: points.spent,
          pointsExpired: points.expired,
          computedAt: now,
        },
      },
      { upsert: true },
    ).catch((error) => {
      if (!isDuplicateKey(error)) throw error;
    });
  }

  async function rollups(range: AnalyticsRange): Promise<DayRollupDoc[]> {
    return DayRollup.find({ _id: trustedOperators({ $gte: range.from, $lte: range.to }) })
      .sort({ _id: 1 })
      .lean<DayRollupDoc[]>();
  }

  /** Paid orders per member among the facts given: repurchase = members with ≥ 2 ÷ members with ≥ 1. */
  function repurchase(facts: Pick<OrderFactDoc, 'member'>[]) {
    const perMember = new Map<string, number>();
    for (const fact of facts) perMember.set(fact.member, (perMember.get(fact.member) ?? 0) + 1);
    const repeat = [...perMember.values()].filter((count) => count >= 2).length;
    return { members: perMember.size, rate: rate(repeat, perMember.size) };
  }

  const firstWithin3Days = (member: MemberFactDoc) =>
    member.firstPaidAt !== null &&
    new Date(member.firstPaidAt).getTime() - new Date(member.registeredAt).getTime() <= FIRST_ORDER_WINDOW_MS;

  async function paidFactsIn(range: AnalyticsRange, extra: Record<string, unknown> = {}) {
    return OrderFact.find({ paidDay: trustedOperators({ $gte: range.from, $lte: range.to }), ...extra }).lean<
      OrderFactDoc[]
    >();
  }

  const service = {
    // ---------- facts, kept by events ----------

    /** identity's member-created hook. */
    async onMemberCreated(member: { _id: { toString(): string }; createdAt?: Date; invitedBy?: unknown }) {
      await recordMember({
        id: member._id.toString(),
        createdAt: member.createdAt ?? new Date(),
        invitedBy: member.invitedBy ? String(member.invitedBy) : null,
      });
    },

    /** A paid order: its fact (once), and the member's first/second paid order (conditional, once). */
    async onOrderPaid(order: OrderDoc): Promise<void> {
      const paidAt = order.payment?.paidAt ? new Date(order.payment.paidAt) : new Date();
      const orderId = order._id.toString();
      const memberId = order.member.toString();
      const amounts = order.amounts as OrderDoc['amounts'] & { couponDiscount?: number };
      await OrderFact.updateOne(
        { _id: orderId },
        {
          $setOnInsert: {
            member: memberId,
            tier: order.tier,
            paidAt,
            paidDay: shopDay(paidAt),
            paidAmount: order.payment?.paidAmount ?? order.amounts.payable,
            couponDiscount: amounts.couponDiscount ?? 0,
            attribution: order.attribution ? { type: order.attribution.type, id: order.attribution.id } : null,
            groupId: order.context?.groupId ?? null,
            campaignId: order.context?.campaignId ?? null,
          },
        },
        { upsert: true },
      ).catch((error) => {
        if (!isDuplicateKey(error)) throw error;
      });
      await ensureMember(memberId);
      const first = await MemberFact.updateOne(
        { _id: memberId, firstOrder: null },
        {
          $set: { firstOrder: orderId, firstPaidAt: paidAt, firstOrderCampaign: order.context?.campaignId ?? null },
        },
      );
      if (first.modifiedCount === 0) {
        await MemberFact.updateOne(
          { _id: memberId, secondOrder: null, firstOrder: trustedOperators({ $ne: orderId }) },
          { $set: { secondOrder: orderId, secondPaidAt: paidAt } },
        );
      }
      await refreshDay(shopDay(paidAt));
    },

    /** A (partial or full) refund: the order's refunded total, as an absolute value. */
    async onOrderRefunded(order: OrderDoc, at: Date): Promise<void> {
      const refunded = refundedTotal(order);
      const previous = await OrderFact.findOneAndUpdate(
        { _id: order._id.toString() },
        { $set: { refundedAmount: refunded, refundedDay: shopDay(at) } },
      ).lean<OrderFactDoc>();
      if (previous?.refundedDay && previous.refundedDay !== shopDay(at)) await refreshDay(previous.refundedDay);
      await refreshDay(shopDay(at));
    },

    refreshDay,

    // ---------- measures ----------

    async overview(range: AnalyticsRange): Promise<AnalyticsOverview> {
      const [days, facts, newcomers] = await Promise.all([
        rollups(range),
        paidFactsIn(range),
        MemberFact.find({ registeredDay: trustedOperators({ $gte: range.from, $lte: range.to }) }).lean<
          MemberFactDoc[]
        >(),
      ]);
      const sum = (pick: (day: DayRollupDoc) => number) => days.reduce((total, day) => total + pick(day), 0);
      const paidAmount = sum((day) => day.paidAmount);
      const refundedAmount = sum((day) => day.refundedAmount);
      const orders = sum((day) => day.paidOrders);
      const gmv = paidAmount - refundedAmount;
      const { members, rate: repurchaseRate } = repurchase(facts);
      return {
        range,
        gmv,
        paidAmount,
        refundedAmount,
        orders,
        payingMembers: members,
        averageOrderValue: orders ? Math.floor(gmv / orders) : 0,
        repurchaseRate,
        newMembers: sum((day) => day.newMembers),
        firstOrderWithin3Days: rate(newcomers.filter(firstWithin3Days).length, newcomers.length),
        pointsIssued: sum((day) => day.pointsIssued),
        pointsSpent: sum((day) => day.pointsSpent),
        pointsExpired: sum((day) => day.pointsExpired),
        couponCost: sum((day) => day.couponCost),
      };
    },

    async daily(range: AnalyticsRange) {
      const byDay = new Map((await rollups(range)).map((day) => [day._id, day]));
      return {
        days: daysOf(range).map((day) => {
          const rollup = byDay.get(day);
          return {
            day,
            gmv: (rollup?.paidAmount ?? 0) - (rollup?.refundedAmount ?? 0),
            orders: rollup?.paidOrders ?? 0,
            newMembers: rollup?.newMembers ?? 0,
          };
        }),
      };
    },

    /** Per package-card batch and per acquisition channel (first touch). */
    async channels(range: AnalyticsRange) {
      const facts = await paidFactsIn(range);
      const factsByMember = new Map<string, OrderFactDoc[]>();
      for (const fact of facts) factsByMember.set(fact.member, [...(factsByMember.get(fact.member) ?? []), fact]);
      async function measure(memberIds: string[]) {
        const members = await MemberFact.find({ _id: trustedOperators({ $in: memberIds }) }).lean<MemberFactDoc[]>();
        const theirFacts = memberIds.flatMap((id) => factsByMember.get(id) ?? []);
        return {
          members: memberIds.length,
          firstOrdersWithin3Days: members.filter(firstWithin3Days).length,
          repurchaseRate: repurchase(theirFacts).rate,
          gmv: theirFacts.reduce((total, fact) => total + fact.paidAmount - fact.refundedAmount, 0),
        };
      }
      const rows = [];
      for (const batch of await sources.batches()) {
        const memberIds = await sources.membersFirstTouchedBy('package_card', batch.id);
        rows.push({
          kind: 'batch' as const,
          key: batch.id,
          name: batch.name,
          printed: batch.printed,
          redeemed: batch.redeemed,
          redemptionRate: rate(batch.redeemed, batch.printed),
          ...(await measure(memberIds)),
        });
      }
      for (const channel of ['package_card', 'invite', 'live', 'groupbuy', 'organic'] as const) {
        const memberIds = await sources.membersFirstTouchedBy(channel);
        rows.push({
          kind: 'channel' as const,
          key: channel,
          name: CHANNEL_NAMES[channel],
          printed: null,
          redeemed: null,
          redemptionRate: null,
          ...(await measure(memberIds)),
        });
      }
      return { rows };
    },

    /** registered → first order → second order, by week of registration. */
    async cohorts(range: AnalyticsRange) {
      const members = await MemberFact.find({
        registeredDay: trustedOperators({ $gte: range.from, $lte: range.to }),
      }).lean<MemberFactDoc[]>();
      const weeks = new Map<string, { registered: number; firstOrder: number; secondOrder: number }>();
      for (const member of members) {
        const row = weeks.get(member.registeredWeek) ?? { registered: 0, firstOrder: 0, secondOrder: 0 };
        row.registered++;
        if (member.firstOrder) row.firstOrder++;
        if (member.secondOrder) row.secondOrder++;
        weeks.set(member.registeredWeek, row);
      }
      return {
        rows: [...weeks.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([week, row]) => ({
            week,
            ...row,
            firstOrderRate: rate(row.firstOrder, row.registered),
            secondOrderRate: rate(row.secondOrder, row.registered),
          })),
      };
    },

    /** Per live (by its start): reservations, reminders, click-throughs and what it sold (the live's own attribution). */
    async lives(range: AnalyticsRange) {
      const { start, end } = rangeInstants(range);
      const lives = await sources.lives(start, end);
      return { rows: lives.map((live) => ({ ...live, startsAt: live.startsAt.toISOString() })) };
    },

    async groupBuys(range: AnalyticsRange) {
      const { start, end } = rangeInstants(range);
      const groups = await sources.groups(start, end);
      const newMembersOnly = await sources.newMembersOnlyCampaigns();
      const brought = await MemberFact.countDocuments({
        firstPaidAt: trustedOperators({ $gte: start, $lt: end }),
        firstOrderCampaign: trustedOperators({ $in: [...newMembersOnly] }),
      });
      return {
        ...groups,
        successRate: rate(groups.succeeded, groups.succeeded + groups.failed),
        newMembersBrought: brought,
      };
    },

    async invitations(range: AnalyticsRange) {
      const invitees = await MemberFact.find({
        registeredDay: trustedOperators({ $gte: range.from, $lte: range.to }),
        invitedBy: trustedOperators({ $ne: null }),
      }).lean<MemberFactDoc[]>();
      const inviters = new Set(invitees.map((member) => member.invitedBy));
      return {
        inviters: inviters.size,
        invites: await sources.invitesBetween(rangeInstants(range).start, rangeInstants(range).end, invitees.length),
        registrations: invitees.length,
        firstOrders: invitees.filter((member) => member.firstOrder).length,
        kFactor: ratioText(invitees.length, inviters.size),
      };
    },

    async tiers(range: AnalyticsRange) {
      const [counts, facts] = await Promise.all([sources.tierCounts(), paidFactsIn(range)]);
      const gmvByTier = new Map<string, number>();
      for (const fact of facts)
        gmvByTier.set(fact.tier, (gmvByTier.get(fact.tier) ?? 0) + fact.paidAmount - fact.refundedAmount);
      const total = [...gmvByTier.values()].reduce((sum, value) => sum + value, 0);
      return {
        rows: TIER_CODES.map((tier) => ({
          tier,
          members: counts.get(tier) ?? 0,
          gmv: gmvByTier.get(tier) ?? 0,
          gmvShare: rate(gmvByTier.get(tier) ?? 0, total),
        })),
      };
    },

    // ---------- rebuild ----------

    /**
     * Recomputes every fact from the source collections (orders, members) and every rollup from the
     * facts. The incrementally kept figures must agree with it (a test and `npm run analytics:rebuild`
     * say so).
     */
    async rebuild(now = new Date()): Promise<{ orders: number; members: number; days: number }> {
      await Promise.all([OrderFact.deleteMany({}), MemberFact.deleteMany({}), DayRollup.deleteMany({})]);
      let members = 0;
      for await (const member of sources.allMembers()) {
        await MemberFact.create({
          _id: member.id,
          registeredAt: member.createdAt,
          registeredDay: shopDay(member.createdAt),
          registeredWeek: weekOf(member.createdAt),
          invitedBy: member.invitedBy,
        });
        members++;
      }
      let orders = 0;
      for await (const order of sources.allPaidOrders()) {
        await service.onOrderPaid(order);
        if (refundedTotal(order) > 0) await service.onOrderRefunded(order, order.refund?.refundedAt ?? now);
        orders++;
      }
      const days = new Set<string>([
        ...(await MemberFact.distinct('registeredDay')),
        ...(await OrderFact.distinct('paidDay')),
        ...((await OrderFact.distinct('refundedDay')) as (string | null)[]).filter((day): day is string => !!day),
      ]);
      for (const day of days) await refreshDay(day, now);
      return { orders, members, days: days.size };
    },
  };
  return service;
}

const CHANNEL_NAMES = {
  package_card: '包裹卡',
  invite: '邀请',
  live: '直播',
  groupbuy: '拼团分享',
  organic: '自然进店',
} as const;

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
