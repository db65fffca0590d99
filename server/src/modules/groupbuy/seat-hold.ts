/**
 * A seat in a group is an order hold (kind 'seat'; it applies when `order.context.groupId` is set).
 * Taking it is three single-document conditional steps, each keyed by the order id, in this order:
 *
 *   1. the member's quota for the campaign (`group_buy_quotas`): limitPerMember and "one running
 *      group per campaign", guarded by `orders: {$ne: orderId}`;
 *   2. one unit of the campaign's allotment: `stockLeft >= 1` and `stockHolders: {$ne: orderId}`;
 *   3. the seat: `seatCount < groupSize`, the order and the member not yet in the group, the group
 *      joinable (the leader's own seat while it awaits the leader; anyone else's while it is open and
 *      before its deadline).
 *
 * A failure at 2 or 3 gives back what 1–2 took before throwing. A crash between steps leaves the
 * order in `creating`; the orders recovery job calls `giveBack`, which undoes each step by the same
 * order id (a step that never happened matches nothing), so every counter moves back exactly once.
 * The seat of a group that succeeded is never given back: that sale happened. A seat's details stay
 * in `seats` as history; whether it is held is `orderIds` (FerretDB 1.x `$pull` matches whole values
 * only, so the ids are plain strings).
 */
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import type { OrderDoc } from '../orders/order.model';
import type { OrderHold } from '../orders/order-extensions';
import { Group, GroupBuyCampaign, GroupBuyQuota, type GroupDoc, type QuotaDoc } from './groupbuy.model';

export interface SeatHoldDeps {
  /** The member's public face in the group: nickname and avatar, nothing else. */
  profile(memberId: string): Promise<{ nickname: string; avatar: string }>;
}

/** What group-buy attaches to an order it places (`PlaceOrderOptions.context`). */
export function groupContextOf(order: OrderDoc): { groupId: string; campaignId: string } | undefined {
  const context = (order as OrderDoc & { context?: Record<string, string> | null }).context;
  return context?.groupId && context.campaignId
    ? { groupId: context.groupId, campaignId: context.campaignId }
    : undefined;
}

const RUNNING: GroupDoc['state'][] = ['awaiting_leader', 'open'];
const NO_LIMIT = 1_000_000;
/** `seats` keeps every seat ever taken (for history); a group that churned this much takes no more. */
const MAX_SEATS_EVER = 60;

export const groupErrors = {
  notFound: () => new AppError('not_found', 'group_not_found', '拼团不存在'),
  ownGroup: () => new AppError('conflict', 'groupbuy_own_group', '这是你自己开的团，邀请好友来参团吧'),
  alreadyJoined: () => new AppError('conflict', 'groupbuy_already_joined', '你已在这个团里了'),
  full: () => new AppError('conflict', 'groupbuy_full', '这个团已满员，去开一个新团吧'),
  expired: () => new AppError('conflict', 'groupbuy_expired', '这个团已结束，去开一个新团吧'),
  leaderUnpaid: () => new AppError('conflict', 'groupbuy_leader_unpaid', '团长还未支付，拼团尚未开始'),
  oneOpenGroup: () =>
    new AppError('conflict', 'groupbuy_one_open_group', '你在这个活动里已有进行中的拼团，结束后再参加新团'),
  limitReached: (limit: number) =>
    new AppError('conflict', 'groupbuy_limit_reached', `这个拼团活动每人限参与 ${limit} 次`),
  soldOut: () => new AppError('conflict', 'groupbuy_sold_out', '拼团名额已售罄'),
  newMembersOnly: () => new AppError('conflict', 'groupbuy_new_members_only', '这是新人专享团，仅限首次下单的会员参加'),
  notRunning: () => new AppError('conflict', 'groupbuy_not_running', '拼团活动未开始或已结束'),
};

