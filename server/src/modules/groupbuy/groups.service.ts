/**
 * Opening and joining groups, the share landing and 我的拼团.
 *
 * Opening: (1) the group document is inserted in `awaiting_leader`, unique per (leader,
 * Idempotency-Key), so a repeated request finds the same group; (2) the leader's order is placed
 * through orders with the group price, the `groupbuy` ship gate and `{ groupId, campaignId }` as
 * context, and its seat hold seats the leader. If the order cannot be placed, the group is abandoned.
 * A crash between 1 and 2 leaves an empty `awaiting_leader` group that the settle job abandons.
 * Joining places the joiner's order the same way; the seat hold decides atomically who gets a seat.
 * The group becomes joinable (and its own deadline starts) when the leader's payment arrives.
 */
import {
  GROUP_FAIL_TEXT,
  GROUP_STATE_TEXT,
  type GroupOrderRequest,
  type GroupOrderResult,
  type GroupView,
  type GroupViewerAction,
  type MyGroup,
  type OrderView,
  type TierCode,
} from '@siyu/shared';
import { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import type { OrderDoc } from '../orders/order.model';
import type { PlaceOrderOptions } from '../orders/order-extensions';
import { cheapestSku, isRunning, loadCampaign } from './campaigns.service';
import { type CampaignDoc, Group, type GroupDoc } from './groupbuy.model';
import { groupErrors, seatRefusal } from './seat-hold';

export type Viewer = { id: string; tier: TierCode };

/** What group-buy needs from orders (orders imports nothing of group-buy). */
export interface GroupBuyOrders {
  create(
    viewer: Viewer,
    input: { items: { skuId: string; qty: number }[]; addressId: string; from?: string },
    idempotencyKey: string,
    options: PlaceOrderOptions,
  ): Promise<OrderView>;
  /** Lifts a ship gate; idempotent. */
  openGate(orderId: string, gate: string): Promise<unknown>;
  /** The stored order in any state, or null. */
  find(orderId: string): Promise<OrderDoc | null>;
  /** Whether the member has ever paid for an order (拉新团). */
  hasPaidOrder(memberId: string): Promise<boolean>;
}

const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);

export const GROUP_GATE = { name: 'groupbuy', text: '待成团' } as const;

/** Seats whose order still holds them (a seat given back may linger in `seats`; see the model). */
export function liveSeats(group: GroupDoc) {
  const live = new Set(group.orderIds);
  const seen = new Set<string>();
  return group.seats.filter((seat) => live.has(seat.orderId) && !seen.has(seat.orderId) && seen.add(seat.orderId));
}

export function leaderFace(group: GroupDoc) {
  const leader = group.seats.find((seat) => seat.memberId === group.leaderId);
  return { nickname: leader?.nickname ?? '团长', avatar: leader?.avatar ?? '' };
}

export function loadGroupOrThrow(groupId: string) {
  return (async () => {
    const group = Types.ObjectId.isValid(groupId) ? await Group.findById(groupId).lean<GroupDoc>() : null;
    if (!group) throw groupErrors.notFound();
    return group;
  })();
}

/** Where members come from (the channels module): a joiner reached through a group's share. */
export interface GroupTouches {
  recordTouch(memberId: string, touch: { type: 'groupbuy'; id: string; at: Date }): Promise<void>;
}

