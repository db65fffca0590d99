/** Admin request and response shapes for coupons (store shapes live in @siyu/shared/coupons). */
import {
  CouponChannelSchema,
  CouponKindSchema,
  CouponScopeSchema,
  FenSchema,
  ObjectIdSchema,
  TierCodeSchema,
} from '@siyu/shared';
import { z } from 'zod';
import { IdParams } from '../../http/params';

export const IdParamsSchema = IdParams;
export const TemplateIdParamsSchema = z.object({ templateId: ObjectIdSchema }).strict();

const templateFields = {
  name: z.string().trim().min(1).max(30),
  description: z.string().trim().max(200).optional(),
  kind: CouponKindSchema,
  amountOff: FenSchema.optional(),
  threshold: FenSchema.optional(),
  percentOff: z.number().int().min(1).max(90).optional(),
  maxOff: FenSchema.optional(),
  validDays: z.number().int().min(1).max(3650).optional(),
  startsAt: z.iso.datetime({ offset: true }).optional(),
  endsAt: z.iso.datetime({ offset: true }).optional(),
  quantity: z.number().int().min(1).max(10_000_000),
  perMemberLimit: z.number().int().min(1).max(100),
  /** Shown in 领券中心 (adds the `claim` channel). */
  claimable: z.boolean().optional(),
  /** Other ways it may be issued; `claim` follows `claimable`. Default: push, redeem, package_card. */
  channels: z.array(CouponChannelSchema).max(5).optional(),
  scope: CouponScopeSchema.optional(),
  minTier: TierCodeSchema.nullable().optional(),
  newMembersOnly: z.boolean().optional(),
  stackWithMemberPrice: z.boolean().optional(),
  sort: z.number().int().min(-100_000).max(100_000).optional(),
};

export const AdminCouponCreateSchema = z
  .object(templateFields)
  .strict()
  .superRefine((input, issue) => {
    const say = (path: string, message: string) => issue.addIssue({ code: 'custom', path: [path], message });
    if (input.kind === 'threshold') {
      if (!input.amountOff) say('amountOff', '满减券须填写减免金额');
      if (!input.threshold) say('threshold', '满减券须填写门槛');
      else if ((input.amountOff ?? 0) > input.threshold) say('amountOff', '减免金额不能高于门槛');
    }
    if (input.kind === 'amount' && !input.amountOff) say('amountOff', '无门槛券须填写减免金额');
    if (input.kind === 'percent' && !input.percentOff) say('percentOff', '折扣券须填写折扣');
    const fixed = input.startsAt !== undefined || input.endsAt !== undefined;
    if (fixed === (input.validDays !== undefined)) say('validDays', '有效期二选一：validDays，或 startsAt 与 endsAt');
    if (fixed && (!input.startsAt || !input.endsAt)) say('endsAt', '固定有效期须同时填写开始与结束时间');
    if (input.startsAt && input.endsAt && new Date(input.endsAt) <= new Date(input.startsAt)) {
      say('endsAt', '结束时间须晚于开始时间');
    }
  });
export type AdminCouponCreate = z.infer<typeof AdminCouponCreateSchema>;

export const AdminCouponPatchSchema = z
  .object({
    name: templateFields.name.optional(),
    description: templateFields.description,
    /** Raising it adds coupons; it cannot go below what was issued. */
    quantity: templateFields.quantity.optional(),
    claimable: z.boolean().optional(),
    channels: templateFields.channels,
    /** `ended`: no more coupons are issued (those issued stay usable). */
    status: z.enum(['active', 'ended']).optional(),
    sort: templateFields.sort,
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, '至少修改一项');
export type AdminCouponPatch = z.infer<typeof AdminCouponPatchSchema>;

export const AdminCouponSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  kind: CouponKindSchema,
  title: z.string(),
  amountOff: z.number().int(),
  threshold: z.number().int(),
  percentOff: z.number().int(),
  maxOff: z.number().int(),
  validDays: z.number().int().nullable(),
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  quantity: z.number().int(),
  issued: z.number().int(),
  remaining: z.number().int(),
  perMemberLimit: z.number().int(),
  claimable: z.boolean(),
  channels: z.array(CouponChannelSchema),
  scope: CouponScopeSchema,
  minTier: TierCodeSchema.nullable(),
  newMembersOnly: z.boolean(),
  stackWithMemberPrice: z.boolean(),
  status: z.enum(['active', 'ended']),
  sort: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AdminCoupon = z.infer<typeof AdminCouponSchema>;

export const AdminCouponListQuerySchema = z
  .object({
    status: z.enum(['active', 'ended']).optional(),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const AdminCouponPageSchema = z.object({
  items: z.array(AdminCouponSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const AdminCouponPushSchema = z
  .object({
    memberIds: z.array(ObjectIdSchema).min(1).max(1000),
    /** Names this push: pushing again with the same key issues nothing twice. */
    key: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, '推送编号只能包含字母、数字和 _.:-'),
  })
  .strict();

export const AdminCouponPushResultSchema = z.object({
  issued: z.number().int(),
  failed: z.array(z.object({ memberId: z.string(), code: z.string(), message: z.string() })),
});

export const AdminRedeemBatchCreateSchema = z
  .object({ count: z.number().int().min(1).max(10_000), name: z.string().trim().max(30).optional() })
  .strict();

export const AdminRedeemBatchSchema = z.object({
  id: z.string(),
  templateId: z.string(),
  name: z.string(),
  count: z.number().int(),
  redeemed: z.number().int(),
  createdAt: z.string(),
  /** GET this (admin token) for `code,redeemed,redeemedAt` as CSV. */
  csvPath: z.string(),
});

export const AdminNewMemberSkuSchema = z.object({ skuId: z.string(), newMembersOnly: z.boolean() });
export const AdminNewMemberSkuBodySchema = z.object({ newMembersOnly: z.boolean() }).strict();