/** Why this member cannot take a seat in `group` now; undefined when they can. */
export function seatRefusal(group: GroupDoc, memberId: string, now: Date): AppError | undefined {
  if (group.memberIds.includes(memberId))
    return memberId === group.leaderId ? groupErrors.ownGroup() : groupErrors.alreadyJoined();
  if (memberId === group.leaderId) return group.state === 'awaiting_leader' ? undefined : groupErrors.ownGroup();
  if (group.state === 'awaiting_leader') return groupErrors.leaderUnpaid();
  if (group.state !== 'open' || !group.deadline || group.deadline.getTime() <= now.getTime())
    return groupErrors.expired();
  if (group.seatCount >= group.groupSize) return groupErrors.full();
  return undefined;
}

async function takeQuota(
  campaignId: string,
  groupId: string,
  memberId: string,
  orderId: string,
  limit: number,
): Promise<void> {
  const _id = `${campaignId}:${memberId}`;
  const max = limit > 0 ? limit : NO_LIMIT;
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await GroupBuyQuota.findById(_id).lean<QuotaDoc>();
    if (current?.orders.includes(orderId)) return;
    if (!current) {
      try {
        await GroupBuyQuota.create({ _id, orders: [orderId], count: 1, activeOrder: orderId, activeGroup: groupId });
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        continue; // created by a racing order a moment ago: look again
      }
    }
    if (current.count >= max) throw groupErrors.limitReached(max);
    if (current.activeOrder && current.activeOrder !== orderId) {
      // Still in a running group of this campaign? Then no second one. Otherwise the mark is stale (every
      // way out of a running group releases it; this only covers a release a crash cut short). The group,
      // not the seat, decides: the other order may be between taking this quota and taking its seat.
      const running = await Group.exists({
        ...(current.activeGroup ? { _id: current.activeGroup } : { orderIds: current.activeOrder }),
        state: trustedOperators({ $in: RUNNING }),
      });
      if (running) throw groupErrors.oneOpenGroup();
    }
    const taken = await GroupBuyQuota.updateOne(
      {
        _id,
        orders: trustedOperators({ $ne: orderId }),
        count: trustedOperators({ $lt: max }),
        activeOrder: current.activeOrder ?? null,
      },
      { $push: { orders: orderId }, $inc: { count: 1 }, $set: { activeOrder: orderId, activeGroup: groupId } },
    );
    if (taken.modifiedCount === 1) return;
  }
  throw new AppError('conflict', 'groupbuy_busy', '参团的人太多了，请稍后再试');
}

async function giveQuota(campaignId: string, memberId: string, orderId: string): Promise<void> {
  const _id = `${campaignId}:${memberId}`;
  await GroupBuyQuota.updateOne({ _id, orders: orderId }, { $pull: { orders: orderId }, $inc: { count: -1 } });
  await releaseActive(campaignId, memberId, orderId);
}

/** The member's group is no longer running (it succeeded): they may take part in another one. */
export async function releaseActive(campaignId: string, memberId: string, orderId: string): Promise<void> {
  await GroupBuyQuota.updateOne(
    { _id: `${campaignId}:${memberId}`, activeOrder: orderId },
    { $set: { activeOrder: null, activeGroup: null } },
  );
}

async function takeCampaignStock(campaignId: string, orderId: string): Promise<void> {
  const taken = await GroupBuyCampaign.updateOne(
    {
      _id: campaignId,
      status: trustedOperators({ $ne: 'ended' }),
      stockLeft: trustedOperators({ $gte: 1 }),
      stockHolders: trustedOperators({ $ne: orderId }),
    },
    { $inc: { stockLeft: -1 }, $push: { stockHolders: orderId } },
  );
  if (taken.modifiedCount === 1) return;
  const campaign = await GroupBuyCampaign.findById(campaignId, { status: 1, stockHolders: 1 }).lean();
  if (campaign?.stockHolders.includes(orderId)) return;
  throw campaign?.status === 'ended' ? groupErrors.notRunning() : groupErrors.soldOut();
}

async function giveCampaignStock(campaignId: string, orderId: string): Promise<void> {
  await GroupBuyCampaign.updateOne(
    { _id: campaignId, stockHolders: orderId },
    { $pull: { stockHolders: orderId }, $inc: { stockLeft: 1 } },
  );
}

