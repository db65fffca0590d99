/**
 * Group-buy (拼团), composed from its seams: campaigns (operator setup and the storefront list),
 * groups (open, join, landing, 我的拼团), outcomes (open on the leader's payment, success, failure and
 * refunds), the seat hold and the order subscriber. Orders knows none of this; `app.ts` registers the
 * hold and the subscriber.
 */

import type { SubscribeResult } from '@siyu/shared';
import { AppError } from '../../http/errors';
import { type CampaignCatalog, createCampaignsService, loadCampaign } from './campaigns.service';
import { createGroupOutcomes, type GroupBuyPayments } from './group-outcomes';
import { GROUPBUY_NOTICE_KEY, groupNotices, groupTopic, type NoticesPort } from './groupbuy.notices';
import {
  createGroupsService,
  type GroupBuyOrders,
  type GroupTouches,
  leaderFace,
  loadGroupOrThrow,
} from './groups.service';
import { groupBuySubscriber } from './on-order';
import { createSeatHold, type SeatHoldDeps } from './seat-hold';

export interface GroupBuyDeps {
  catalog: CampaignCatalog;
  orders: GroupBuyOrders;
  payments: GroupBuyPayments;
  members: SeatHoldDeps;
  touches?: GroupTouches;
  /** The notices module (subscribe messages); without it no notice is sent. */
  notices?: NoticesPort;
}

export function createGroupBuyService(deps: GroupBuyDeps) {
  const groups = createGroupsService({ orders: deps.orders, ...(deps.touches ? { touches: deps.touches } : {}) });
  const outcomes = createGroupOutcomes({
    orders: deps.orders,
    payments: deps.payments,
    ...(deps.notices ? { notices: groupNotices(deps.notices) } : {}),
    titleOf: async (campaignId) => (await loadCampaign(campaignId)).title,
  });
  const campaigns = createCampaignsService({
    catalog: deps.catalog,
    failRunningGroups: outcomes.failRunningGroups,
    joinableGroups: groups.joinableGroups,
    groupFace: leaderFace,
  });
  return {
    ...campaigns,
    ...groups,
    outcomes,
    seatHold: createSeatHold(deps.members),

    /** Stores what requestSubscribeMessage answered for this group's outcome notice (members of the group only). */
    async subscribeOutcome(memberId: string, groupId: string, result: SubscribeResult) {
      const group = await loadGroupOrThrow(groupId);
      if (!group.memberIds.includes(memberId)) throw new AppError('forbidden', 'groupbuy_not_member', '你不在这个团里');
      if (!deps.notices) throw new AppError('unavailable', 'notice_template_missing', '该消息提醒暂未开通');
      await deps.notices.grant(memberId, GROUPBUY_NOTICE_KEY, groupTopic(groupId), result);
      return { accepted: result === 'accept' };
    },
    subscriber: groupBuySubscriber(outcomes),
  };
}

export type GroupBuyService = ReturnType<typeof createGroupBuyService>;
