/**
 * Membership, points and points tasks: tier settings, the points ledger as members see it, the task
 * catalog, check-ins, invites and review screenshots. Request and response shapes shared by the API and
 * the storefront, plus the few rules both sides show (benefit lines, the points expiry date).
 */
import { z } from 'zod';
import { FenSchema, formatFen } from './money';
import { DEFAULT_PRICING_RULES, type ShopPricingRules } from './pricing';
import { TIER_NAMES, type TierCode, TierCodeSchema } from './tiers';
import { dayjs, SHOP_TIMEZONE } from './time';

// ---------- Tiers ----------

/** What a tier gives besides its price rules' `code`: the `TierBenefits` fields plus birthday points. */
export const TierPerksSchema = z
  .object({
    /** 100 = no discount; 95 = 5% off items that have no explicit member price. */
    discountPercent: z.number().int().min(50).max(100),
    /** Free shipping from this items total (fen) up; 0 = always free; null = the shop's general threshold. */
    freeShippingThreshold: FenSchema.nullable(),
    /** Points per yuan in percent of the base rate: 100 = 1x, 150 = 1.5x. */
    pointsMultiplierPercent: z.number().int().min(0).max(1000),
    /** Points credited once a year on the member's birthday (Asia/Shanghai). */
    birthdayPoints: z.number().int().min(0).max(100_000),
  })
  .strict();
export type TierPerks = z.infer<typeof TierPerksSchema>;

export const AdminTierUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(16),
    /** Growth (last 12 months) needed to hold this tier; must increase with rank, 0 for `regular`. */
    growthThreshold: z.number().int().min(0).max(100_000_000),
    benefits: TierPerksSchema,
  })
  .strict();
export type AdminTierUpdate = z.infer<typeof AdminTierUpdateSchema>;

export const AdminTierSchema = AdminTierUpdateSchema.extend({
  code: TierCodeSchema,
  updatedAt: z.string().nullable(),
});
export type AdminTier = z.infer<typeof AdminTierSchema>;

/** The tiers a new shop starts with (seeded; also the fallback when a tier was never saved). */
export const DEFAULT_TIERS: Record<TierCode, AdminTierUpdate> = {
  regular: {
    name: TIER_NAMES.regular,
    growthThreshold: 0,
    benefits: { discountPercent: 100, freeShippingThreshold: null, pointsMultiplierPercent: 100, birthdayPoints: 50 },
  },
  silver: {
    name: TIER_NAMES.silver,
    growthThreshold: 500,
    benefits: { discountPercent: 98, freeShippingThreshold: 6900, pointsMultiplierPercent: 120, birthdayPoints: 100 },
  },
  gold: {
    name: TIER_NAMES.gold,
    growthThreshold: 2000,
    benefits: { discountPercent: 95, freeShippingThreshold: 0, pointsMultiplierPercent: 150, birthdayPoints: 200 },
  },
  black: {
    name: TIER_NAMES.black,
    growthThreshold: 8000,
    benefits: { discountPercent: 90, freeShippingThreshold: 0, pointsMultiplierPercent: 200, birthdayPoints: 500 },
  },
};

/** 95 → "95 折", 90 → "9 折". */
function discountText(percent: number): string {
  return percent % 10 === 0 ? String(percent / 10) : String(percent);
}

/** The benefits of a tier as lines a shopper reads: "全场 95 折", "满 ¥69 包邮", "积分 1.5 倍", "生日礼 200 积分". */
export function benefitLines(perks: TierPerks): string[] {
  const lines: string[] = [];
  if (perks.discountPercent < 100) lines.push(`全场 ${discountText(perks.discountPercent)} 折`);
  if (perks.freeShippingThreshold === 0) lines.push('全场包邮');
  else if (perks.freeShippingThreshold !== null)
    lines.push(`满 ${formatFen(perks.freeShippingThreshold, { compact: true })} 包邮`);
  if (perks.pointsMultiplierPercent !== 100) lines.push(`积分 ${perks.pointsMultiplierPercent / 100} 倍`);
  if (perks.birthdayPoints > 0) lines.push(`生日礼 ${perks.birthdayPoints} 积分`);
  return lines;
}

export const StoreMembershipSchema = z.object({
  tier: z.object({ code: TierCodeSchema, name: z.string() }),
  /** Growth earned in the last 12 months: what upgrades and the yearly review count. */
  growth: z.number().int(),
  /** All growth ever earned (minus refunds). */
  lifetimeGrowth: z.number().int(),
  tierSince: z.string().nullable(),
  /** When the tier is next reviewed (null for the base tier, which cannot go lower). */
  reviewAt: z.string().nullable(),
  next: z
    .object({
      code: TierCodeSchema,
      name: z.string(),
      growthThreshold: z.number().int(),
      growthNeeded: z.number().int(),
    })
    .nullable(),
  benefits: z.object({ now: z.array(z.string()), next: z.array(z.string()).nullable() }),
  privateProductsNote: z.string(),
});
export type StoreMembership = z.infer<typeof StoreMembershipSchema>;