export function createSeatHold(deps: SeatHoldDeps): OrderHold {
  return {
    kind: 'seat',
    appliesTo: (order) => groupContextOf(order) !== undefined,

    async take(order) {
      const { groupId, campaignId } = groupContextOf(order)!;
      const orderId = order._id.toString();
      const memberId = order.member.toString();
      const now = new Date();
      const group = await Group.findById(groupId).lean<GroupDoc>();
      if (!group || group.campaignId !== campaignId) throw groupErrors.notFound();
      if (group.orderIds.includes(orderId)) return;
      const refusal = seatRefusal(group, memberId, now);
      if (refusal) throw refusal;
      const campaign = await GroupBuyCampaign.findById(campaignId, { limitPerMember: 1 }).lean();
      if (!campaign) throw groupErrors.notFound();

      await takeQuota(campaignId, groupId, memberId, orderId, campaign.limitPerMember);
      try {
        await takeCampaignStock(campaignId, orderId);
      } catch (error) {
        await giveQuota(campaignId, memberId, orderId);
        throw error;
      }

      const face = await deps.profile(memberId).catch(() => ({ nickname: '茶友', avatar: '' }));
      const leader = memberId === group.leaderId;
      const joinable = leader
        ? { state: 'awaiting_leader', seatCount: 0 }
        : {
            state: 'open',
            deadline: trustedOperators({ $gt: now }),
            seatCount: trustedOperators({ $lt: group.groupSize }),
          };
      const seated = await Group.updateOne(
        {
          _id: group._id,
          ...joinable,
          orderIds: trustedOperators({ $ne: orderId }),
          memberIds: trustedOperators({ $ne: memberId }),
          seatsEver: trustedOperators({ $lt: MAX_SEATS_EVER }),
        },
        {
          $push: {
            orderIds: orderId,
            memberIds: memberId,
            seats: {
              orderId,
              memberId,
              skuId: order.items[0]?.skuId ?? '',
              nickname: face.nickname,
              avatar: face.avatar,
              key: order.idempotencyKey,
              joinedAt: now,
            },
          },
          $inc: { seatCount: 1, seatsEver: 1 },
        },
      );
      if (seated.modifiedCount === 1) return;
      const current = await Group.findById(groupId).lean<GroupDoc>();
      if (current?.orderIds.includes(orderId)) return;
      await giveCampaignStock(campaignId, orderId);
      await giveQuota(campaignId, memberId, orderId);
      throw (current && seatRefusal(current, memberId, new Date())) ?? groupErrors.full();
    },

    async giveBack(order) {
      const context = groupContextOf(order);
      if (!context) return;
      const { groupId, campaignId } = context;
      const orderId = order._id.toString();
      const memberId = order.member.toString();
      // While the group runs, the seat is freed for someone else. A group that failed keeps its
      // members (they see why they were refunded); a group that succeeded keeps everything.
      const running = trustedOperators({ $in: RUNNING });
      await Group.updateOne(
        { _id: groupId, state: running, paidOrderIds: orderId },
        { $pull: { paidOrderIds: orderId }, $inc: { paidCount: -1 } },
      );
      await Group.updateOne(
        { _id: groupId, state: running, orderIds: orderId },
        { $pull: { orderIds: orderId, memberIds: memberId }, $inc: { seatCount: -1 } },
      );
      const after = await Group.findById(groupId, { state: 1, orderIds: 1 }).lean<GroupDoc>();
      if (after?.state === 'succeeded' && after.orderIds.includes(orderId)) return;
      await giveCampaignStock(campaignId, orderId);
      await giveQuota(campaignId, memberId, orderId);
      // The leader's order went away before it was paid: nobody can join this group any more.
      await Group.updateOne({ _id: groupId, state: 'awaiting_leader', seatCount: 0 }, { $set: { state: 'abandoned' } });
    },
  };
}
