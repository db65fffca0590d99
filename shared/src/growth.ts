/**
 * Growth: package cards (包裹卡), acquisition channels and invitations, as the storefront and the API
 * both see them. The package-card code rules live here so the storefront can refuse a mistyped code
 * before it is sent, and the server refuses it before it looks anything up.
 */
import { z } from 'zod';

// ---------- Package-card codes ----------

/** 32 characters a person can read off a printed card: no 0/O and no 1/I. */
export const PACKAGE_CARD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** Random characters per code (11 × 5 bits = 55 bits), followed by one check character. */
export const PACKAGE_CARD_BODY_LENGTH = 11;
export const PACKAGE_CARD_CODE_LENGTH = PACKAGE_CARD_BODY_LENGTH + 1;
/** The storefront page a card's mini-program code opens; its scene is `pc=<code>`. */
export const PACKAGE_CARD_PAGE = 'packages/growth/redeem/index';
export const PACKAGE_CARD_SCENE_PREFIX = 'pc=';

const alphabetIndex = (char: string) => PACKAGE_CARD_ALPHABET.indexOf(char);

/**
 * Luhn mod 32 over the alphabet: catches every single mistyped character and every swap of two
 * neighbours, the two mistakes people make copying a code off a card.
 */
export function packageCardCheckChar(body: string): string {
  const n = PACKAGE_CARD_ALPHABET.length;
  let factor = 2;
  let sum = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    const index = alphabetIndex(body[i]!);
    if (index < 0) throw new RangeError(`not a package-card character: ${body[i]}`);
    let addend = factor * index;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / n) + (addend % n);
    sum += addend;
  }
  return PACKAGE_CARD_ALPHABET[(n - (sum % n)) % n]!;
}

/** A typed or scanned code as stored: upper case, without spaces or dashes (`ABCD-EFGH-JKLM` → `ABCDEFGHJKLM`). */
export function normalizePackageCardCode(input: string): string {
  let text = input.trim();
  if (text.startsWith(PACKAGE_CARD_SCENE_PREFIX)) text = text.slice(PACKAGE_CARD_SCENE_PREFIX.length);
  return text.toUpperCase().replace(/[\s-]/g, '');
}

export type PackageCardCodeProblem = 'length' | 'character' | 'check';

/** What is wrong with a normalized code, without looking anything up; null when it is well formed. */
export function packageCardCodeProblem(code: string): PackageCardCodeProblem | null {
  if (code.length !== PACKAGE_CARD_CODE_LENGTH) return 'length';
  for (const char of code) if (alphabetIndex(char) < 0) return 'character';
  const body = code.slice(0, PACKAGE_CARD_BODY_LENGTH);
  return packageCardCheckChar(body) === code[PACKAGE_CARD_BODY_LENGTH] ? null : 'check';
}

/** `ABCDEFGHJKLM` → `ABCD-EFGH-JKLM`, as printed. */
export function formatPackageCardCode(code: string): string {
  return code.replace(/(.{4})(?=.)/g, '$1-');
}

// ---------- Channels ----------

export const PACKAGE_CARD_CHANNELS = ['tmall', 'jd', 'douyin', 'pdd', 'offline', 'other'] as const;
export const PackageCardChannelSchema = z.enum(PACKAGE_CARD_CHANNELS);
export type PackageCardChannel = z.infer<typeof PackageCardChannelSchema>;
export const PACKAGE_CARD_CHANNEL_NAMES: Record<PackageCardChannel, string> = {
  tmall: '天猫',
  jd: '京东',
  douyin: '抖音',
  pdd: '拼多多',
  offline: '线下',
  other: '其他',
};

/** Where a member came from (first touch) and every later touch. */
export const TOUCH_TYPES = ['package_card', 'invite', 'live', 'groupbuy', 'organic'] as const;
export const TouchTypeSchema = z.enum(TOUCH_TYPES);
export type TouchType = z.infer<typeof TouchTypeSchema>;
export const TOUCH_TYPE_NAMES: Record<TouchType, string> = {
  package_card: '包裹卡',
  invite: '好友邀请',
  live: '直播',
  groupbuy: '拼团分享',
  organic: '自然进入',
};

// ---------- Package-card redemption (store) ----------

export const PackageCardRedeemRequestSchema = z
  .object({ code: z.string().trim().min(1, '请输入兑换码').max(40, '兑换码过长') })
  .strict();
export type PackageCardRedeemRequest = z.infer<typeof PackageCardRedeemRequestSchema>;

export const PACKAGE_CARD_NEXT_STEPS = ['use_coupon', 'buy_gift', 'add_wecom', 'shop'] as const;

export const StorePackageCardRedemptionSchema = z.object({
  code: z.string(),
  batch: z.object({ id: z.string(), name: z.string(), channel: PackageCardChannelSchema }),
  coupon: z.object({ templateId: z.string(), memberCouponId: z.string().nullable(), title: z.string() }).nullable(),
  points: z.number().int(),
  gift: z.object({ skuId: z.string(), productId: z.string(), title: z.string() }).nullable(),
  wecomText: z.string().nullable(),
  nextStep: z.object({ kind: z.enum(PACKAGE_CARD_NEXT_STEPS), label: z.string(), path: z.string() }),
  redeemedAt: z.string(),
});
export type StorePackageCardRedemption = z.infer<typeof StorePackageCardRedemptionSchema>;

export const StoreGiftAccessSchema = z.object({
  skuId: z.string(),
  productId: z.string(),
  title: z.string(),
  status: z.enum(['available', 'used']),
  grantedAt: z.string(),
});
export type StoreGiftAccess = z.infer<typeof StoreGiftAccessSchema>;

// ---------- Invitations (store) ----------

export const INVITATION_STATUSES = ['joined', 'ordered', 'rewarded', 'capped'] as const;
export const InvitationStatusSchema = z.enum(INVITATION_STATUSES);
export type InvitationStatus = z.infer<typeof InvitationStatusSchema>;

export const StoreInvitationRecordSchema = z.object({
  nickname: z.string(),
  avatarUrl: z.string(),
  joinedAt: z.string(),
  status: InvitationStatusSchema,
  statusText: z.string(),
  rewardPoints: z.number().int(),
});
export type StoreInvitationRecord = z.infer<typeof StoreInvitationRecordSchema>;

export const StoreInvitationsSchema = z.object({
  code: z.string(),
  /** The share path (`onShareAppMessage`), carrying the invite code. */
  path: z.string(),
  /** For the poster's mini-program code (`wxacode.getUnlimited`): page and a scene of ≤ 32 characters. */
  page: z.string(),
  scene: z.string(),
  rewardPoints: z.number().int(),
  monthlyCap: z.number().int().nullable(),
  rewardedThisMonth: z.number().int(),
  invitedCount: z.number().int(),
  orderedCount: z.number().int(),
  rewardedCount: z.number().int(),
  records: z.array(StoreInvitationRecordSchema),
});
export type StoreInvitations = z.infer<typeof StoreInvitationsSchema>;
