/**
 * Analytics keeps its own small facts, maintained by order and member event subscribers, and daily
 * rollups computed from them, so a figure for a year reads a few hundred day documents and the
 * members and orders of the range, never the order collection itself.
 */
import { model, Schema } from 'mongoose';

/** One per paid order (`_id` = order id): what the measures need of it, written with absolute values. */
const orderFactSchema = new Schema(
  {
    _id: { type: String, required: true },
    member: { type: String, required: true },
    tier: { type: String, default: 'regular' },
    paidAt: { type: Date, required: true },
    /** Shanghai day `YYYY-MM-DD` of payment. */
    paidDay: { type: String, required: true },
    paidAmount: { type: Number, required: true },
    refundedAmount: { type: Number, default: 0 },
    refundedDay: { type: String, default: null },
    couponDiscount: { type: Number, default: 0 },
    attribution: { type: new Schema({ type: String, id: String }, { _id: false }), default: null },
    groupId: { type: String, default: null },
    campaignId: { type: String, default: null },
  },
  { collection: 'analytics_order_facts', versionKey: false },
);
orderFactSchema.index({ paidDay: 1 });
orderFactSchema.index({ refundedDay: 1 });
orderFactSchema.index({ member: 1, paidAt: 1 });
orderFactSchema.index({ 'attribution.type': 1, 'attribution.id': 1 });
export const OrderFact = model('AnalyticsOrderFact', orderFactSchema);

export interface OrderFactDoc {
  _id: string;
  member: string;
  tier: string;
  paidAt: Date;
  paidDay: string;
  paidAmount: number;
  refundedAmount: number;
  refundedDay: string | null;
  couponDiscount: number;
  attribution: { type: string; id: string } | null;
  groupId: string | null;
  campaignId: string | null;
}

/** One per member (`_id` = member id): registration, inviter, first and second paid orders. */
const memberFactSchema = new Schema(
  {
    _id: { type: String, required: true },
    registeredAt: { type: Date, required: true },
    registeredDay: { type: String, required: true },
    /** Monday of the registration week (Shanghai), `YYYY-MM-DD`. */
    registeredWeek: { type: String, required: true },
    invitedBy: { type: String, default: null },
    firstOrder: { type: String, default: null },
    firstPaidAt: { type: Date, default: null },
    firstOrderCampaign: { type: String, default: null },
    secondOrder: { type: String, default: null },
    secondPaidAt: { type: Date, default: null },
  },
  { collection: 'analytics_member_facts', versionKey: false },
);
memberFactSchema.index({ registeredDay: 1 });
memberFactSchema.index({ invitedBy: 1 });
export const MemberFact = model('AnalyticsMemberFact', memberFactSchema);

export interface MemberFactDoc {
  _id: string;
  registeredAt: Date;
  registeredDay: string;
  registeredWeek: string;
  invitedBy: string | null;
  firstOrder: string | null;
  firstPaidAt: Date | null;
  firstOrderCampaign: string | null;
  secondOrder: string | null;
  secondPaidAt: Date | null;
}

/** One per Shanghai day: recomputed from the facts of that day (idempotent: same facts, same rollup). */
const dayRollupSchema = new Schema(
  {
    _id: { type: String, required: true },
    paidAmount: { type: Number, default: 0 },
    paidOrders: { type: Number, default: 0 },
    refundedAmount: { type: Number, default: 0 },
    couponCost: { type: Number, default: 0 },
    newMembers: { type: Number, default: 0 },
    pointsIssued: { type: Number, default: 0 },
    pointsSpent: { type: Number, default: 0 },
    pointsExpired: { type: Number, default: 0 },
    computedAt: { type: Date, required: true },
  },
  { collection: 'analytics_days', versionKey: false },
);
export const DayRollup = model('AnalyticsDay', dayRollupSchema);

export interface DayRollupDoc {
  _id: string;
  paidAmount: number;
  paidOrders: number;
  refundedAmount: number;
  couponCost: number;
  newMembers: number;
  pointsIssued: number;
  pointsSpent: number;
  pointsExpired: number;
  computedAt: Date;
}
