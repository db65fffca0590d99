/** The operator's numbers: shapes shared by the API, the CSV export and the dashboard. */
import { z } from 'zod';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** A date range in Asia/Shanghai days, both ends included; `format=csv` answers the CSV twin. */
export const AnalyticsRangeQuerySchema = z
  .object({
    from: Day,
    to: Day,
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict()
  .refine((range) => range.from <= range.to, { message: 'from must not be after to', path: ['from'] });
export type AnalyticsRange = { from: string; to: string };

/** An exact fraction and its rendering with one decimal (`'12.5%'`; `'—'` when nothing to divide by). */
export const RateSchema = z.object({
  numerator: z.number().int(),
  denominator: z.number().int(),
  text: z.string(),
});
export type Rate = z.infer<typeof RateSchema>;

export function rate(numerator: number, denominator: number): Rate {
  if (denominator <= 0) return { numerator, denominator, text: '—' };
  // One decimal, rounded half up, computed in integers (per-mille) so no float drift shows.
  const perMille = Math.floor((numerator * 1000 * 2 + denominator) / (2 * denominator));
  return { numerator, denominator, text: `${Math.floor(perMille / 10)}.${perMille % 10}%` };
}

/** A ratio that is not a percentage (K-factor): one decimal. */
export function ratioText(numerator: number, denominator: number): string {
  if (denominator <= 0) return '—';
  const tenths = Math.floor((numerator * 10 * 2 + denominator) / (2 * denominator));
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

export const AnalyticsOverviewSchema = z.object({
  range: z.object({ from: z.string(), to: z.string() }),
  /** Paid minus refunded, fen. */
  gmv: z.number().int(),
  paidAmount: z.number().int(),
  refundedAmount: z.number().int(),
  orders: z.number().int(),
  payingMembers: z.number().int(),
  /** GMV ÷ orders, fen (rounded down). */
  averageOrderValue: z.number().int(),
  /** Members with ≥ 2 paid orders in the range ÷ members with ≥ 1. */
  repurchaseRate: RateSchema,
  newMembers: z.number().int(),
  /** New members of the range whose first paid order came within 3 days of registering. */
  firstOrderWithin3Days: RateSchema,
  pointsIssued: z.number().int(),
  pointsSpent: z.number().int(),
  pointsExpired: z.number().int(),
  /** What coupons took off paid orders, fen. */
  couponCost: z.number().int(),
});
export type AnalyticsOverview = z.infer<typeof AnalyticsOverviewSchema>;

export const AnalyticsDailySchema = z.object({
  days: z.array(
    z.object({ day: z.string(), gmv: z.number().int(), orders: z.number().int(), newMembers: z.number().int() }),
  ),
});

export const AnalyticsChannelRowSchema = z.object({
  kind: z.enum(['batch', 'channel']),
  /** Batch id, or the acquisition channel (`package_card`, `invite`, `live`, `groupbuy`, `organic`). */
  key: z.string(),
  name: z.string(),
  /** Package-card batches: codes printed and redeemed; null for other channels. */
  printed: z.number().int().nullable(),
  redeemed: z.number().int().nullable(),
  /** 引流率 = redeemed ÷ printed. */
  redemptionRate: RateSchema.nullable(),
  members: z.number().int(),
  firstOrdersWithin3Days: z.number().int(),
  repurchaseRate: RateSchema,
  gmv: z.number().int(),
});
export const AnalyticsChannelsSchema = z.object({ rows: z.array(AnalyticsChannelRowSchema) });

export const AnalyticsCohortsSchema = z.object({
  rows: z.array(
    z.object({
      /** Monday of the registration week. */
      week: z.string(),
      registered: z.number().int(),
      firstOrder: z.number().int(),
      secondOrder: z.number().int(),
      firstOrderRate: RateSchema,
      secondOrderRate: RateSchema,
    }),
  ),
});

export const AnalyticsLivesSchema = z.object({
  rows: z.array(
    z.object({
      liveId: z.string(),
      title: z.string(),
      startsAt: z.string(),
      reservations: z.number().int(),
      remindersSent: z.number().int(),
      clickThroughs: z.number().int(),
      orders: z.number().int(),
      payingMembers: z.number().int(),
      gmv: z.number().int(),
    }),
  ),
});

export const AnalyticsGroupBuysSchema = z.object({
  opened: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  successRate: RateSchema,
  /** Members whose first paid order was a group-buy joined through a 拉新团 campaign. */
  newMembersBrought: z.number().int(),
});

export const AnalyticsInvitationsSchema = z.object({
  inviters: z.number().int(),
  invites: z.number().int(),
  registrations: z.number().int(),
  firstOrders: z.number().int(),
  /** New members brought per inviting member, one decimal. */
  kFactor: z.string(),
});

export const AnalyticsTiersSchema = z.object({
  rows: z.array(
    z.object({
      tier: z.string(),
      members: z.number().int(),
      gmv: z.number().int(),
      gmvShare: RateSchema,
    }),
  ),
});
