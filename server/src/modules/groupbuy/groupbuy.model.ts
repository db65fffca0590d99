/**
 * Group-buy documents. Only this module writes them.
 *
 * Every counter moves in the same single-document conditional update that records who moved it, so a
 * retry or a second instance never moves it twice (FerretDB 1.x has no positional `$` and `$pull`
 * matches whole values only, so the "who" is kept as plain string arrays beside the counters):
 *
 *   campaign.stockLeft   ↔ campaign.stockHolders (order ids holding one unit of the allotment)
 *   group.seatCount      ↔ group.orderIds / group.memberIds (one seat per order, one per member;
 *                          `seats` keeps each seat's face as history, live only while in `orderIds`)
 *   group.paidCount      ↔ group.paidOrderIds
 *   quota.count          ↔ quota.orders (a member's seats in one campaign, for limitPerMember)
 */
import type { CampaignStatus, GroupState } from '@siyu/shared';
import { CAMPAIGN_STATUSES, GROUP_STATES } from '@siyu/shared';
import { model, Schema, type Types } from 'mongoose';

const campaignSchema = new Schema(
  {
    productId: { type: String, required: true },
    /** The product as it was when the campaign was created: the share landing shows it to anyone. */
    title: { type: String, required: true },
    image: { type: String, default: '' },
    skus: {
      type: [
        new Schema(
          { skuId: { type: String, required: true }, groupPrice: Number, listPrice: Number, specsText: String },
          { _id: false },
        ),
      ],
      required: true,
    },
    groupSize: { type: Number, required: true },
    groupMinutes: { type: Number, required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    stock: { type: Number, required: true },
    stockLeft: { type: Number, required: true },
    stockHolders: { type: [String], default: [] },
    /** 0 = no limit. */
    limitPerMember: { type: Number, default: 0 },
    newMembersOnly: { type: Boolean, default: false },
    status: { type: String, enum: CAMPAIGN_STATUSES, default: 'active' },
    createdBy: { type: String, default: null },
    endedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'group_buy_campaigns' },
);
campaignSchema.index({ status: 1, endsAt: 1 });
campaignSchema.index({ productId: 1 });

export interface CampaignDoc {
  _id: Types.ObjectId;
  productId: string;
  title: string;
  image: string;
  skus: { skuId: string; groupPrice: number; listPrice: number; specsText: string }[];
  groupSize: number;
  groupMinutes: number;
  startsAt: Date;
  endsAt: Date;
  stock: number;
  stockLeft: number;
  stockHolders: string[];
  limitPerMember: number;
  newMembersOnly: boolean;
  status: CampaignStatus;
  createdBy: string | null;
  endedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const GroupBuyCampaign = model('GroupBuyCampaign', campaignSchema);

const seatSchema = new Schema(
  {
    orderId: { type: String, required: true },
    memberId: { type: String, required: true },
    skuId: { type: String, required: true },
    nickname: { type: String, default: '' },
    avatar: { type: String, default: '' },
    /** The order's Idempotency-Key: a repeated join request is recognised as the same one. */
    key: { type: String, default: '' },
    joinedAt: { type: Date, required: true },
  },
  { _id: false },
);

const groupSchema = new Schema(
  {
    campaignId: { type: String, required: true },
    productId: { type: String, required: true },
    leaderId: { type: String, required: true },
    /** The leader's Idempotency-Key: the same request opens the same group. */
    openKey: { type: String, required: true },
    leaderOrderId: { type: String, default: null },
    groupSize: { type: Number, required: true },
    groupMinutes: { type: Number, required: true },
    state: { type: String, enum: GROUP_STATES, default: 'awaiting_leader' },
    seats: { type: [seatSchema], default: [] },
    orderIds: { type: [String], default: [] },
    memberIds: { type: [String], default: [] },
    seatCount: { type: Number, default: 0 },
    /** Seats ever taken (including given back ones): bounds the `seats` history. */
    seatsEver: { type: Number, default: 0 },
    paidOrderIds: { type: [String], default: [] },
    paidCount: { type: Number, default: 0 },
    /** Set when the leader pays: paidAt + groupMinutes. */
    openedAt: { type: Date, default: null },
    deadline: { type: Date, default: null },
    succeededAt: { type: Date, default: null },
    /** Every member order's ship gate was lifted (a job retries until it is). */
    gatesOpenedAt: { type: Date, default: null },
    failedAt: { type: Date, default: null },
    failReason: { type: String, default: null },
    /** Member orders a settle run asked WeChat Pay to refund (observability; the order's state is the guard). */
    refundsRequested: { type: [String], default: [] },
    /** Every order of a failed group is refunded or cancelled. */
    settledAt: { type: Date, default: null },
    /** Notices sent, by kind (`succeeded`, `failed`): each member is told once. */
    noticesSentAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'group_buy_groups' },
);
groupSchema.index({ leaderId: 1, openKey: 1 }, { unique: true });
groupSchema.index({ state: 1, deadline: 1 });
groupSchema.index({ campaignId: 1, state: 1 });
groupSchema.index({ memberIds: 1, createdAt: -1 });

export interface SeatDoc {
  orderId: string;
  memberId: string;
  skuId: string;
  nickname: string;
  avatar: string;
  key: string;
  joinedAt: Date;
}

export interface GroupDoc {
  _id: Types.ObjectId;
  campaignId: string;
  productId: string;
  leaderId: string;
  openKey: string;
  leaderOrderId: string | null;
  groupSize: number;
  groupMinutes: number;
  state: GroupState;
  seats: SeatDoc[];
  orderIds: string[];
  memberIds: string[];
  seatCount: number;
  seatsEver: number;
  paidOrderIds: string[];
  paidCount: number;
  openedAt: Date | null;
  deadline: Date | null;
  succeededAt: Date | null;
  gatesOpenedAt: Date | null;
  failedAt: Date | null;
  failReason: string | null;
  refundsRequested: string[];
  settledAt: Date | null;
  noticesSentAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const Group = model('GroupBuyGroup', groupSchema);

/**
 * One per (campaign, member): the member's seats in this campaign (limitPerMember) and the one order
 * of theirs that is in a group still running (a member holds at most one open group per campaign).
 */
const quotaSchema = new Schema(
  {
    _id: { type: String, required: true },
    orders: { type: [String], default: [] },
    count: { type: Number, default: 0 },
    activeOrder: { type: String, default: null },
    activeGroup: { type: String, default: null },
  },
  { collection: 'group_buy_quotas', versionKey: false },
);

export interface QuotaDoc {
  _id: string;
  orders: string[];
  count: number;
  activeOrder: string | null;
  activeGroup: string | null;
}

export const GroupBuyQuota = model('GroupBuyQuota', quotaSchema);
