import {
  AdminPointsAdjustRequestSchema,
  AdminPointsAdjustResponseSchema,
  StorePointsPageQuerySchema,
  StorePointsPageSchema,
} from '@siyu/shared';
import { IdParams } from '../../http/params';
import { defineRoute } from '../../http/route';
import type { PointsService } from './points.service';

/** Mounted under /api. */
export function pointsStoreRoutes(points: PointsService) {
  return [
    defineRoute({
      method: 'get',
      path: '/me/points',
      summary: '我的积分：余额、即将过期的积分、积分明细（新的在前）',
      tags: ['points'],
      auth: 'member',
      query: StorePointsPageQuerySchema,
      response: StorePointsPageSchema,
      handler: async ({ query, caller }) => points.history(caller.member!.id, query),
    }),
  ];
}

/** Mounted under /api/admin. */
export function pointsAdminRoutes(points: PointsService) {
  return [
    defineRoute({
      method: 'post',
      path: '/members/:id/points',
      summary: '人工调整会员积分（support）：必须填写原因，需 Idempotency-Key，记入操作审计',
      tags: ['admin: points'],
      auth: { admin: ['support'] },
      idempotent: true,
      params: IdParams,
      body: AdminPointsAdjustRequestSchema,
      response: AdminPointsAdjustResponseSchema,
      errors: { 404: '会员不存在', 409: '积分不足（扣减超过余额）', 422: 'Idempotency-Key 已用于另一笔调整' },
      handler: async ({ params, body, caller }) =>
        points.adjust({
          ...body,
          memberId: params.id,
          adminId: caller.admin!.id,
          idempotencyKey: caller.idempotencyKey!,
        }),
    }),
  ];
}
