/** Channels (视频号) livestreams: store shapes shared by the API and the storefront. */
import { z } from 'zod';
import { StoreProductCardSchema } from './catalog';
import { StoreNoticeGrantSchema, SubscribeResultSchema } from './notices';

/** Lineup roles, as brands plan a live: 福利品 (gift), 引流品 (traffic), 畅销品 (best seller). */
export const LIVE_PRODUCT_ROLES = ['gift', 'traffic', 'bestseller'] as const;
export const LiveProductRoleSchema = z.enum(LIVE_PRODUCT_ROLES);
export type LiveProductRole = z.infer<typeof LiveProductRoleSchema>;
export const LIVE_PRODUCT_ROLE_LABELS: Record<LiveProductRole, string> = {
  gift: '福利品',
  traffic: '引流品',
  bestseller: '畅销品',
};

export const LIVE_STATUSES = ['scheduled', 'live', 'ended'] as const;
export const LiveStatusSchema = z.enum(LIVE_STATUSES);
export type LiveStatus = z.infer<typeof LiveStatusSchema>;
export const LIVE_STATUS_TEXT: Record<LiveStatus, string> = { scheduled: '预告', live: '直播中', ended: '已结束' };

/** `reserveChannelsLive` answers `state`: only 6 reserves and only 7 cancels. */
export const CHANNELS_RESERVE_STATES = {
  reserved: 6,
  cancelled: 7,
} as const;

/** `live:<id>` — what product links from a live carry, and what the order request sends as `from`. */
export function liveSource(liveId: string): string {
  return `live:${liveId}`;
}

export const StoreLiveSchema = z.object({
  id: z.string(),
  title: z.string(),
  cover: z.string(),
  description: z.string(),
  /** The Channels account (视频号 ID, `sph…`) that streams it. */
  finderUserName: z.string(),
  /** The Channels notice (预告) id, when the operator filled it in; otherwise the storefront asks WeChat. */
  noticeId: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  /** Decided by the operator or by the clock. */
  status: LiveStatusSchema,
  statusText: z.string(),
  productCount: z.number().int(),
  /** Points a member is credited the first time they reserve (0: no reward; WeChat forbids inducing). */
  reservationRewardPoints: z.number().int(),
  /** The viewer's own record (null for visitors): WeChat's `reservable` cannot tell. */
  reserved: z.boolean().nullable(),
  reminder: StoreNoticeGrantSchema.nullable(),
});
export type StoreLive = z.infer<typeof StoreLiveSchema>;

export const StoreLiveLineupItemSchema = z.object({
  role: LiveProductRoleSchema,
  roleLabel: z.string(),
  /** Priced for the viewer; a members-only teaser stays locked. Products the viewer may not see are left out. */
  product: StoreProductCardSchema,
});
export type StoreLiveLineupItem = z.infer<typeof StoreLiveLineupItemSchema>;

export const StoreLiveDetailSchema = StoreLiveSchema.extend({
  lineup: z.array(StoreLiveLineupItemSchema),
  /** How long a tap on a lineup product counts for the live's sales (last touch). */
  attributionHours: z.number().int(),
  /** Minutes before the start that the reminder goes out. */
  reminderMinutes: z.number().int(),
});
export type StoreLiveDetail = z.infer<typeof StoreLiveDetailSchema>;

export const StoreReservationRequestSchema = z.object({ state: z.number().int().min(-1).max(99) }).strict();
export const StoreReservationResultSchema = z.object({
  /** What the state meant: reserved (6), cancelled (7) or dismissed (anything else: nothing changed). */
  outcome: z.enum(['reserved', 'cancelled', 'dismissed']),
  reserved: z.boolean(),
  /** Points credited by this call (0 when none, or when they were credited before). */
  pointsCredited: z.number().int(),
});
export type StoreReservationResult = z.infer<typeof StoreReservationResultSchema>;

export const StoreReminderRequestSchema = z.object({ result: SubscribeResultSchema }).strict();
export const StoreReminderResultSchema = z.object({ reminder: StoreNoticeGrantSchema.nullable() });

export const StoreLiveClickRequestSchema = z
  .object({
    productId: z
      .string()
      .regex(/^[0-9a-f]{24}$/i)
      .optional(),
    /** A random id the storefront keeps for a visitor who is not logged in. */
    visitorId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/)
      .optional(),
  })
  .strict();

export const StoreMyReservationSchema = z.object({
  live: StoreLiveSchema,
  reservedAt: z.string(),
});
export type StoreMyReservation = z.infer<typeof StoreMyReservationSchema>;