// ---------- Shop pricing settings ----------

export const DEFAULT_GROWTH_PER_YUAN = 1;

export const PricingSettingsSchema = z
  .object({
    shippingFee: FenSchema,
    freeShippingThreshold: FenSchema,
    pointsPerYuan: z.number().int().min(0).max(100),
    pointsPerYuanRedeemed: z.number().int().min(1).max(100_000),
    maxPointsPercent: z.number().int().min(0).max(100),
    /** Growth credited per whole yuan paid on a completed order. */
    growthPerYuan: z.number().int().min(0).max(100),
  })
  .strict();
export type PricingSettings = z.infer<typeof PricingSettingsSchema>;

export const DEFAULT_PRICING_SETTINGS: PricingSettings = {
  ...DEFAULT_PRICING_RULES,
  growthPerYuan: DEFAULT_GROWTH_PER_YUAN,
} satisfies ShopPricingRules & { growthPerYuan: number };

// ---------- Points ----------

export const POINTS_KINDS = ['earn', 'spend', 'refund', 'reverse', 'expire', 'adjust', 'task', 'birthday'] as const;
export const PointsKindSchema = z.enum(POINTS_KINDS);
export type PointsKind = z.infer<typeof PointsKindSchema>;

export const POINTS_KIND_LABELS: Record<PointsKind, string> = {
  earn: '购物奖励',
  spend: '积分抵扣',
  refund: '积分退回',
  reverse: '退款扣回',
  expire: '积分过期',
  adjust: '人工调整',
  task: '任务奖励',
  birthday: '生日礼',
};

/**
 * Points credited now expire at the end of the next calendar year (Asia/Shanghai): points earned on
 * 2026-03-08 are valid until 2027-12-31 23:59:59.999 Shanghai time.
 */
export function pointsExpiryFor(instant: Date | number | string): Date {
  const year = dayjs(instant).tz(SHOP_TIMEZONE).year();
  return dayjs
    .tz(`${year + 2}-01-01 00:00:00`, SHOP_TIMEZONE)
    .subtract(1, 'millisecond')
    .toDate();
}

export const StorePointsEntrySchema = z.object({
  id: z.string(),
  delta: z.number().int(),
  balanceAfter: z.number().int(),
  kind: PointsKindSchema,
  kindLabel: z.string(),
  note: z.string(),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
});
export type StorePointsEntry = z.infer<typeof StorePointsEntrySchema>;

export const StorePointsPageQuerySchema = z
  .object({
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const StorePointsPageSchema = z.object({
  balance: z.number().int(),
  expiringSoon: z.object({ amount: z.number().int(), at: z.string() }).nullable(),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  items: z.array(StorePointsEntrySchema),
});
export type StorePointsPage = z.infer<typeof StorePointsPageSchema>;

export const AdminPointsAdjustRequestSchema = z
  .object({
    delta: z
      .number()
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .refine((delta) => delta !== 0, '调整数量不能为 0'),
    reason: z.string().trim().min(2, '请填写调整原因').max(200),
  })
  .strict();
export type AdminPointsAdjustRequest = z.infer<typeof AdminPointsAdjustRequestSchema>;

export const AdminPointsAdjustResponseSchema = z.object({
  entryId: z.string(),
  delta: z.number().int(),
  balanceAfter: z.number().int(),
  balance: z.number().int(),
  created: z.boolean(),
});

// ---------- Tasks ----------

export const TASK_CODES = [
  'daily-checkin',
  'complete-profile',
  'first-order',
  'invite-friend',
  'review-screenshot',
  'follow-official-account',
] as const;
export const TaskCodeSchema = z.enum(TASK_CODES);
export type TaskCode = z.infer<typeof TaskCodeSchema>;

export const TASK_FREQUENCIES = ['once', 'daily', 'per_event'] as const;
export type TaskFrequency = (typeof TASK_FREQUENCIES)[number];

/** What the member sees on a task card. */
export const TASK_STATUSES = [
  'claimable',
  'done',
  'pending_review',
  'incomplete',
  'in_progress',
  'available',
  'capped',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_ACTIONS = ['claim', 'enter_code', 'navigate', 'upload', 'share', 'none'] as const;

/** The review task rewards any honest review and never asks for a rating (好评返现 is unlawful). */
export const REVIEW_TASK_PROMISE = '无论好评差评，真实评价即可获得积分';

export const StoreTaskSchema = z.object({
  code: TaskCodeSchema,
  title: z.string(),
  description: z.string(),
  points: z.number().int(),
  frequency: z.enum(TASK_FREQUENCIES),
  status: z.enum(TASK_STATUSES),
  statusText: z.string(),
  action: z.object({ kind: z.enum(TASK_ACTIONS), label: z.string(), path: z.string().optional() }),
  progress: z
    .object({
      streak: z.number().int().optional(),
      checkedInToday: z.boolean().optional(),
      bonusEvery: z.number().int().optional(),
      bonusPoints: z.number().int().optional(),
      missing: z.array(z.string()).optional(),
      rewardedThisMonth: z.number().int().optional(),
      monthlyCap: z.number().int().nullable().optional(),
      pending: z.number().int().optional(),
      approved: z.number().int().optional(),
    })
    .optional(),
});
export type StoreTask = z.infer<typeof StoreTaskSchema>;

export const AdminTaskUpdateSchema = z
  .object({
    title: z.string().trim().min(1).max(32),
    description: z.string().trim().max(500),
    points: z.number().int().min(0).max(100_000),
    /** Most credits per member per calendar month (per_event tasks); null = no cap. */
    monthlyCap: z.number().int().min(1).max(10_000).nullable().optional(),
    enabled: z.boolean(),
    /** daily-checkin only: extra points on every 7th consecutive day. */
    streakBonusPoints: z.number().int().min(0).max(100_000).optional(),
  })
  .strict();
export type AdminTaskUpdate = z.infer<typeof AdminTaskUpdateSchema>;

export const AdminTaskSchema = z.object({
  code: TaskCodeSchema,
  title: z.string(),
  description: z.string(),
  points: z.number().int(),
  frequency: z.enum(TASK_FREQUENCIES),
  monthlyCap: z.number().int().nullable(),
  enabled: z.boolean(),
  streakBonusPoints: z.number().int().nullable(),
  /** follow-official-account only: whether a code is set (the code itself is never shown again). */
  codeSet: z.boolean().nullable(),
  updatedAt: z.string().nullable(),
});
export type AdminTask = z.infer<typeof AdminTaskSchema>;

export const AdminFollowCodeRequestSchema = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9]{4,16}$/, '口令为 4–16 位字母或数字'),
  })
  .strict();

