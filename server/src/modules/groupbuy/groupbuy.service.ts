/**
 * Group-buy (拼团), composed from its seams: campaigns (operator setup and the storefront list),
 * groups (open, join, landing, 我的拼团), outcomes (open on the leader's payment, success, failure and
 * refunds), the seat hold and the order subscriber. Orders knows none of this; `app.ts` registers the
 * hold and the subscriber.
 */
import { type CampaignCatalog, createCampaignsService, loadCampaign } from './campaigns.service';
import { createGroupOutcomes, type GroupBuyPayments, type GroupNotices } from './group-outcomes';
import { createGroupsService, type GroupBuyOrders, leaderFace } from './groups.service';
import { groupBuySubscriber } from './on-order';
import { createSeatHold, type SeatHoldDeps } from './seat-hold';

export interface GroupBuyDeps {
  catalog: CampaignCatalog;
  orders: GroupBuyOrders;
  payments: GroupBuyPayments;
  members: SeatHoldDeps;
  notices?: GroupNotices;
}

export function createGroupBuyService(deps: GroupBuyDeps) {
  const groups = createGroupsService({ orders: deps.orders });
  const outcomes = createGroupOutcomes({
    orders: deps.orders,
    payments: deps.payments,
    ...(deps.notices ? { notices: deps.notices } : {}),
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
    subscriber: groupBuySubscriber(outcomes),
  };
}

export type GroupBuyService = ReturnType<typeof createGroupBuyService>;
