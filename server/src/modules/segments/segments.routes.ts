import { z } from 'zod';
import { IdParams } from '../../http/params';
import { defineRoute } from '../../http/route';
import {
  MemberTagParamsSchema,
  SegmentCreateSchema,
  SegmentIdParamsSchema,
  SegmentMembersSchema,
  SegmentPushRequestSchema,
  SegmentPushSchema,
  SegmentSchema,
  TagSchema,
} from './segments.schemas';
import type { SegmentsService } from './segments.service';

const TagsSchema = z.array(z.object({ tag: z.string(), source: z.string(), createdAt: z.string() }));
const OPERATOR = { admin: ['operator'] as const };

/** Mounted under /api/admin. */
export function segmentsAdminRoutes(segments: SegmentsService) {
  return [
    defineRoute({
      method: 'get',
      path: '/members/:id/tags',
      summary: '会员标签',
      tags: ['admin: segments'],
      auth: { admin: ['operator', 'support'] },
      params: IdParams,
      response: TagsSchema,
      handler: async ({ params }) => segments.tagsOf(params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/members/:id/tags',
      summary: '给会员打标签（手动）',
      tags: ['admin: segments'],
      auth: OPERATOR,
      params: IdParams,
      body: z.object({ tag: TagSchema }).strict(),
      response: TagsSchema,
      handler: async ({ params, body, caller }) => segments.tagMember(caller.admin!.id, params.id, body.tag),
    }),
    defineRoute({
      method: 'delete',
      path: '/members/:id/tags/:tag',
      summary: '移除会员标签',
      tags: ['admin: segments'],
      auth: OPERATOR,
      params: MemberTagParamsSchema,
      response: TagsSchema,
      handler: async ({ params }) => segments.untagMember(params.id, params.tag),
    }),
    defineRoute({
      method: 'post',
      path: '/segments',
      summary: '保存人群：规则可组合会员等级、累计消费、最近下单、首次来源渠道、包裹卡批次、标签、直播预约、参团次数',
      tags: ['admin: segments'],
      auth: OPERATOR,
      body: SegmentCreateSchema,
      response: SegmentSchema,
      status: 201,
      handler: async ({ body, caller }) => segments.createSegment(caller.admin!.id, body),
    }),
    defineRoute({
      method: 'get',
      path: '/segments',
      summary: '人群列表',
      tags: ['admin: segments'],
      auth: OPERATOR,
      response: z.array(SegmentSchema),
      handler: async () => segments.listSegments(),
    }),
    defineRoute({
      method: 'delete',
      path: '/segments/:id',
      summary: '删除人群',
      tags: ['admin: segments'],
      auth: OPERATOR,
      params: SegmentIdParamsSchema,
      status: 204,
      handler: async ({ params }) => {
        await segments.deleteSegment(params.id);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/segments/:id/members',
      summary: '人群当前成员（总数和前 50 位）',
      tags: ['admin: segments'],
      auth: OPERATOR,
      params: SegmentIdParamsSchema,
      response: SegmentMembersSchema,
      handler: async ({ params }) => segments.segmentMembers(params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/segments/:id/tag',
      summary: '给人群中的所有会员打标签（按规则打标）',
      tags: ['admin: segments'],
      auth: OPERATOR,
      params: SegmentIdParamsSchema,
      body: z.object({ tag: TagSchema }).strict(),
      response: z.object({ tagged: z.number().int() }),
      handler: async ({ params, body, caller }) => segments.tagSegment(caller.admin!.id, params.id, body.tag),
    }),
    defineRoute({
      method: 'post',
      path: '/segments/:id/push-coupon',
      summary: '向人群推送优惠券：每位会员一张（同一 Idempotency-Key 重复请求不会重复发放）',
      tags: ['admin: segments'],
      auth: OPERATOR,
      idempotent: true,
      params: SegmentIdParamsSchema,
      body: SegmentPushRequestSchema,
      response: SegmentPushSchema,
      errors: { 404: '人群不存在', 422: 'Idempotency-Key 已用于其他优惠券' },
      handler: async ({ params, body, caller }) =>
        segments.pushCoupon(caller.admin!.id, params.id, body.templateId, caller.idempotencyKey!),
    }),
  ];
}
