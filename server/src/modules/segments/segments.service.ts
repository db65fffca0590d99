/**
 * Tags and segments: admins tag members by hand or by a segment's rule; a segment is a saved rule over
 * tier, spend, last order, acquisition channel, package-card batch, tags, live reservations and
 * group-buys; a coupon pushed to a segment is issued once per member (coupon key
 * `segment:<segment>:<push>`, the push keyed by the request's Idempotency-Key).
 *
 * Rules are evaluated by intersecting member-id sets read from each source (bounded to what a brand's
 * private domain holds; at a larger scale this wants a per-member read model kept by subscribers).
 */
import { dayjs } from '@siyu/shared';
import mongoose, { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import type { ChannelsService } from '../channels/channels.service';
import { Member, type MemberDoc } from '../identity/member.model';
import {
  MemberTag,
  type MemberTagDoc,
  Segment,
  type SegmentDoc,
  SegmentPush,
  type SegmentPushDoc,
} from './segments.model';
import type { SegmentRule } from './segments.schemas';

/** Order states that count as spending: paid and not (wholly) refunded. */
const SPENT_STATES = ['paid', 'shipped', 'completed'];
const MAX_SEGMENT_MEMBERS = 50_000;

export interface SegmentCouponIssuer {
  issue(memberId: string, templateId: string, grant: { channel: 'push'; key: string }): Promise<unknown>;
}

export interface SegmentsServiceOptions {
  channels: ChannelsService;
  coupons: () => SegmentCouponIssuer | undefined;
  clock?: () => Date;
}

type IdSet = Set<string>;
const intersect = (a: IdSet | null, b: IdSet): IdSet => (a ? new Set([...a].filter((id) => b.has(id))) : b);
const db = () => mongoose.connection.db!;

function toSegmentView(doc: SegmentDoc) {
  return { id: doc._id.toString(), name: doc.name, rule: doc.rule, createdAt: new Date(doc.createdAt).toISOString() };
}
function toPushView(doc: SegmentPushDoc) {
  return {
    id: doc._id,
    segmentId: doc.segment.toString(),
    templateId: doc.templateId,
    members: doc.members,
    issued: doc.issued,
    refused: doc.refused,
    finishedAt: doc.finishedAt ? new Date(doc.finishedAt).toISOString() : null,
  };
}

export function createSegmentsService(options: SegmentsServiceOptions) {
  const clock = options.clock ?? (() => new Date());

  /** Per member: total paid (fen) and the last paid time, over orders that count as spending. */
  async function spending(): Promise<Map<string, { total: number; lastPaidAt: Date | null }>> {
    // Read and summed here: FerretDB 1.x has no `$max` accumulator in `$group`.
    const orders = db()
      .collection('orders')
      .find(
        { status: { $in: SPENT_STATES } },
        { projection: { member: 1, 'amounts.payable': 1, 'payment.paidAt': 1 } },
      );
    const byMember = new Map<string, { total: number; lastPaidAt: Date | null }>();
    for await (const order of orders) {
      const id = String(order.member);
      const row = byMember.get(id) ?? { total: 0, lastPaidAt: null };
      row.total += Number(order.amounts?.payable ?? 0);
      const paidAt = order.payment?.paidAt ? new Date(order.payment.paidAt) : null;
      if (paidAt && (!row.lastPaidAt || paidAt > row.lastPaidAt)) row.lastPaidAt = paidAt;
      byMember.set(id, row);
    }
    return byMember;
  }

  async function membersOf(rule: SegmentRule, now: Date): Promise<string[]> {
    const memberFilter: Record<string, unknown> = { status: 'active' };
    if (rule.tiers) memberFilter.tier = trustedOperators({ $in: rule.tiers });
    const members = await Member.find(memberFilter, { _id: 1 })
      .limit(MAX_SEGMENT_MEMBERS)
      .lean<{ _id: Types.ObjectId }[]>();
    let ids: IdSet | null = new Set(members.map((member) => member._id.toString()));

    const spendRule =
      rule.minTotalSpend !== undefined ||
      rule.maxTotalSpend !== undefined ||
      rule.orderedWithinDays !== undefined ||
      rule.noOrderForDays !== undefined;
    if (spendRule) {
      const spent = await spending();
      const orderedSince = rule.orderedWithinDays ? dayjs(now).subtract(rule.orderedWithinDays, 'day').toDate() : null;
      const quietSince = rule.noOrderForDays ? dayjs(now).subtract(rule.noOrderForDays, 'day').toDate() : null;
      ids = new Set(
        [...ids].filter((id) => {
          const row = spent.get(id) ?? { total: 0, lastPaidAt: null };
          if (rule.minTotalSpend !== undefined && row.total < rule.minTotalSpend) return false;
          if (rule.maxTotalSpend !== undefined && row.total > rule.maxTotalSpend) return false;
          if (orderedSince && (!row.lastPaidAt || row.lastPaidAt < orderedSince)) return false;
          if (quietSince && row.lastPaidAt && row.lastPaidAt >= quietSince) return false;
          return true;
        }),
      );
    }
    if (rule.firstTouch || rule.packageCardBatchId) {
      const touched = rule.packageCardBatchId
        ? await options.channels.membersFirstTouchedBy('package_card', rule.packageCardBatchId)
        : await options.channels.membersFirstTouchedBy(rule.firstTouch!);
      let set = new Set(touched.map(String));
      if (rule.firstTouch === 'organic' && !rule.packageCardBatchId) {
        // Members registered before channels existed have no record and count as organic.
        const recorded = new Set(
          (
            await db()
              .collection('member_sources')
              .find({}, { projection: { _id: 1 } })
              .toArray()
          ).map((doc) => doc._id.toString()),
        );
        set = new Set([...set, ...[...ids].filter((id) => !recorded.has(id))]);
      }
      ids = intersect(ids, set);
    }
    for (const tag of rule.tags ?? []) {
      const tagged = await MemberTag.find({ tag }, { member: 1 }).lean<Pick<MemberTagDoc, 'member'>[]>();
      ids = intersect(ids, new Set(tagged.map((doc) => doc.member.toString())));
    }
    if (rule.liveReserved) {
      const reserved = await db().collection('live_reservations').distinct('member', { state: 'reserved' });
      ids = intersect(ids, new Set(reserved.map(String)));
    }
    if (rule.groupBuysJoinedMin) {
      const rows = await db()
        .collection('group_buy_groups')
        .aggregate<{ _id: string; groups: number }>([
          { $unwind: '$memberIds' },
          { $group: { _id: '$memberIds', groups: { $sum: 1 } } },
        ])
        .toArray();
      const joined = rows.filter((row) => row.groups >= rule.groupBuysJoinedMin!).map((row) => String(row._id));
      ids = intersect(ids, new Set(joined));
    }
    return [...ids].sort();
  }

  async function segmentOf(segmentId: string): Promise<SegmentDoc> {
    const segment = await Segment.findOne({ _id: segmentId, deletedAt: null }).lean<SegmentDoc>();
    if (!segment) throw new AppError('not_found', 'segment_not_found', '人群不存在');
    return segment;
  }

  async function addTag(memberId: string, tag: string, source: string, adminId: string | null, now: Date) {
    await MemberTag.updateOne(
      { _id: `${memberId}:${tag}` },
      {
        $setOnInsert: {
          member: new Types.ObjectId(memberId),
          tag,
          source,
          createdBy: adminId && Types.ObjectId.isValid(adminId) ? adminId : null,
          createdAt: now,
        },
      },
      { upsert: true },
    ).catch((error) => {
      if (!isDuplicateKey(error)) throw error;
    });
  }

  const service = {
    membersOf: (rule: SegmentRule, now: Date = clock()) => membersOf(rule, now),

    // ---------- tags ----------

    async tagsOf(memberId: string): Promise<{ tag: string; source: string; createdAt: string }[]> {
      const tags = await MemberTag.find({ member: memberId }).lean<MemberTagDoc[]>();
      return tags
        .map((doc) => ({ tag: doc.tag, source: doc.source, createdAt: new Date(doc.createdAt).toISOString() }))
        .sort((a, b) => a.tag.localeCompare(b.tag));
    },

    async tagMember(adminId: string, memberId: string, tag: string, now: Date = clock()) {
      if (!(await Member.exists({ _id: memberId, status: 'active' }))) {
        throw new AppError('not_found', 'member_not_found', '会员不存在');
      }
      await addTag(memberId, tag, 'manual', adminId, now);
      return service.tagsOf(memberId);
    },

    async untagMember(memberId: string, tag: string) {
      await MemberTag.deleteOne({ _id: `${memberId}:${tag}` });
      return service.tagsOf(memberId);
    },

    // ---------- segments ----------

    async createSegment(adminId: string, input: { name: string; rule: SegmentRule }) {
      const created = await Segment.create({
        name: input.name,
        rule: input.rule,
        createdBy: Types.ObjectId.isValid(adminId) ? adminId : null,
      });
      return toSegmentView(created.toObject() as SegmentDoc);
    },

    async listSegments() {
      const segments = await Segment.find({ deletedAt: null }).sort({ createdAt: -1 }).limit(200).lean<SegmentDoc[]>();
      return segments.map(toSegmentView);
    },

    async deleteSegment(segmentId: string, now: Date = clock()) {
      await Segment.updateOne({ _id: segmentId, deletedAt: null }, { $set: { deletedAt: now } });
    },

    /** The segment's members now (count and the first 50). */
    async segmentMembers(segmentId: string, now: Date = clock()) {
      const segment = await segmentOf(segmentId);
      const ids = await membersOf(segment.rule, now);
      const first = await Member.find(
        { _id: trustedOperators({ $in: ids.slice(0, 50) }) },
        { memberNo: 1, nickname: 1, tier: 1 },
      ).lean<MemberDoc[]>();
      return {
        total: ids.length,
        items: first.map((member) => ({
          id: member._id.toString(),
          memberNo: member.memberNo,
          nickname: member.nickname,
          tier: member.tier,
        })),
      };
    },

    /** Tags everyone in the segment now (a rule tag, source `segment:<id>`); answers how many were tagged. */
    async tagSegment(adminId: string, segmentId: string, tag: string, now: Date = clock()) {
      const segment = await segmentOf(segmentId);
      const ids = await membersOf(segment.rule, now);
      for (const id of ids) await addTag(id, tag, `segment:${segmentId}`, adminId, now);
      return { tagged: ids.length };
    },

    /**
     * Issues a coupon to every member of the segment, once per member: the push is keyed by the
     * request's Idempotency-Key and each coupon by `segment:<segment>:<push>`, so repeating the request
     * (or resuming a push cut short) issues nothing twice. Members the coupon refuses (limit, sold out)
     * are counted with the reason.
     */
    async pushCoupon(adminId: string, segmentId: string, templateId: string, pushKey: string, now: Date = clock()) {
      const coupons = options.coupons();
      if (!coupons) throw new AppError('unavailable', 'coupons_unavailable', '优惠券服务暂不可用');
      const segment = await segmentOf(segmentId);
      const pushId = `${segmentId}:${pushKey}`;
      await SegmentPush.updateOne(
        { _id: pushId },
        {
          $setOnInsert: {
            segment: segment._id,
            templateId,
            createdBy: Types.ObjectId.isValid(adminId) ? adminId : null,
            createdAt: now,
          },
        },
        { upsert: true },
      ).catch((error) => {
        if (!isDuplicateKey(error)) throw error;
      });
      const push = (await SegmentPush.findById(pushId).lean<SegmentPushDoc>())!;
      if (push.templateId !== templateId) {
        throw new AppError('unprocessable', 'idempotency_key_reused', '同一个 Idempotency-Key 已用于推送其他优惠券');
      }
      if (push.finishedAt) return toPushView(push);
      const ids = await membersOf(segment.rule, new Date(push.createdAt));
      let issued = 0;
      const refusals: { memberId: string; code: string }[] = [];
      for (const memberId of ids) {
        try {
          await coupons.issue(memberId, templateId, { channel: 'push', key: `segment:${segmentId}:${pushKey}` });
          issued++;
        } catch (error) {
          if (!(error instanceof AppError) || error.type !== 'conflict') throw error;
          refusals.push({ memberId, code: error.code });
        }
      }
      const done = await SegmentPush.findOneAndUpdate(
        { _id: pushId, finishedAt: null },
        {
          $set: {
            members: ids.length,
            issued,
            refused: refusals.length,
            refusals: refusals.slice(0, 200),
            finishedAt: clock(),
          },
        },
        { new: true },
      ).lean<SegmentPushDoc>();
      return toPushView(done ?? (await SegmentPush.findById(pushId).lean<SegmentPushDoc>())!);
    },
  };
  return service;
}

export type SegmentsService = ReturnType<typeof createSegmentsService>;
