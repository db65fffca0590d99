/** Member identity (One ID) and admin login: request and response shapes shared by API and storefront. */
import { z } from 'zod';
import { TierCodeSchema } from './tiers';

export const MARKETPLACES = ['tmall', 'jd', 'douyin'] as const;
export const MarketplaceSchema = z.enum(MARKETPLACES);
export type Marketplace = z.infer<typeof MarketplaceSchema>;

export const GENDERS = ['unknown', 'male', 'female'] as const;
export const GenderSchema = z.enum(GENDERS);

export const WechatLoginRequestSchema = z
  .object({
    code: z.string().min(1).max(256),
    inviteCode: z.string().min(4).max(32).optional(),
  })
  .strict();
export type WechatLoginRequest = z.infer<typeof WechatLoginRequestSchema>;

export const RefreshRequestSchema = z.object({ refreshToken: z.string().min(20).max(512) }).strict();
export const LogoutRequestSchema = z
  .object({ refreshToken: z.string().min(20).max(512).optional(), everywhere: z.boolean().optional() })
  .strict();

export const MemberViewSchema = z.object({
  id: z.string(),
  memberNo: z.string(),
  nickname: z.string(),
  avatarUrl: z.string(),
  birthday: z.string().nullable(),
  gender: GenderSchema,
  phone: z.string().nullable(),
  tier: TierCodeSchema,
  inviteCode: z.string(),
  marketplaces: z.array(z.object({ platform: MarketplaceSchema, buyerId: z.string() })),
  createdAt: z.string(),
});
export type MemberView = z.infer<typeof MemberViewSchema>;

export const TokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int(),
});
export type TokenPair = z.infer<typeof TokenPairSchema>;

export const LoginResponseSchema = TokenPairSchema.extend({ member: MemberViewSchema });
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

/** YYYY-MM-DD, a real calendar date, not in the future. */
export const BirthdaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '生日格式应为 YYYY-MM-DD')
  .refine((text) => {
    const date = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text) && date.getTime() <= Date.now();
  }, '生日不是有效日期');

/**
 * Characters a display field never needs and an attacker loves: C0/C1 controls (NUL, newlines, escape)
 * and the bidi overrides/isolates that make text render in another order than it is stored
 * (U+202A–202E, U+2066–2069, U+200E/200F, U+061C), plus U+FEFF. Joiners (U+200C/200D) stay: emoji need them.
 */
export function hasUnsafeDisplayCharacters(text: string): boolean {
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (
      code <= 0x1f ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x061c ||
      code === 0x200e ||
      code === 0x200f ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069) ||
      code === 0xfeff
    ) {
      return true;
    }
  }
  return false;
}

/** C0 and C1 control characters only (NUL included): never part of a search text. */
export function hasControlCharacters(text: string): boolean {
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/** A name or other short text shown to people: trimmed, 1..max characters, none of the unsafe ones. */
export const displayText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !hasUnsafeDisplayCharacters(text), '含有不可显示的控制字符');

/** Where an avatar may come from: our own upload (`/api/uploads/<name>`, any host or none) or an https URL. */
export const UPLOAD_PATH_PATTERN = /^\/api\/uploads\/[0-9a-f]{32}\.(?:png|jpg|webp)$/;
export const AvatarUrlSchema = z
  .string()
  .max(1024)
  .refine((text) => {
    let url: URL;
    try {
      url = new URL(text, 'http://relative.invalid');
    } catch {
      return false;
    }
    // A path on our own host (as answered without PUBLIC_URL) may only be one of our uploads.
    if (text.startsWith('/')) return !text.startsWith('//') && UPLOAD_PATH_PATTERN.test(url.pathname);
    if (!/^[a-z]+:/i.test(text) || url.username || url.password) return false;
    return url.protocol === 'https:' || (url.protocol === 'http:' && UPLOAD_PATH_PATTERN.test(url.pathname));
  }, '头像须为 https 链接或本站上传的图片');

export const UpdateProfileRequestSchema = z
  .object({
    nickname: displayText(32).optional(),
    avatarUrl: AvatarUrlSchema.optional(),
    birthday: BirthdaySchema.optional(),
    gender: GenderSchema.optional(),
  })
  .strict();
export type UpdateProfileRequest = z.infer<typeof UpdateProfileRequestSchema>;

export const BindPhoneRequestSchema = z.object({ code: z.string().min(1).max(256) }).strict();

export const LinkMarketplaceRequestSchema = z
  .object({ platform: MarketplaceSchema, buyerId: displayText(64) })
  .strict();

export const ADMIN_ROLES = ['owner', 'operator', 'support'] as const;
export const AdminRoleSchema = z.enum(ADMIN_ROLES);
export type AdminRole = z.infer<typeof AdminRoleSchema>;

export const AdminLoginRequestSchema = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) })
  .strict();
export const AdminLoginResponseSchema = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int(),
  admin: z.object({ id: z.string(), username: z.string(), role: AdminRoleSchema }),
});

/** Mainland China mobile number: 11 digits starting 1[3-9]. */
export const MainlandMobileSchema = z.string().regex(/^1[3-9]\d{9}$/, '请输入正确的手机号');

/** Masks a phone for display: 13812345678 → 138****5678. */
export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : phone;
}
