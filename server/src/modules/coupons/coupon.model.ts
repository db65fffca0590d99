/**
 * Coupons: templates (what a coupon does and how many exist), member coupons (one document per coupon
 * a member holds, with its state), redeem codes, and a small per-member record (first paid order, the
 * 新人礼 pop-up seen). Only the coupons module writes these collections.
 */
import {
  COUPON_CHANNELS,
  COUPON_KINDS,
  type CouponChannel,
  type CouponKind,
  type CouponScope,
  MEMBER_COUPON_STATUSES,
  type MemberCouponStatus,
  TIER_CODES,
  type TierCode,
} from '@siyu/shared';
import { model, Schema, type Types } from 'mongoose';

const scopeSchema = new Schema(
  {
    type: { type: String, enum: ['all', 'products', 'categories'], default: 'all' },
    productIds: { type: [String], default: [] },
    categoryIds: { type: [String], default: [] },
    excludeProductIds: { type: [String], default: [] },
  },
  { _id: false },
);

/** The rule fields, shared by a template and the copy each member coupon keeps of it. */
const ruleFields = {
  kind: { type: String, enum: COUPON_KINDS, required: true },
  amountOff: { type: Number, default: 0 },
  threshold: { type: Number, default: 0 },
  percentOff: { type: Number, default: 0 },
  maxOff: { type: Number, default: 0 },
  scope: { type: scopeSchema, default: () => ({ type: 'all' }) },
  minTier: { type: String, enum: [...TIER_CODES, null], default: null },
  newMembersOnly: { type: Boolean, default: false },
  stackWithMemberPrice: { type: Boolean, default: true },
};

export interface CouponRuleDoc {
  kind: CouponKind;
  amountOff: number;
  threshold: number;
  percentOff: number;
  maxOff: number;
  scope: CouponScope;
  minTier: TierCode | null;
  newMembersOnly: boolean;
  stackWithMemberPrice: boolean;
}

/**
 * A template. `remaining` counts coupons still to hand out; it moves only by a guarded `$inc`
 * (`remaining > 0`, with `issued` moving the other way), so the quantity is never exceeded. It is taken before the member coupon is written and given back
 * when that write does not happen (a replay, the member's limit), so a crash between the two can leave
 * it one too high (one coupon fewer to hand out), never too low.
 */
const couponTemplateSchema = new Schema(
  {
    name: { type: String, required: true },
    description: { type: String, default: '' },
    ...ruleFields,
    /** Fixed validity (startsAt..endsAt) when set; otherwise `validDays` from the moment of issue. */
    startsAt: { type: Date, default: null },
    endsAt: { type: Date, default: null },
    validDays: { type: Number, default: null },
    quantity: { type: Number, required: true },
    issued: { type: Number, default: 0 },
    remaining: { type: Number, required: true },
    perMemberLimit: { type: Number, default: 1 },
    channels: { type: [String], enum: COUPON_CHANNELS, default: [] },
    status: { type: String, enum: ['active', 'ended'], default: 'active' },
    sort: { type: Number, default: 0 },
    seedKey: { type: String, default: null },
  },
  { timestamps: true, collection: 'coupon_templates' },
);
couponTemplateSchema.index({ status: 1, channels: 1, sort: -1 });
couponTemplateSchema.index({ seedKey: 1 });