export function createGroupsService(deps: { orders: GroupBuyOrders; touches?: GroupTouches }) {
  function orderKey(groupId: Types.ObjectId | string, key: string) {
    return `group:${groupId.toString()}:${key}`;
  }

  function skuOf(campaign: CampaignDoc, skuId: string) {
    const sku = campaign.skus.find((candidate) => candidate.skuId === skuId);
    if (!sku) throw new AppError('bad_request', 'groupbuy_sku_invalid', '该规格不参加这个拼团');
    return sku;
  }

  async function placeOrder(
    viewer: Viewer,
    group: GroupDoc,
    campaign: CampaignDoc,
    input: GroupOrderRequest,
    key: string,
  ) {
    const sku = skuOf(campaign, input.skuId);
    return deps.orders.create(
      viewer,
      // Attributed to the group (`order.attribution`), so analytics can tell what group-buys sell.
      { items: [{ skuId: sku.skuId, qty: 1 }], addressId: input.addressId, from: `group:${group._id.toString()}` },
      orderKey(group._id, key),
      {
        priceOverrides: { [sku.skuId]: { unitPrice: sku.groupPrice, priceSource: 'group' } },
        gates: [{ ...GROUP_GATE }],
        context: { groupId: group._id.toString(), campaignId: campaign._id.toString() },
      },
    );
  }

  function view(group: GroupDoc, campaign: CampaignDoc, viewer: Viewer | undefined, now: Date): GroupView {
    const seats = liveSeats(group);
    const paid = new Set(group.paidOrderIds);
    const mine = viewer ? seats.find((seat) => seat.memberId === viewer.id) : undefined;
    const role = !mine ? 'visitor' : mine.memberId === group.leaderId ? 'leader' : 'member';
    const seatsLeft = Math.max(0, group.groupSize - group.seatCount);
    const joinable =
      group.state === 'open' && seatsLeft > 0 && !!group.deadline && group.deadline.getTime() > now.getTime();
    const actions: GroupViewerAction[] = [];
    if (mine) {
      if (!paid.has(mine.orderId) && (group.state === 'open' || group.state === 'awaiting_leader')) actions.push('pay');
      if (group.state === 'open' && seatsLeft > 0) actions.push('invite');
      actions.push('view_order');
    } else if (joinable && (!viewer || viewer.id !== group.leaderId)) {
      actions.push('join');
    } else if (isRunning(campaign, now)) {
      actions.push('open_new');
    }
    const sku = campaign.skus.find((candidate) => candidate.skuId === seats[0]?.skuId) ?? cheapestSku(campaign);
    const ordered = [...seats].sort(
      (a, b) => Number(b.memberId === group.leaderId) - Number(a.memberId === group.leaderId),
    );
    return {
      id: group._id.toString(),
      campaignId: group.campaignId,
      status: group.state,
      statusText: GROUP_STATE_TEXT[group.state],
      failReason: group.failReason ? (GROUP_FAIL_TEXT[group.failReason] ?? group.failReason) : null,
      product: { id: campaign.productId, title: campaign.title, image: campaign.image },
      groupPrice: sku.groupPrice,
      listPrice: sku.listPrice,
      skus: campaign.skus.map(({ skuId, specsText, listPrice, groupPrice }) => ({
        skuId,
        specsText,
        listPrice,
        groupPrice,
      })),
      groupSize: group.groupSize,
      seatsLeft,
      paidCount: group.paidCount,
      deadline: iso(group.deadline),
      members: ordered.map((seat) => ({
        nickname: seat.nickname,
        avatar: seat.avatar,
        leader: seat.memberId === group.leaderId,
        paid: paid.has(seat.orderId),
      })),
      newMembersOnly: campaign.newMembersOnly,
      viewer: { actions, orderId: mine?.orderId ?? null, role },
    };
  }

  async function assertNewMember(viewer: Viewer, campaign: CampaignDoc) {
    if (campaign.newMembersOnly && (await deps.orders.hasPaidOrder(viewer.id))) throw groupErrors.newMembersOnly();
  }

  return {
    view,

    async openGroup(
      viewer: Viewer,
      campaignId: string,
      input: GroupOrderRequest,
      key: string,
      now = new Date(),
    ): Promise<GroupOrderResult> {
      const campaign = await loadCampaign(campaignId);
      skuOf(campaign, input.skuId);
      let group = await Group.findOne({ leaderId: viewer.id, openKey: key }).lean<GroupDoc>();
      if (group && group.campaignId !== campaignId) {
        throw new AppError('unprocessable', 'idempotency_key_reused', '同一个 Idempotency-Key 已用于不同的拼团');
      }
      // A first try refused before any order existed (a limit, a missing address) may simply try again.
      const retry = group?.state === 'abandoned' && !group.leaderOrderId && group.seatCount === 0;
      if (!group || retry) {
        if (!isRunning(campaign, now)) throw groupErrors.notRunning();
        if (campaign.stockLeft < 1) throw groupErrors.soldOut();
        const running = await Group.exists({
          campaignId,
          memberIds: viewer.id,
          state: trustedOperators({ $in: ['awaiting_leader', 'open'] }),
        });
        if (running) throw groupErrors.oneOpenGroup();
      }
      if (group && retry) {
        await Group.updateOne(
          { _id: group._id, state: 'abandoned', leaderOrderId: null, seatCount: 0 },
          { $set: { state: 'awaiting_leader' } },
        );
        group = (await Group.findById(group._id).lean<GroupDoc>())!;
      }
      if (!group) {
        try {
          const created = await Group.create({
            campaignId,
            productId: campaign.productId,
            leaderId: viewer.id,
            openKey: key,
            groupSize: campaign.groupSize,
            groupMinutes: campaign.groupMinutes,
          });
          group = created.toObject() as GroupDoc;
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          group = (await Group.findOne({ leaderId: viewer.id, openKey: key }).lean<GroupDoc>())!;
        }
      }
      let order: OrderView;
      try {
        order = await placeOrder(viewer, group, campaign, input, key);
      } catch (error) {
        if (error instanceof AppError && error.type !== 'internal' && error.type !== 'unavailable') {
          await Group.updateOne(
            { _id: group._id, state: 'awaiting_leader', seatCount: 0 },
            { $set: { state: 'abandoned' } },
          );
        }
        throw error;
      }
      await Group.updateOne({ _id: group._id, leaderOrderId: null }, { $set: { leaderOrderId: order.id } });
      const current = (await Group.findById(group._id).lean<GroupDoc>())!;
      return { group: view(current, campaign, viewer, now), order };
    },

    async joinGroup(
      viewer: Viewer,
      groupId: string,
      input: GroupOrderRequest,
      key: string,
      now = new Date(),
    ): Promise<GroupOrderResult> {
      const group = await loadGroupOrThrow(groupId);
      const campaign = await loadCampaign(group.campaignId);
      skuOf(campaign, input.skuId);
      const replay = group.seats.some((seat) => seat.memberId === viewer.id && seat.key === orderKey(group._id, key));
      if (!replay) {
        const refusal = seatRefusal(group, viewer.id, now);
        if (refusal) throw refusal;
        if (campaign.stockLeft < 1) throw groupErrors.soldOut();
        await assertNewMember(viewer, campaign);
      }
      const order = await placeOrder(viewer, group, campaign, input, key);
      await deps.touches
        ?.recordTouch(viewer.id, { type: 'groupbuy', id: group._id.toString(), at: now })
        .catch(() => {});
      const current = (await Group.findById(group._id).lean<GroupDoc>())!;
      return { group: view(current, campaign, viewer, now), order };
    },

    async landing(viewer: Viewer | undefined, groupId: string, now = new Date()): Promise<GroupView> {
      const group = await loadGroupOrThrow(groupId);
      return view(group, await loadCampaign(group.campaignId), viewer, now);
    },

    async myGroups(memberId: string, page: { page: number; pageSize: number }) {
      const filter = { memberIds: memberId };
      const [groups, total] = await Promise.all([
        Group.find(filter)
          .sort({ createdAt: -1 })
          .skip((page.page - 1) * page.pageSize)
          .limit(page.pageSize)
          .lean<GroupDoc[]>(),
        Group.countDocuments(filter),
      ]);
      const campaigns = new Map<string, CampaignDoc>();
      for (const id of new Set(groups.map((group) => group.campaignId)))
        campaigns.set(id, await loadCampaign(id).catch(() => undefined as never));
      const items: MyGroup[] = [];
      for (const group of groups) {
        const campaign = campaigns.get(group.campaignId);
        const seat = liveSeats(group).find((candidate) => candidate.memberId === memberId);
        if (!campaign || !seat) continue;
        const sku = campaign.skus.find((candidate) => candidate.skuId === seat.skuId) ?? cheapestSku(campaign);
        items.push({
          id: group._id.toString(),
          campaignId: group.campaignId,
          status: group.state,
          statusText: GROUP_STATE_TEXT[group.state],
          role: memberId === group.leaderId ? 'leader' : 'member',
          title: campaign.title,
          image: campaign.image,
          groupPrice: sku.groupPrice,
          groupSize: group.groupSize,
          seatsLeft: Math.max(0, group.groupSize - group.seatCount),
          deadline: iso(group.deadline),
          orderId: seat.orderId,
          createdAt: iso(group.createdAt)!,
        });
      }
      return { items, total, page: page.page, pageSize: page.pageSize };
    },

    /** Open groups of a campaign with seats left, soonest deadline first (the campaign page). */
    async joinableGroups(campaign: CampaignDoc, now: Date): Promise<GroupDoc[]> {
      const groups = await Group.find({
        campaignId: campaign._id.toString(),
        state: 'open',
        deadline: trustedOperators({ $gt: now }),
        seatCount: trustedOperators({ $lt: campaign.groupSize }),
      })
        .sort({ deadline: 1 })
        .limit(10)
        .lean<GroupDoc[]>();
      return groups;
    },
  };
}

export type GroupsService = ReturnType<typeof createGroupsService>;
