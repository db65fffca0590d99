import { TIER_CODES } from '@siyu/shared';
import { model, Schema } from 'mongoose';
import { type LedgerEntryDoc, ledgerEntrySchema } from '../../db/sequenced-ledger';

/** One document per tier (the codes are fixed); thresholds increase with rank. */
const tierSettingSchema = new Schema(
  {
    _id: { type: String, enum: TIER_CODES, required: true },
    name: { type: String, required: true },
    growthThreshold: { type: Number, required: true, min: 0 },
    discountPercent: { type: Number, required: true },
    freeShippingThreshold: { type: Number, default: null },
    pointsMultiplierPercent: { type: Number, required: true },
    birthdayPoints: { type: Number, default: 0 },
    updatedAt: { type: Date, default: null },
  },
  { collection: 'tier_settings', versionKey: false },
);
export interface TierSettingDoc {
  _id: (typeof TIER_CODES)[number];
  name: string;
  growthThreshold: number;
  discountPercent: number;
  freeShippingThreshold: number | null;
  pointsMultiplierPercent: number;
  birthdayPoints: number;
  updatedAt: Date | null;
}
export const TierSetting = model<TierSettingDoc>('TierSetting', tierSettingSchema);

/** Shop-wide settings documents by key (`pricing`), validated by their zod schema when read. */
const shopSettingSchema = new Schema(
  {
    _id: { type: String, required: true },
    value: { type: Schema.Types.Mixed, required: true },
    updatedAt: { type: Date, default: null },
  },
  { collection: 'shop_settings', versionKey: false, minimize: false },
);
export interface ShopSettingDoc {
  _id: string;
  value: unknown;
  updatedAt: Date | null;
}
export const ShopSetting = model<ShopSettingDoc>('ShopSetting', shopSettingSchema);

/**
 * The growth ledger: exactly-once like points (same sequenced ledger), `growth`/`growthSeq` on the
 * member. Kinds: `earn` (a completed order), `reverse` (its refund).
 */
export const GROWTH_KINDS = ['earn', 'reverse'] as const;
const growthEntrySchema = ledgerEntrySchema(GROWTH_KINDS, 'growth_ledger');
growthEntrySchema.index({ member: 1, createdAt: -1 });
export const GrowthEntry = model<LedgerEntryDoc>('GrowthEntry', growthEntrySchema);
