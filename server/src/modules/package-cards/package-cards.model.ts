import { PACKAGE_CARD_CHANNELS, type PackageCardChannel } from '@siyu/shared';
import { model, Schema, type Types } from 'mongoose';

/** A print batch of package cards (包裹卡) and what redeeming one gives. */
const batchSchema = new Schema(
  {
    name: { type: String, required: true },
    channel: { type: String, enum: PACKAGE_CARD_CHANNELS, required: true },
    quantity: { type: Number, required: true, min: 1 },
    /** Codes written so far; generation resumes from here after a crash (codes are unique per (batch, seq)). */
    generated: { type: Number, default: 0 },
    status: { type: String, enum: ['generating', 'active', 'disabled'], default: 'generating' },
    benefit: {
      couponTemplateId: { type: String, default: null },
      points: { type: Number, default: 0, min: 0 },
      giftSkuId: { type: String, default: null },
      giftProductId: { type: String, default: null },
      giftTitle: { type: String, default: null },
      wecomText: { type: String, default: null },
    },
    validFrom: { type: Date, default: null },
    validUntil: { type: Date, default: null },
    /** Ask the redeemer for their marketplace buyer id and link it to the member (One-ID). */
    linkBuyerId: { type: Boolean, default: false },
    /** Redemptions whose benefits were granted (incremented once per redemption). */
    redeemedCount: { type: Number, default: 0 },
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'package_card_batches', versionKey: false, timestamps: true },
);
batchSchema.index({ createdAt: -1 });
batchSchema.index({ 'benefit.giftSkuId': 1 });

export interface PackageCardBatchDoc {
  _id: Types.ObjectId;
  name: string;
  channel: PackageCardChannel;
  quantity: number;
  generated: number;
  status: 'generating' | 'active' | 'disabled';
  benefit: {
    couponTemplateId: string | null;
    points: number;
    giftSkuId: string | null;
    giftProductId: string | null;
    giftTitle: string | null;
    wecomText: string | null;
  };
  validFrom: Date | null;
  validUntil: Date | null;
  linkBuyerId: boolean;
  redeemedCount: number;
  createdBy: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}
export const PackageCardBatch = model<PackageCardBatchDoc>('PackageCardBatch', batchSchema);

/**
 * One printed code. `_id` is the code itself, so uniqueness across every batch is the primary key;
 * `(batch, seq)` is unique too, which makes generating repeatable. `redeemedBy` moves from null to a
 * member exactly once (conditional update on this document).
 */
const codeSchema = new Schema(
  {
    _id: { type: String, required: true },
    batch: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    redeemedBy: { type: Schema.Types.ObjectId, default: null },
    redeemedAt: { type: Date, default: null },
  },
  { collection: 'package_card_codes', versionKey: false },
);
codeSchema.index({ batch: 1, seq: 1 }, { unique: true });

export interface PackageCardCodeDoc {
  _id: string;
  batch: Types.ObjectId;
  seq: number;
  redeemedBy: Types.ObjectId | null;
  redeemedAt: Date | null;
}
export const PackageCardCode = model<PackageCardCodeDoc>('PackageCardCode', codeSchema);

/**
 * One redemption per member per batch: `_id` = `<batch>:<member>` is the guarantee. Written first
 * (`claiming`), then the code is claimed, then the benefits are granted (each keyed by the code), then
 * it becomes `granted`. A `claiming` record whose code is not held by its member is a crash leftover
 * (or a lost race) and is taken over after CLAIM_STALE_MS.
 */
const redemptionSchema = new Schema(
  {
    _id: { type: String, required: true },
    batch: { type: Schema.Types.ObjectId, required: true },
    member: { type: Schema.Types.ObjectId, required: true },
    code: { type: String, required: true },
    state: { type: String, enum: ['claiming', 'granted'], default: 'claiming' },
    memberCouponId: { type: String, default: null },
    couponTitle: { type: String, default: null },
    points: { type: Number, default: 0 },
    buyerLink: { type: String, enum: ['none', 'linked', 'taken'], default: 'none' },
    createdAt: { type: Date, required: true },
    grantedAt: { type: Date, default: null },
  },
  { collection: 'package_card_redemptions', versionKey: false },
);
redemptionSchema.index({ member: 1, createdAt: -1 });
redemptionSchema.index({ batch: 1, state: 1 });

export interface PackageCardRedemptionDoc {
  _id: string;
  batch: Types.ObjectId;
  member: Types.ObjectId;
  code: string;
  state: 'claiming' | 'granted';
  memberCouponId: string | null;
  couponTitle: string | null;
  points: number;
  buyerLink: 'none' | 'linked' | 'taken';
  createdAt: Date;
  grantedAt: Date | null;
}
export const PackageCardRedemption = model<PackageCardRedemptionDoc>('PackageCardRedemption', redemptionSchema);

/**
 * Access to a gift SKU (the 1-fen repurchase gift) a card granted: one per member and SKU (`_id` =
 * `<member>:<skuId>`). An order containing a gift SKU must take the member's grant (`usedBy` null → the
 * order id, conditional); a cancelled or failed order gives it back.
 */
const giftGrantSchema = new Schema(
  {
    _id: { type: String, required: true },
    member: { type: Schema.Types.ObjectId, required: true },
    skuId: { type: String, required: true },
    productId: { type: String, required: true },
    title: { type: String, required: true },
    sourceCode: { type: String, required: true },
    grantedAt: { type: Date, required: true },
    usedBy: { type: String, default: null },
  },
  { collection: 'package_card_gift_grants', versionKey: false },
);
giftGrantSchema.index({ member: 1 });
giftGrantSchema.index({ skuId: 1 });

export interface GiftGrantDoc {
  _id: string;
  member: Types.ObjectId;
  skuId: string;
  productId: string;
  title: string;
  sourceCode: string;
  grantedAt: Date;
  usedBy: string | null;
}
export const GiftGrant = model<GiftGrantDoc>('GiftGrant', giftGrantSchema);
