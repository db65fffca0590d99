import { FenSchema, ObjectIdSchema, TierCodeSchema, TouchTypeSchema } from '@siyu/shared';
import { z } from 'zod';
import { IdParams } from '../../http/params';

export const TagSchema = z
  .string()
  .trim()
  .min(1)
  .max(20)
  .regex(/^[^\s:.$]+$/, '标签不能包含空格、冒号、点或 $');

/** Every condition given must hold; an empty rule is every active member. */
export const SegmentRuleSchema = z
  .object({
    tiers: z.array(TierCodeSchema).min(1).max(4).optional(),
    /** Paid, not refunded, in fen. */
    minTotalSpend: FenSchema.optional(),
    maxTotalSpend: FenSchema.optional(),
    /** Paid an order within the last N days. */
    orderedWithinDays: z.number().int().min(1).max(3650).optional(),
    /** No paid order in the last N days (members who never ordered included). */
    noOrderForDays: z.number().int().min(1).max(3650).optional(),
    firstTouch: TouchTypeSchema.optional(),
    /** First touch by this package-card batch. */
    packageCardBatchId: ObjectIdSchema.optional(),
    /** Has every one of these tags. */
    tags: z.array(TagSchema).min(1).max(10).optional(),
    /** Reserved at least one livestream. */
    liveReserved: z.boolean().optional(),
    /** Joined at least N group-buys. */
    groupBuysJoinedMin: z.number().int().min(1).max(1000).optional(),
  })
  .strict();
export type SegmentRule = z.infer<typeof SegmentRuleSchema>;

export const SegmentCreateSchema = z
  .object({ name: z.string().trim().min(1).max(30), rule: SegmentRuleSchema })
  .strict();
export const SegmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  rule: SegmentRuleSchema,
  createdAt: z.string(),
});
export const SegmentIdParamsSchema = IdParams;
export const MemberTagParamsSchema = z.object({ id: ObjectIdSchema, tag: TagSchema }).strict();
export const SegmentMembersSchema = z.object({
  total: z.number().int(),
  items: z.array(z.object({ id: z.string(), memberNo: z.string(), nickname: z.string(), tier: z.string() })),
});
export const SegmentPushRequestSchema = z.object({ templateId: z.string().trim().min(1).max(64) }).strict();
export const SegmentPushSchema = z.object({
  id: z.string(),
  segmentId: z.string(),
  templateId: z.string(),
  members: z.number().int(),
  issued: z.number().int(),
  refused: z.number().int(),
  finishedAt: z.string().nullable(),
});