export interface CouponTemplateDoc extends CouponRuleDoc {
  _id: Types.ObjectId;
  name: string;
  description: string;
  startsAt: Date | null;
  endsAt: Date | null;
  validDays: number | null;
  quantity: number;
  issued: number;
  remaining: number;
  perMemberLimit: number;
  channels: CouponChannel[];
  status: 'active' | 'ended';
  sort: number;
  seedKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export const CouponTemplate = model('CouponTemplate', couponTemplateSchema);

/**
 * A coupon a member holds. Two unique keys make issuing exact without a counter per member:
 * - (template, member, slot): slot is 1..perMemberLimit, so a member can never hold more than the limit;
 * - (template, member, grantKey): one coupon per grant (`welcome:welcome`, `redeem:<code>`, `claim:<slot>`),
 *   so repeating a grant returns the first coupon.
 * State moves by conditional updates only: `available → locked` carries `lockedBy` (the order), and
 * everything that moves it on or back is guarded by that same order id.
 */
const memberCouponSchema = new Schema(
  {
    member: { type: Schema.Types.ObjectId, required: true },
    template: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    ...ruleFields,
    channel: { type: String, enum: COUPON_CHANNELS, required: true },
    /** A number 1..limit; `moved:<id>` for coupons that came with a merged member (outside the limit). */
    slot: { type: Schema.Types.Mixed, required: true },
    grantKey: { type: String, required: true },
    validFrom: { type: Date, required: true },
    validUntil: { type: Date, required: true },
    status: { type: String, enum: MEMBER_COUPON_STATUSES, default: 'available' },
    lockedBy: { type: String, default: null },
    lockedAt: { type: Date, default: null },
    usedBy: { type: String, default: null },
    usedAt: { type: Date, default: null },
    expiredAt: { type: Date, default: null },
    /** The member this coupon was issued to, when it came over in a merge. */
    movedFrom: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, collection: 'member_coupons' },
);
memberCouponSchema.index({ template: 1, member: 1, slot: 1 }, { unique: true });
memberCouponSchema.index({ template: 1, member: 1, grantKey: 1 }, { unique: true });
memberCouponSchema.index({ member: 1, status: 1, validUntil: 1 });
memberCouponSchema.index({ status: 1, validUntil: 1 });

export interface MemberCouponDoc extends CouponRuleDoc {
  _id: Types.ObjectId;
  member: Types.ObjectId;
  template: Types.ObjectId;
  name: string;
  channel: CouponChannel;
  slot: number | string;
  grantKey: string;
  validFrom: Date;
  validUntil: Date;
  status: MemberCouponStatus;
  lockedBy: string | null;
  lockedAt: Date | null;
  usedBy: string | null;
  usedAt: Date | null;
  expiredAt: Date | null;
  movedFrom: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}
export const MemberCoupon = model('MemberCoupon', memberCouponSchema);

/** A batch of redeem codes for one template. */
const redeemBatchSchema = new Schema(
  {
    template: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, default: '' },
    count: { type: Number, required: true },
    createdBy: { type: String, default: null },
    seedKey: { type: String, default: null },
  },
  { timestamps: true, collection: 'coupon_redeem_batches' },
);
redeemBatchSchema.index({ template: 1, createdAt: -1 });
redeemBatchSchema.index({ seedKey: 1 });
export interface RedeemBatchDoc {
  _id: Types.ObjectId;
  template: Types.ObjectId;
  name: string;
  count: number;
  createdBy: string | null;
  createdAt: Date;
}
export const RedeemBatch = model('RedeemBatch', redeemBatchSchema);

/**
 * One redeem code (`_id` is the code itself, so codes are unique across every batch). `redeemedBy` is
 * set by one conditional update (`redeemedBy: null`): of two members redeeming at once, one wins.
 */
const redeemCodeSchema = new Schema(
  {
    _id: { type: String, required: true },
    batch: { type: Schema.Types.ObjectId, required: true },
    template: { type: Schema.Types.ObjectId, required: true },
    redeemedBy: { type: Schema.Types.ObjectId, default: null },
    redeemedAt: { type: Date, default: null },
    coupon: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'coupon_redeem_codes', versionKey: false },
);
redeemCodeSchema.index({ batch: 1, _id: 1 });
export interface RedeemCodeDoc {
  _id: string;
  batch: Types.ObjectId;
  template: Types.ObjectId;
  redeemedBy: Types.ObjectId | null;
  redeemedAt: Date | null;
  coupon: Types.ObjectId | null;
}
export const RedeemCode = model('RedeemCode', redeemCodeSchema);

/** Per member (`_id` = member id): their first paid order (new-member offers end with it) and the pop-up. */
const couponMemberSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    firstPaidOrderId: { type: String, default: null },
    firstPaidAt: { type: Date, default: null },
    welcomeIssuedAt: { type: Date, default: null },
    welcomeSeenAt: { type: Date, default: null },
    /** The first paid order came within the first-order window after registration (3 days by default). */
    convertedInWindow: { type: Boolean, default: false },
  },
  { collection: 'coupon_members', versionKey: false },
);
couponMemberSchema.index({ welcomeIssuedAt: 1, convertedInWindow: 1 });
export interface CouponMemberDoc {
  _id: Types.ObjectId;
  firstPaidOrderId: string | null;
  firstPaidAt: Date | null;
  welcomeIssuedAt: Date | null;
  welcomeSeenAt: Date | null;
  convertedInWindow: boolean;
}
export const CouponMember = model('CouponMember', couponMemberSchema);

/** SKUs only a member without an earlier paid order may buy (`_id` = SKU id): the 9.9 trial. */
const newMemberSkuSchema = new Schema(
  { _id: { type: String, required: true }, productId: { type: String, required: true } },
  { collection: 'coupon_new_member_skus', versionKey: false, timestamps: true },
);
newMemberSkuSchema.index({ productId: 1 });
export const NewMemberSku = model('NewMemberSku', newMemberSkuSchema);
