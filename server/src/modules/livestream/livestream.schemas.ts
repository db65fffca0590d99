/** Admin request and response shapes for livestreams (store shapes live in @siyu/shared). */
import { FenSchema, ImageUrlSchema, LiveProductRoleSchema, LiveStatusSchema, ObjectIdSchema } from '@siyu/shared';
import { z } from 'zod';
import { IdParams } from '../../http/params';

export const IdParamsSchema = IdParams;

const instant = z.iso.datetime({ offset: true }).transform((text) => new Date(text));

const lineup = z
  .array(z.object({ productId: ObjectIdSchema, role: LiveProductRoleSchema }).strict())
  .max(50)
  .refine((items) => new Set(items.map((item) => item.productId.toLowerCase())).size === items.length, {
    message: '同一商品只能出现一次',
  });

const fields = {
  title: z.string().trim().min(1).max(40),
  cover: ImageUrlSchema.or(z.literal('')).optional(),
  description: z.string().trim().max(500).optional(),
  /** The Channels account id (视频号 ID). */
  finderUserName: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{3,64}$/, '视频号 ID 格式有误'),
  noticeId: z.string().trim().min(1).max(128).nullable().optional(),
  startsAt: instant,
  /** Optional; four hours after the start when not given. */
  endsAt: instant.optional(),
  products: lineup,
  status: LiveStatusSchema.optional(),
  /** 0 (the default): no reward. WeChat forbids inducing reservations; a reward is an explicit choice. */
  reservationRewardPoints: z.number().int().min(0).max(10_000).optional(),
};

export const AdminLiveCreateSchema = z.object(fields).strict();
export type AdminLiveCreate = z.infer<typeof AdminLiveCreateSchema>;

export const AdminLivePatchSchema = z
  .object(fields)
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, '至少修改一项');
export type AdminLivePatch = z.infer<typeof AdminLivePatchSchema>;

export const AdminLiveListQuerySchema = z
  .object({
    status: LiveStatusSchema.optional(),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const AdminLiveStatsSchema = z.object({
  reservations: z.number().int(),
  remindersRequested: z.number().int(),
  remindersSent: z.number().int(),
  remindersFailed: z.number().int(),
  clickThroughs: z.number().int(),
  /** Paid orders attributed to the live, not refunded. */
  orders: z.number().int(),
  payingMembers: z.number().int(),
  /** Cash paid on those orders (fen). */
  gmv: FenSchema,
  refundedOrders: z.number().int(),
});
export type AdminLiveStats = z.infer<typeof AdminLiveStatsSchema>;

export const AdminLiveSchema = z.object({
  id: z.string(),
  title: z.string(),
  cover: z.string(),
  description: z.string(),
  finderUserName: z.string(),
  noticeId: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  /** As the operator set it. */
  status: LiveStatusSchema,
  /** As shoppers see it now (the clock can move a scheduled live to live, and any live to ended). */
  effectiveStatus: LiveStatusSchema,
  products: z.array(z.object({ productId: z.string(), role: LiveProductRoleSchema, title: z.string() })),
  reservationRewardPoints: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AdminLive = z.infer<typeof AdminLiveSchema>;

export const AdminLiveDetailSchema = AdminLiveSchema.extend({ stats: AdminLiveStatsSchema });

export const AdminLivePageSchema = z.object({
  items: z.array(AdminLiveSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
