/** Admin request and response shapes for package cards (store shapes live in @siyu/shared). */
import { ObjectIdSchema, PackageCardChannelSchema } from '@siyu/shared';
import { z } from 'zod';
import { IdParams } from '../../http/params';

export const BatchIdParamsSchema = IdParams;

export const AdminPackageCardBenefitSchema = z
  .object({
    couponTemplateId: z.string().trim().min(1).max(64).optional(),
    points: z.number().int().min(0).max(100_000).optional(),
    /** A gift SKU (such as a 1-fen repurchase gift) the redeemer may then buy, once. */
    giftSkuId: ObjectIdSchema.optional(),
    /** 加企微 instructions shown after redeeming. */
    wecomText: z.string().trim().min(1).max(300).optional(),
  })
  .strict()
  .refine(
    (benefit) => Boolean(benefit.couponTemplateId || benefit.points || benefit.giftSkuId || benefit.wecomText),
    '至少设置一项权益：优惠券、积分、赠品或加企微说明',
  );

export const AdminPackageCardBatchCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(40),
    channel: PackageCardChannelSchema,
    quantity: z.number().int().min(1).max(100_000),
    benefit: AdminPackageCardBenefitSchema,
    validFrom: z.iso.datetime({ offset: true }).optional(),
    validUntil: z.iso.datetime({ offset: true }).optional(),
    /** Ask the redeemer for their tmall/jd/douyin buyer id and link it to the member (One-ID). */
    linkBuyerId: z.boolean().optional(),
  })
  .strict()
  .refine(
    (batch) => !batch.validFrom || !batch.validUntil || Date.parse(batch.validFrom) < Date.parse(batch.validUntil),
    '有效期结束时间必须晚于开始时间',
  );
export type AdminPackageCardBatchCreate = z.infer<typeof AdminPackageCardBatchCreateSchema>;

export const AdminPackageCardBatchPatchSchema = z
  .object({
    status: z.enum(['active', 'disabled']).optional(),
    validUntil: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, '至少修改一项');

export const AdminPackageCardBatchSchema = z.object({
  id: z.string(),
  name: z.string(),
  channel: PackageCardChannelSchema,
  quantity: z.number().int(),
  generated: z.number().int(),
  status: z.enum(['generating', 'active', 'disabled']),
  benefit: z.object({
    couponTemplateId: z.string().nullable(),
    points: z.number().int(),
    giftSkuId: z.string().nullable(),
    giftTitle: z.string().nullable(),
    wecomText: z.string().nullable(),
  }),
  validFrom: z.string().nullable(),
  validUntil: z.string().nullable(),
  linkBuyerId: z.boolean(),
  redeemedCount: z.number().int(),
  /** 引流率: redeemed / printed (operators expect 10–15%). */
  redemptionRate: z.number(),
  page: z.string(),
  createdAt: z.string(),
});
export type AdminPackageCardBatch = z.infer<typeof AdminPackageCardBatchSchema>;
