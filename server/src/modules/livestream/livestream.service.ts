/**
 * Channels (视频号) lives in the mini-program: the operator's schedule and lineup, members' reservations
 * (reported from `reserveChannelsLive`), reminders (subscribe messages through the notices module) and
 * the sales a live brought (orders whose `attribution` names it; see on-order.ts).
 *
 * Every write is one conditional, keyed single-document step:
 * - a reservation is one document per (live, member): state 6 upserts it to `reserved`, state 7 moves
 *   `reserved → cancelled`; repeating either changes nothing;
 * - the reward is a points ledger entry keyed `(member, task, live_reservation:<live>)`, so it is credited
 *   once per member per live however often they reserve, cancel and reserve again, or retry. A crash
 *   between the reservation and the credit is repaired by the next state-6 report (the credit is keyed);
 * - clicks are keyed by (live, viewer, Shanghai day); attributed orders by the order id.
 */
import {
  CHANNELS_RESERVE_STATES,
  formatShopTime,
  LIVE_PRODUCT_ROLE_LABELS,
  LIVE_STATUS_TEXT,
  type LiveStatus,
  liveSource,
  type StoreLive,
  type StoreLiveDetail,
  type StoreLiveLineupItem,
  type StoreMyReservation,
  type StoreNoticeGrant,
  type StoreReservationResult,
  type SubscribeResult,
  shopDay,
  type TierCode,
} from '@siyu/shared';
import { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import { AppError, badRequest, conflict, isDuplicateKey, notFound } from '../../http/errors';
import type { Logger } from '../../http/logger';
import type { CatalogService } from '../catalog/catalog.service';
import type { NoticesService } from '../notices/notices.service';
import type { PointsService } from '../points/points.service';
import {
  LiveClick,
  LiveOrder,
  type LiveOrderDoc,
  LiveReservation,
  type LiveReservationDoc,
  LiveReservationOutcome,
  Livestream,
  type LivestreamDoc,
} from './livestream.model';
import type { AdminLive, AdminLiveCreate, AdminLivePatch, AdminLiveStats } from './livestream.schemas';

/** The subscribe-message template key of the live reminder (SUBSCRIBE_TEMPLATES `live_reminder=<id>`). */
export const LIVE_REMINDER_TEMPLATE = 'live_reminder';
/** A live without an end time counts as over this long after its start. */
export const DEFAULT_LIVE_HOURS = 4;
const REWARD_SOURCE_TYPE = 'live_reservation';

export interface Viewer {
  id: string;
  tier: TierCode;
}

export interface LivestreamDeps {
  catalog: CatalogService;
  points: PointsService;
  notices: NoticesService;
  /** Minutes before the start that reminders go out (LIVE_REMINDER_MINUTES). */
  reminderMinutes: number;
  /** Last-touch attribution window in hours (LIVE_ATTRIBUTION_HOURS). */
  attributionHours: number;
  /** The channels module's touch log (acquisition), when it is wired. */
  touches?: { recordTouch(memberId: string, touch: { type: 'live'; id: string; at: Date }): Promise<void> };
  log?: Logger;
}

function objectId(id: string): Types.ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(id) ? new Types.ObjectId(id) : null;
}

const liveNotFound = () => notFound('live_not_found', '直播不存在或已下线');

/** What shoppers see: the operator's `ended` is final; otherwise the clock moves it to live, then ended. */
export function liveStatus(live: Pick<LivestreamDoc, 'status' | 'startsAt' | 'endsAt'>, now: Date): LiveStatus {
  if (live.status === 'ended' || now >= live.endsAt) return 'ended';
  if (live.status === 'live' || now >= live.startsAt) return 'live';
  return 'scheduled';
}

export const reminderTopic = (liveId: string) => `live:${liveId}`;

