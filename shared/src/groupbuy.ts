/**
 * Group-buy (拼团) as the storefront sees it: running campaigns, a group's share landing, my groups.
 * A group has its own deadline, which starts when the leader pays; it succeeds when `groupSize`
 * members have paid and fails (every paid member refunded automatically) at its deadline otherwise.
 * No seat is ever filled by anyone but a real paying member.
 */
import { z } from 'zod';
import { FenSchema } from './money';
import { OrderViewSchema } from './orders';

export const GROUP_STATES = ['awaiting_leader', 'open', 'succeeded', 'failed', 'abandoned'] as const;
export const GroupStateSchema = z.enum(GROUP_STATES);
export type GroupState = z.infer<typeof GroupStateSchema>;

export const GROUP_STATE_TEXT: Record<GroupState, string> = {
  awaiting_leader: '待团长支付',
  open: '拼团中',
  succeeded: '拼团成功',
  failed: '拼团失败',
  abandoned: '已取消',
};

/** Why a group failed, in a shopper's words. */
export const GROUP_FAIL_TEXT: Record<string, string> = {
  timeout: '到时未凑满人数，已自动全额退款',
  campaign_ended: '活动已结束，已自动全额退款',
};

export const GROUP_VIEWER_ACTIONS = ['join', 'pay', 'invite', 'view_order', 'login', 'open_new'] as const;
export type GroupViewerAction = (typeof GROUP_VIEWER_ACTIONS)[number];

export const CAMPAIGN_STATUSES = ['active', 'paused', 'ended'] as const;
export const CampaignStatusSchema = z.enum(CAMPAIGN_STATUSES);
export type CampaignStatus = z.infer<typeof CampaignStatusSchema>;

const ObjectIdText = z.string().regex(/^[a-f0-9]{24}$/, 'not an id');

export const GroupBuySkuViewSchema = z.object({
  skuId: z.string(),
  specsText: z.string(),
  listPrice: FenSchema,
  groupPrice: FenSchema,
});
export type GroupBuySkuView = z.infer<typeof GroupBuySkuViewSchema>;

export const GroupBuyCardSchema = z.object({
  id: z.string(),
  productId: z.string(),
  title: z.string(),
  image: z.string(),
  groupSize: z.number().int(),
  groupMinutes: z.number().int(),
  /** The lowest group price of the campaign's SKUs and the list price of that SKU. */
  groupPrice: FenSchema,
  listPrice: FenSchema,
  startsAt: z.string(),
  endsAt: z.string(),
  /** Units of the campaign's allotment not yet held by a seat. */
  stockLeft: z.number().int(),
  newMembersOnly: z.boolean(),
});
export type GroupBuyCard = z.infer<typeof GroupBuyCardSchema>;

export const GroupMemberViewSchema = z.object({
  nickname: z.string(),
  avatar: z.string(),
  leader: z.boolean(),
  paid: z.boolean(),
});

export const JoinableGroupSchema = z.object({
  id: z.string(),
  leader: z.object({ nickname: z.string(), avatar: z.string() }),
  seatsLeft: z.number().int(),
  deadline: z.string(),
});

export const GroupBuyDetailSchema = GroupBuyCardSchema.extend({
  status: CampaignStatusSchema,
  running: z.boolean(),
  limitPerMember: z.number().int(),
  skus: z.array(GroupBuySkuViewSchema),
  /** Open groups that still have seats, soonest deadline first. */
  groups: z.array(JoinableGroupSchema),
});
export type GroupBuyDetail = z.infer<typeof GroupBuyDetailSchema>;

export const GroupViewSchema = z.object({
  id: z.string(),
  campaignId: z.string(),
  status: GroupStateSchema,
  statusText: z.string(),
  /** Why it failed, for the members who were refunded. */
  failReason: z.string().nullable(),
  product: z.object({ id: z.string(), title: z.string(), image: z.string() }),
  groupPrice: FenSchema,
  listPrice: FenSchema,
  skus: z.array(GroupBuySkuViewSchema),
  groupSize: z.number().int(),
  seatsLeft: z.number().int(),
  paidCount: z.number().int(),
  /** null until the leader has paid. */
  deadline: z.string().nullable(),
  /** Avatars and nicknames only: nothing else of theirs. Leader first. */
  members: z.array(GroupMemberViewSchema),
  newMembersOnly: z.boolean(),
  viewer: z.object({
    actions: z.array(z.enum(GROUP_VIEWER_ACTIONS)),
    /** The viewer's own order in this group, when they have one. */
    orderId: z.string().nullable(),
    role: z.enum(['leader', 'member', 'visitor']),
  }),
});
export type GroupView = z.infer<typeof GroupViewSchema>;

export const GroupOrderRequestSchema = z.object({ skuId: ObjectIdText, addressId: ObjectIdText }).strict();
export type GroupOrderRequest = z.infer<typeof GroupOrderRequestSchema>;

/** Opening or joining answers the group and the member's order (`pending_payment`): pay it next. */
export const GroupOrderResultSchema = z.object({ group: GroupViewSchema, order: OrderViewSchema });
export type GroupOrderResult = z.infer<typeof GroupOrderResultSchema>;

export const MyGroupSchema = z.object({
  id: z.string(),
  campaignId: z.string(),
  status: GroupStateSchema,
  statusText: z.string(),
  role: z.enum(['leader', 'member']),
  title: z.string(),
  image: z.string(),
  groupPrice: FenSchema,
  groupSize: z.number().int(),
  seatsLeft: z.number().int(),
  deadline: z.string().nullable(),
  orderId: z.string(),
  createdAt: z.string(),
});
export type MyGroup = z.infer<typeof MyGroupSchema>;

/** The share path a group's invite carries: the group and who invited (outcomes may be rewarded, never the share). */
export function groupSharePath(groupId: string, inviterId?: string): string {
  return `/packages/groupbuy/group/index?id=${groupId}${inviterId ? `&inviter=${inviterId}` : ''}`;
}
