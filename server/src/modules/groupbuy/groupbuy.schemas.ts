/** Admin request and response shapes for group-buy campaigns (store shapes live in @siyu/shared). */
import { CampaignStatusSchema, FenSchema, GroupBuySkuViewSchema, GroupStateSchema, ObjectIdSchema } from '@siyu/shared';
import { z } from 'zod';
import { IdParams } from '../../http/params';

export const CampaignIdParamsSchema = z.object({ campaignId: ObjectIdSchema }).strict();
export const GroupIdParamsSchema = z.object({ groupId: ObjectIdSchema }).strict();
export const AdminIdParamsSchema = IdParams;

export const AdminCampaignCreateSchema = z
  .object({
    productId: ObjectIdSchema,
    skus: z
      .array(
        z
          .object({ skuId: ObjectIdSchema, groupPrice: FenSchema.refine((fen) => fen >= 1, '团购价至少 1 分') })
          .strict(),
      )
      .min(1)
      .max(20),
    /** Members needed for a group to succeed, leader included. */
    groupSize: z.number().int().min(2).max(10),
    /** Each group's time limit after its leader pays: 1 minute to 7 days. */
    groupMinutes: z.number().int().min(1).max(10_080),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    /** Units allotted to the campaign; each seat holds one. */
    stock: z.number().int().min(1).max(10_000),
    limitPerMember: z.number().int().min(0).max(99).optional(),
    /** 拉新团: a joiner must have no earlier paid order (the leader may be anyone). */
    newMembersOnly: z.boolean().optional(),
  })
  .strict()
  .refine((input) => new Date(input.endsAt).getTime() > new Date(input.startsAt).getTime(), {
    message: '结束时间须晚于开始时间',
    path: ['endsAt'],
  })
  .refine((input) => new Set(input.skus.map((sku) => sku.skuId)).size === input.skus.length, {
    message: '同一规格只能出现一次',
    path: ['skus'],
  });
export type AdminCampaignCreate = z.infer<typeof AdminCampaignCreateSchema>;

export const AdminCampaignSchema = z.object({
  id: z.string(),
  productId: z.string(),
  title: z.string(),
  image: z.string(),
  skus: z.array(GroupBuySkuViewSchema),
  groupSize: z.number().int(),
  groupMinutes: z.number().int(),
  startsAt: z.string(),
  endsAt: z.string(),
  stock: z.number().int(),
  stockLeft: z.number().int(),
  limitPerMember: z.number().int(),
  newMembersOnly: z.boolean(),
  status: CampaignStatusSchema,
  endedAt: z.string().nullable(),
  createdAt: z.string(),
  /** Groups of this campaign by state (only on the single-campaign read). */
  groups: z.partialRecord(GroupStateSchema, z.number().int()).optional(),
});
export type AdminCampaign = z.infer<typeof AdminCampaignSchema>;

export const AdminCampaignListQuerySchema = z
  .object({
    status: CampaignStatusSchema.optional(),
    page: z.coerce.number().int().min(1).max(1000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const AdminCampaignPageSchema = z.object({
  items: z.array(AdminCampaignSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