export function createLivestreamService(deps: LivestreamDeps) {
  const { catalog, points, notices } = deps;

  async function requireLive(liveId: string): Promise<LivestreamDoc> {
    const id = objectId(liveId);
    const live = id ? await Livestream.findOne({ _id: id, deletedAt: null }).lean<LivestreamDoc>() : null;
    if (!live) throw liveNotFound();
    return live;
  }

  async function checkLineup(products: AdminLiveCreate['products']): Promise<void> {
    for (const { productId } of products) {
      try {
        await catalog.adminGetProduct(productId);
      } catch (error) {
        if (error instanceof AppError && error.type === 'not_found') {
          throw badRequest('live_product_unknown', `直播商品不存在：${productId}`, { productId });
        }
        throw error;
      }
    }
  }

  async function adminView(live: LivestreamDoc, now = new Date()): Promise<AdminLive> {
    const titles = await Promise.all(
      live.products.map((item) =>
        catalog.adminGetProduct(item.productId.toString()).then(
          (product) => product.title,
          () => '（商品已删除）',
        ),
      ),
    );
    return {
      id: live._id.toString(),
      title: live.title,
      cover: live.cover ?? '',
      description: live.description ?? '',
      finderUserName: live.finderUserName,
      noticeId: live.noticeId ?? null,
      startsAt: live.startsAt.toISOString(),
      endsAt: live.endsAt.toISOString(),
      status: live.status,
      effectiveStatus: liveStatus(live, now),
      products: live.products.map((item, index) => ({
        productId: item.productId.toString(),
        role: item.role,
        title: titles[index] ?? '',
      })),
      reservationRewardPoints: live.reservationRewardPoints ?? 0,
      createdAt: new Date(live.createdAt ?? live.startsAt).toISOString(),
      updatedAt: new Date(live.updatedAt ?? live.createdAt ?? live.startsAt).toISOString(),
    };
  }

  async function storeView(
    live: LivestreamDoc,
    viewer: Viewer | undefined,
    now: Date,
    mine?: { reservation: LiveReservationDoc | null; reminder: StoreNoticeGrant | null },
  ): Promise<StoreLive> {
    const status = liveStatus(live, now);
    const own =
      mine ??
      (viewer
        ? {
            reservation: await LiveReservation.findOne({
              live: live._id,
              member: new Types.ObjectId(viewer.id),
            }).lean<LiveReservationDoc>(),
            reminder: await notices.grantOf(viewer.id, LIVE_REMINDER_TEMPLATE, reminderTopic(live._id.toString())),
          }
        : { reservation: null, reminder: null });
    return {
      id: live._id.toString(),
      title: live.title,
      cover: live.cover ?? '',
      description: live.description ?? '',
      finderUserName: live.finderUserName,
      noticeId: live.noticeId ?? null,
      startsAt: live.startsAt.toISOString(),
      endsAt: live.endsAt.toISOString(),
      status,
      statusText: LIVE_STATUS_TEXT[status],
      productCount: live.products.length,
      reservationRewardPoints: live.reservationRewardPoints ?? 0,
      reserved: viewer ? own.reservation?.state === 'reserved' : null,
      reminder: own.reminder,
    };
  }

  /** The lineup priced for this viewer, through the catalog (private-only products hidden, teasers locked). */
  async function lineupFor(live: LivestreamDoc, viewer: Viewer | undefined): Promise<StoreLiveLineupItem[]> {
    const items = await Promise.all(
      live.products.map(async (item) => {
        try {
          const product = await catalog.getProduct(viewer, item.productId.toString());
          return { role: item.role, roleLabel: LIVE_PRODUCT_ROLE_LABELS[item.role], product };
        } catch (error) {
          if (error instanceof AppError && error.type === 'not_found') return null; // hidden from this viewer
          throw error;
        }
      }),
    );
    return items.filter((item): item is NonNullable<typeof item> => item !== null) as StoreLiveLineupItem[];
  }

  function recordTouch(memberId: string, liveId: string, at: Date): void {
    if (!deps.touches) return;
    deps.touches
      .recordTouch(memberId, { type: 'live', id: liveId, at })
      .catch((error) => deps.log?.warn({ err: error, liveId }, 'live touch not recorded'));
  }

  const service = {
    // ---------- admin ----------

    async create(input: AdminLiveCreate, now = new Date()): Promise<AdminLive> {
      await checkLineup(input.products);
      const endsAt = input.endsAt ?? new Date(input.startsAt.getTime() + DEFAULT_LIVE_HOURS * 3_600_000);
      if (endsAt <= input.startsAt) throw badRequest('live_ends_before_start', '结束时间须晚于开播时间');
      const live = await Livestream.create({
        title: input.title,
        cover: input.cover ?? '',
        description: input.description ?? '',
        finderUserName: input.finderUserName,
        noticeId: input.noticeId ?? null,
        startsAt: input.startsAt,
        endsAt,
        status: input.status ?? 'scheduled',
        products: input.products.map((item) => ({ productId: new Types.ObjectId(item.productId), role: item.role })),
        reservationRewardPoints: input.reservationRewardPoints ?? 0,
      });
      return adminView(live.toObject() as LivestreamDoc, now);
    },

    async update(liveId: string, patch: AdminLivePatch, now = new Date()): Promise<AdminLive> {
      const live = await requireLive(liveId);
      if (patch.products) await checkLineup(patch.products);
      const set: Record<string, unknown> = {};
      for (const key of ['title', 'cover', 'description', 'finderUserName', 'status'] as const) {
        if (patch[key] !== undefined) set[key] = patch[key];
      }
      if (patch.noticeId !== undefined) set.noticeId = patch.noticeId;
      if (patch.reservationRewardPoints !== undefined) set.reservationRewardPoints = patch.reservationRewardPoints;
      if (patch.products) {
        set.products = patch.products.map((item) => ({
          productId: new Types.ObjectId(item.productId),
          role: item.role,
        }));
      }
      const startsAt = patch.startsAt ?? live.startsAt;
      if (patch.startsAt || patch.endsAt) {
        // Moving the start moves a default end with it.
        const endsAt =
          patch.endsAt ??
          (patch.startsAt && live.endsAt.getTime() - live.startsAt.getTime() === DEFAULT_LIVE_HOURS * 3_600_000
            ? new Date(startsAt.getTime() + DEFAULT_LIVE_HOURS * 3_600_000)
            : live.endsAt);
        if (endsAt <= startsAt) throw badRequest('live_ends_before_start', '结束时间须晚于开播时间');
        set.startsAt = startsAt;
        set.endsAt = endsAt;
      }
      const updated = await Livestream.findOneAndUpdate(
        { _id: live._id, deletedAt: null },
        { $set: set },
        { new: true, lean: true },
      );
      if (!updated) throw liveNotFound();
      return adminView(updated as LivestreamDoc, now);
    },

    async remove(liveId: string, now = new Date()): Promise<void> {
      const live = await requireLive(liveId);
      await Livestream.updateOne({ _id: live._id, deletedAt: null }, { $set: { deletedAt: now } });
    },

    async adminList(query: { status?: LiveStatus | undefined; page: number; pageSize: number }, now = new Date()) {
      const filter: Record<string, unknown> = { deletedAt: null };
      if (query.status) filter.status = query.status;
      const [lives, total] = await Promise.all([
        Livestream.find(filter)
          .sort({ startsAt: -1, _id: -1 })
          .skip((query.page - 1) * query.pageSize)
          .limit(query.pageSize)
          .lean<LivestreamDoc[]>(),
        Livestream.countDocuments(filter),
      ]);
      return {
        items: await Promise.all(lives.map((live) => adminView(live, now))),
        total,
        page: query.page,
        pageSize: query.pageSize,
      };
    },

    async adminGet(liveId: string, now = new Date()) {
      const live = await requireLive(liveId);
      return { ...(await adminView(live, now)), stats: await service.stats(liveId) };
    },

    /** Per-live numbers: reservations, reminders, click-throughs and the attributed sales. */
    async stats(liveId: string): Promise<AdminLiveStats> {
      const live = await requireLive(liveId);
      const [reservations, reminders, clickThroughs, paidOrders, refundedOrders] = await Promise.all([
        LiveReservation.countDocuments({ live: live._id, state: 'reserved' }),
        notices.countsFor(LIVE_REMINDER_TEMPLATE, reminderTopic(liveId)),
        LiveClick.countDocuments({ live: live._id }),
        // Summed here rather than with $group/$sum: FerretDB 1.x answered 0 for `$sum: '$payable'`.
        LiveOrder.find({ live: live._id, refundedAt: null }, { member: 1, payable: 1 }).lean<LiveOrderDoc[]>(),
        LiveOrder.countDocuments({ live: live._id, refundedAt: trustedOperators({ $ne: null }) }),
      ]);
      return {
        reservations,
        remindersRequested: reminders.pending + reminders.sending + reminders.sent + reminders.failed,
        remindersSent: reminders.sent,
        remindersFailed: reminders.failed,
        clickThroughs,
        orders: paidOrders.length,
        payingMembers: new Set(paidOrders.map((order) => order.member.toString())).size,
        gmv: paidOrders.reduce((sum, order) => sum + order.payable, 0),
        refundedOrders,
      };
    },

    // ---------- store ----------

    /** Upcoming and live ones, soonest first. */
    async list(viewer: Viewer | undefined, now = new Date()): Promise<StoreLive[]> {
      const lives = await Livestream.find({
        deletedAt: null,
        status: trustedOperators({ $ne: 'ended' }),
        endsAt: trustedOperators({ $gt: now }),
      })
        .sort({ startsAt: 1, _id: 1 })
        .limit(50)
        .lean<LivestreamDoc[]>();
      if (!viewer) return Promise.all(lives.map((live) => storeView(live, undefined, now)));
      const reservations = await LiveReservation.find({
        member: new Types.ObjectId(viewer.id),
        live: trustedOperators({ $in: lives.map((live) => live._id) }),
      }).lean<LiveReservationDoc[]>();
      const byLive = new Map(reservations.map((r) => [r.live.toString(), r]));
      return Promise.all(
        lives.map(async (live) =>
          storeView(live, viewer, now, {
            reservation: byLive.get(live._id.toString()) ?? null,
            reminder: await notices.grantOf(viewer.id, LIVE_REMINDER_TEMPLATE, reminderTopic(live._id.toString())),
          }),
        ),
      );
    },

    async detail(viewer: Viewer | undefined, liveId: string, now = new Date()): Promise<StoreLiveDetail> {
      const live = await requireLive(liveId);
      const [view, lineup] = await Promise.all([storeView(live, viewer, now), lineupFor(live, viewer)]);
      return {
        ...view,
        lineup,
        attributionHours: deps.attributionHours,
        reminderMinutes: deps.reminderMinutes,
      };
    },

    /**
     * Records what `reserveChannelsLive` reported: 6 reserves, 7 cancels, anything else is kept as a
     * dismissal and changes nothing. Idempotent per member; the reward (when the operator set one) is
     * credited once per member per live, ever.
     */
    async report(memberId: string, liveId: string, state: number, now = new Date()): Promise<StoreReservationResult> {
      const live = await requireLive(liveId);
      const member = new Types.ObjectId(memberId);
      const outcome =
        state === CHANNELS_RESERVE_STATES.reserved
          ? 'reserved'
          : state === CHANNELS_RESERVE_STATES.cancelled
            ? 'cancelled'
            : 'dismissed';
      await LiveReservationOutcome.create({ live: live._id, member, state, outcome, at: now });
      const key = { live: live._id, member };

      if (outcome === 'dismissed') {
        const existing = await LiveReservation.findOne(key, { state: 1 }).lean<LiveReservationDoc>();
        return { outcome, reserved: existing?.state === 'reserved', pointsCredited: 0 };
      }
      if (outcome === 'cancelled') {
        await LiveReservation.updateOne(
          { ...key, state: 'reserved' },
          { $set: { state: 'cancelled', cancelledAt: now } },
        );
        return { outcome, reserved: false, pointsCredited: 0 };
      }

      if (liveStatus(live, now) === 'ended') throw conflict('live_ended', '直播已结束，无法预约');
      try {
        await LiveReservation.updateOne(
          key,
          { $set: { state: 'reserved', reservedAt: now, cancelledAt: null } },
          { upsert: true },
        );
      } catch (error) {
        // Two first reports raced on the unique (live, member) key: the other one reserved it.
        if (!isDuplicateKey(error)) throw error;
        await LiveReservation.updateOne(key, { $set: { state: 'reserved', cancelledAt: null } });
      }
      recordTouch(memberId, liveId, now);
      let pointsCredited = 0;
      if (live.reservationRewardPoints > 0) {
        const credit = await points.apply(
          {
            memberId,
            delta: live.reservationRewardPoints,
            kind: 'task',
            source: { type: REWARD_SOURCE_TYPE, id: liveId },
            note: `预约直播：${live.title}`.slice(0, 60),
          },
          now,
        );
        if (credit.created) {
          pointsCredited = credit.entry.delta;
          await LiveReservation.updateOne(key, { $set: { rewardPoints: credit.entry.delta } });
        }
      }
      return { outcome, reserved: true, pointsCredited };
    },

    /** Lives I reserved (and did not cancel), soonest first; ended ones last. */
    async myReservations(memberId: string, now = new Date()): Promise<StoreMyReservation[]> {
      const member = new Types.ObjectId(memberId);
      const reservations = await LiveReservation.find({ member, state: 'reserved' })
        .sort({ reservedAt: -1 })
        .limit(100)
        .lean<LiveReservationDoc[]>();
      const lives = await Livestream.find({
        _id: trustedOperators({ $in: reservations.map((r) => r.live) }),
        deletedAt: null,
      }).lean<LivestreamDoc[]>();
      const byId = new Map(lives.map((live) => [live._id.toString(), live]));
      const views = await Promise.all(
        reservations
          .filter((r) => byId.has(r.live.toString()))
          .map(async (r) => {
            const live = byId.get(r.live.toString())!;
            const reminder = await notices.grantOf(memberId, LIVE_REMINDER_TEMPLATE, reminderTopic(r.live.toString()));
            return {
              live: await storeView(live, { id: memberId, tier: 'regular' }, now, { reservation: r, reminder }),
              reservedAt: r.reservedAt.toISOString(),
            };
          }),
      );
      const rank = (view: StoreMyReservation) => (view.live.status === 'ended' ? 1 : 0);
      return views.sort((a, b) => rank(a) - rank(b) || a.live.startsAt.localeCompare(b.live.startsAt));
    },

    /** After `requestSubscribeMessage` for the live reminder: `accept` stores one send. */
    async remind(memberId: string, liveId: string, result: SubscribeResult, now = new Date()) {
      const live = await requireLive(liveId);
      if (liveStatus(live, now) === 'ended') throw conflict('live_ended', '直播已结束');
      const reminder = await notices.grant(memberId, LIVE_REMINDER_TEMPLATE, reminderTopic(liveId), result, now);
      return { reminder };
    },

    /** A tap from the lineup through to a product; counted once per viewer per live per Shanghai day. */
    async click(
      viewer: Viewer | undefined,
      liveId: string,
      input: { productId?: string | undefined; visitorId?: string | undefined },
      now = new Date(),
    ): Promise<void> {
      const live = await requireLive(liveId);
      const who = viewer ? `m:${viewer.id}` : input.visitorId ? `v:${input.visitorId}` : null;
      if (!who) return;
      const day = shopDay(now);
      try {
        await LiveClick.create({
          _id: `${liveId}:${who}:${day}`,
          live: live._id,
          viewer: who,
          day,
          productId: input.productId ? new Types.ObjectId(input.productId) : null,
          at: now,
        });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error; // already counted today
      }
      if (viewer) recordTouch(viewer.id, liveId, now);
    },

    // ---------- jobs and orders ----------

    /**
     * Sends the reminders of lives starting within `reminderMinutes` (and not over), each grant once.
     * Runs every minute; a grant stored after the first run is sent by the next one.
     */
    async sendDueReminders(now = new Date()): Promise<{ sent: number; failed: number }> {
      const lives = await Livestream.find({
        deletedAt: null,
        status: trustedOperators({ $ne: 'ended' }),
        startsAt: trustedOperators({ $lte: new Date(now.getTime() + deps.reminderMinutes * 60_000) }),
        endsAt: trustedOperators({ $gt: now }),
      })
        .limit(100)
        .lean<LivestreamDoc[]>();
      const total = { sent: 0, failed: 0 };
      for (const live of lives) {
        const liveId = live._id.toString();
        const counts = await notices.sendToTopic(
          LIVE_REMINDER_TEMPLATE,
          reminderTopic(liveId),
          {
            page: `packages/live/detail/index?id=${liveId}`,
            data: {
              thing1: live.title,
              time2: formatShopTime(live.startsAt),
              thing3: liveStatus(live, now) === 'live' ? '直播已开始，点击观看' : '直播即将开始，点击进入',
            },
          },
          now,
        );
        total.sent += counts.sent;
        total.failed += counts.failed;
      }
      return total;
    },

    /** An order paid with `attribution: { type: 'live', id }`: counted for that live, once (keyed by the order). */
    async recordPaidOrder(order: {
      id: string;
      memberId: string;
      liveId: string;
      payable: number;
      paidAt: Date;
    }): Promise<void> {
      const live = objectId(order.liveId);
      if (!live || !(await Livestream.exists({ _id: live }))) return; // an id we never issued
      await LiveOrder.updateOne(
        { _id: new Types.ObjectId(order.id) },
        {
          $setOnInsert: {
            live,
            member: new Types.ObjectId(order.memberId),
            payable: order.payable,
            paidAt: order.paidAt,
            refundedAt: null,
          },
        },
        { upsert: true },
      ).catch((error) => {
        if (!isDuplicateKey(error)) throw error;
      });
    },

    async recordRefundedOrder(orderId: string, at: Date): Promise<void> {
      await LiveOrder.updateOne({ _id: new Types.ObjectId(orderId), refundedAt: null }, { $set: { refundedAt: at } });
    },

    /** The source string for a live's product links and the order request: `live:<id>`. */
    source: liveSource,
  };
  return service;
}

export type LivestreamService = ReturnType<typeof createLivestreamService>;
