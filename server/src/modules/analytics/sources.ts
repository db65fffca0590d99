/**
 * What analytics reads from other domains: through their services where they offer it, else by reading
 * (never writing) their collections. Kept in one file so the dependencies are visible.
 */
import type { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import type { ChannelsService } from '../channels/channels.service';
import { Group, GroupBuyCampaign } from '../groupbuy/groupbuy.model';
import { Member } from '../identity/member.model';
import { Invitation } from '../invitations/invitations.model';
import { Livestream } from '../livestream/livestream.model';
import type { LivestreamService } from '../livestream/livestream.service';
import { Order, type OrderDoc } from '../orders/order.model';
import type { PackageCardsService } from '../package-cards/package-cards.service';
import { PointsEntry } from '../points/points.model';

export interface AnalyticsSources {
  member(memberId: string): Promise<{ id: string; createdAt: Date; invitedBy: string | null } | null>;
  allMembers(): AsyncIterable<{ id: string; createdAt: Date; invitedBy: string | null }>;
  allPaidOrders(): AsyncIterable<OrderDoc>;
  pointsTotals(start: Date, end: Date): Promise<{ issued: number; spent: number; expired: number }>;
  batches(): Promise<{ id: string; name: string; printed: number; redeemed: number }[]>;
  membersFirstTouchedBy(
    type: 'package_card' | 'invite' | 'live' | 'groupbuy' | 'organic',
    id?: string,
  ): Promise<string[]>;
  lives(
    start: Date,
    end: Date,
  ): Promise<
    {
      liveId: string;
      title: string;
      startsAt: Date;
      reservations: number;
      remindersSent: number;
      clickThroughs: number;
      orders: number;
      payingMembers: number;
      gmv: number;
    }[]
  >;
  groups(start: Date, end: Date): Promise<{ opened: number; succeeded: number; failed: number }>;
  newMembersOnlyCampaigns(): Promise<Set<string>>;
  invitesBetween(start: Date, end: Date, fallback: number): Promise<number>;
  tierCounts(): Promise<Map<string, number>>;
}

const CREDIT_KINDS = ['earn', 'task', 'birthday', 'adjust'];

export function createAnalyticsSources(deps: {
  channels: ChannelsService;
  packageCards: PackageCardsService;
  livestream: LivestreamService;
}): AnalyticsSources {
  const memberOf = (doc: { _id: Types.ObjectId; createdAt?: Date; invitedBy?: Types.ObjectId | null }) => ({
    id: doc._id.toString(),
    createdAt: doc.createdAt ?? new Date(0),
    invitedBy: doc.invitedBy ? doc.invitedBy.toString() : null,
  });
  return {
    async member(memberId) {
      const doc = await Member.findById(memberId, { createdAt: 1, invitedBy: 1 }).lean<{
        _id: Types.ObjectId;
        createdAt: Date;
        invitedBy: Types.ObjectId | null;
      }>();
      return doc ? memberOf(doc) : null;
    },
    async *allMembers() {
      for await (const doc of Member.find({}, { createdAt: 1, invitedBy: 1 }).lean().cursor()) {
        yield memberOf(doc as never);
      }
    },
    async *allPaidOrders() {
      for await (const order of Order.find({ 'payment.paidAt': trustedOperators({ $ne: null }) })
        .lean()
        .cursor()) {
        yield order as unknown as OrderDoc;
      }
    },
    async pointsTotals(start, end) {
      // Two plain $group passes (credits, debits): FerretDB 1.x has no $cond inside $group.
      const sumByKind = async (sign: 1 | -1) =>
        new Map(
          (
            await PointsEntry.aggregate<{ _id: string; total: number }>([
              { $match: { createdAt: { $gte: start, $lt: end }, delta: sign > 0 ? { $gt: 0 } : { $lt: 0 } } },
              { $group: { _id: '$kind', total: { $sum: '$delta' } } },
            ])
          ).map((row) => [row._id, row.total]),
        );
      const [credits, debits] = await Promise.all([sumByKind(1), sumByKind(-1)]);
      return {
        issued: CREDIT_KINDS.reduce((sum, kind) => sum + (credits.get(kind) ?? 0), 0),
        spent: -(debits.get('spend') ?? 0) - (credits.get('refund') ?? 0),
        expired: -(debits.get('expire') ?? 0),
      };
    },
    async batches() {
      return (await deps.packageCards.listBatches()).map((batch) => ({
        id: batch.id,
        name: batch.name,
        printed: batch.quantity,
        redeemed: batch.redeemedCount,
      }));
    },
    async membersFirstTouchedBy(type, id) {
      return (await deps.channels.membersFirstTouchedBy(type, id)).map((memberId) => memberId.toString());
    },
    async lives(start, end) {
      const lives = await Livestream.find({
        startsAt: trustedOperators({ $gte: start, $lt: end }),
        deletedAt: null,
      })
        .sort({ startsAt: 1 })
        .limit(500)
        .lean();
      const rows = [];
      for (const live of lives) {
        const stats = await deps.livestream.stats(live._id.toString());
        rows.push({
          liveId: live._id.toString(),
          title: live.title,
          startsAt: live.startsAt,
          reservations: stats.reservations,
          remindersSent: stats.remindersSent,
          clickThroughs: stats.clickThroughs,
          orders: stats.orders,
          payingMembers: stats.payingMembers,
          gmv: stats.gmv,
        });
      }
      return rows;
    },
    async groups(start, end) {
      const inRange = (field: string) => ({ [field]: trustedOperators({ $gte: start, $lt: end }) });
      const [opened, succeeded, failed] = await Promise.all([
        Group.countDocuments(inRange('openedAt')),
        Group.countDocuments(inRange('succeededAt')),
        Group.countDocuments(inRange('failedAt')),
      ]);
      return { opened, succeeded, failed };
    },
    async newMembersOnlyCampaigns() {
      const ids = await GroupBuyCampaign.find({ newMembersOnly: true }, { _id: 1 }).lean();
      return new Set(ids.map((campaign) => campaign._id.toString()));
    },
    async invitesBetween(start, end, fallback) {
      const count = await Invitation.countDocuments({ joinedAt: trustedOperators({ $gte: start, $lt: end }) });
      return Math.max(count, fallback);
    },
    async tierCounts() {
      const rows = await Member.aggregate<{ _id: string; members: number }>([
        { $group: { _id: '$tier', members: { $sum: 1 } } },
      ]);
      return new Map(rows.map((row) => [row._id ?? 'regular', row.members]));
    },
  };
}