export const TaskClaimRequestSchema = z.object({ code: z.string().trim().min(1).max(32).optional() }).strict();

export const TaskClaimResponseSchema = z.object({
  task: TaskCodeSchema,
  pointsAwarded: z.number().int(),
  balance: z.number().int(),
  streak: z.number().int().optional(),
  bonusPoints: z.number().int().optional(),
});
export type TaskClaimResponse = z.infer<typeof TaskClaimResponseSchema>;

export const StoreCheckinsQuerySchema = z
  .object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM') })
  .strict();

export const StoreCheckinsSchema = z.object({
  month: z.string(),
  days: z.array(z.string()),
  streak: z.number().int(),
  checkedInToday: z.boolean(),
  bonusEvery: z.number().int(),
  bonusPoints: z.number().int(),
});
export type StoreCheckins = z.infer<typeof StoreCheckinsSchema>;

export const StoreInviteSchema = z.object({
  code: z.string(),
  link: z.string(),
  invitedCount: z.number().int(),
  rewardedCount: z.number().int(),
  pointsPerInvite: z.number().int(),
  monthlyCap: z.number().int().nullable(),
});
export type StoreInvite = z.infer<typeof StoreInviteSchema>;

// ---------- Review screenshots ----------

export const REVIEW_PLATFORMS = ['tmall', 'jd', 'douyin', 'xiaohongshu', 'other'] as const;
export const ReviewPlatformSchema = z.enum(REVIEW_PLATFORMS);
export type ReviewPlatform = z.infer<typeof ReviewPlatformSchema>;
export const REVIEW_PLATFORM_NAMES: Record<ReviewPlatform, string> = {
  tmall: '天猫',
  jd: '京东',
  douyin: '抖音',
  xiaohongshu: '小红书',
  other: '其他平台',
};

export const REVIEW_STATUSES = ['pending', 'approved', 'rejected'] as const;
export const ReviewStatusSchema = z.enum(REVIEW_STATUSES);

export const ReviewSubmissionRequestSchema = z
  .object({
    platform: ReviewPlatformSchema,
    orderRef: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{4,64}$/, '订单号为 4–64 位字母、数字、- 或 _'),
    /** A URL answered by POST /api/uploads for this member. */
    imageUrl: z.string().trim().min(1).max(512),
  })
  .strict();
export type ReviewSubmissionRequest = z.infer<typeof ReviewSubmissionRequestSchema>;

export const StoreReviewSubmissionSchema = z.object({
  id: z.string(),
  platform: ReviewPlatformSchema,
  orderRef: z.string(),
  imageUrl: z.string(),
  status: ReviewStatusSchema,
  rejectReason: z.string().nullable(),
  pointsAwarded: z.number().int(),
  createdAt: z.string(),
  reviewedAt: z.string().nullable(),
});
export type StoreReviewSubmission = z.infer<typeof StoreReviewSubmissionSchema>;

export const AdminReviewSubmissionSchema = StoreReviewSubmissionSchema.extend({
  member: z.object({ id: z.string(), memberNo: z.string(), nickname: z.string() }),
  duplicateOf: z.string().nullable(),
});
export type AdminReviewSubmission = z.infer<typeof AdminReviewSubmissionSchema>;

export const AdminReviewRejectRequestSchema = z
  .object({ reason: z.string().trim().min(2, '请填写驳回原因').max(200) })
  .strict();

export const UploadResponseSchema = z.object({ url: z.string() });
