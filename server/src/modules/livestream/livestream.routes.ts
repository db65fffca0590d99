import {
  StoreLiveClickRequestSchema,
  StoreLiveDetailSchema,
  StoreLiveSchema,
  StoreMyReservationSchema,
  StoreReminderRequestSchema,
  StoreReminderResultSchema,
  StoreReservationRequestSchema,
  StoreReservationResultSchema,
} from '@siyu/shared';
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import {
  AdminLiveCreateSchema,
  AdminLiveDetailSchema,
  AdminLiveListQuerySchema,
  AdminLivePageSchema,
  AdminLivePatchSchema,
  AdminLiveSchema,
  AdminLiveStatsSchema,
  IdParamsSchema,
} from './livestream.schemas';
import type { LivestreamService } from './livestream.service';

const TAGS = ['livestream'];

/** Mounted under /api. */
export function livestreamStoreRoutes(lives: LivestreamService) {
  return [
    defineRoute({
      method: 'get',
      path: '/livestreams',
      summary: '视频号直播：即将开播与直播中，开播早的在前',
      tags: TAGS,
      auth: 'optional-member',
      response: z.array(StoreLiveSchema),
      handler: async ({ caller }) => lives.list(caller.member),
    }),
    defineRoute({
      method: 'get',
      path: '/livestreams/:id',
      summary: '直播详情与直播商品（按观看者定价；会员专享商品对未解锁者保持锁定，不可见的商品不出现）',
      tags: TAGS,
      auth: 'optional-member',
      params: IdParamsSchema,
      response: StoreLiveDetailSchema,
      errors: { 404: '直播不存在' },
      handler: async ({ params, caller }) => lives.detail(caller.member, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/livestreams/:id/reservations',
      summary: '记录 reserveChannelsLive 的结果：state 6 预约、7 取消预约，其他视为关闭弹窗（不改变预约）',
      description:
        '按会员幂等。运营设置了预约奖励积分时，每位会员每场直播最多奖励一次（取消后再预约也不重复）。默认不奖励：微信禁止诱导预约。',
      tags: TAGS,
      auth: 'member',
      params: IdParamsSchema,
      body: StoreReservationRequestSchema,
      response: StoreReservationResultSchema,
      errors: { 404: '直播不存在', 409: '直播已结束' },
      handler: async ({ params, body, caller }) => lives.report(caller.member!.id, params.id, body.state),
    }),
    defineRoute({
      method: 'post',
      path: '/livestreams/:id/reminders',
      summary: '开播提醒：requestSubscribeMessage 返回 accept 后调用，保存一次发送机会（开播前 N 分钟发送，仅一次）',
      tags: TAGS,
      auth: 'member',
      params: IdParamsSchema,
      body: StoreReminderRequestSchema,
      response: StoreReminderResultSchema,
      errors: { 404: '直播不存在', 409: '直播已结束', 503: '提醒模板未配置' },
      handler: async ({ params, body, caller }) => lives.remind(caller.member!.id, params.id, body.result),
    }),
    defineRoute({
      method: 'post',
      path: '/livestreams/:id/clicks',
      summary: '从直播商品点击进入商品页（每位观看者每场直播每天计一次）',
      tags: TAGS,
      auth: 'optional-member',
      params: IdParamsSchema,
      body: StoreLiveClickRequestSchema,
      status: 204,
      errors: { 404: '直播不存在' },
      handler: async ({ params, body, caller }) => {
        await lives.click(caller.member, params.id, body);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/me/livestreams',
      summary: '我预约的直播',
      tags: TAGS,
      auth: 'member',
      response: z.array(StoreMyReservationSchema),
      handler: async ({ caller }) => lives.myReservations(caller.member!.id),
    }),
  ];
}

const OPERATOR = { admin: ['operator'] as const };
const ADMIN_TAGS = ['admin: livestream'];

/** Mounted under /api/admin. */
export function livestreamAdminRoutes(lives: LivestreamService) {
  return [
    defineRoute({
      method: 'get',
      path: '/livestreams',
      summary: '直播列表（开播时间新的在前）',
      tags: ADMIN_TAGS,
      auth: OPERATOR,
      query: AdminLiveListQuerySchema,
      response: AdminLivePageSchema,
      handler: async ({ query }) => lives.adminList(query),
    }),
    defineRoute({
      method: 'post',
      path: '/livestreams',
      summary: '创建直播：标题、视频号 ID、开播时间、直播商品（顺序即讲解顺序，角色：福利品/引流品/畅销品）',
      description: 'reservationRewardPoints 默认 0（不奖励预约）。',
      tags: ADMIN_TAGS,
      auth: OPERATOR,
      body: AdminLiveCreateSchema,
      response: AdminLiveSchema,
      status: 201,
      errors: { 400: '商品不存在或时间有误' },
      handler: async ({ body }) => lives.create(body),
    }),
    defineRoute({
      method: 'get',
      path: '/livestreams/:id',
      summary: '直播详情与数据：预约、提醒、点击、订单、付款人数、GMV',
      tags: ADMIN_TAGS,
      auth: OPERATOR,
      params: IdParamsSchema,
      response: AdminLiveDetailSchema,
      errors: { 404: '直播不存在' },
      handler: async ({ params }) => lives.adminGet(params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/livestreams/:id/stats',
      summary: '直播数据：预约数、提醒发送数、点击数、订单数、付款人数、GMV（分）',
      tags: ADMIN_TAGS,
      auth: OPERATOR,
      params: IdParamsSchema,
      response: AdminLiveStatsSchema,
      errors: { 404: '直播不存在' },
      handler: async ({ params }) => lives.stats(params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/livestreams/:id',
      summary: '修改直播（包括手动设置状态：scheduled / live / ended）',
      tags: ADMIN_TAGS,
      auth: OPERATOR,
      params: IdParamsSchema,
      body: AdminLivePatchSchema,
      response: AdminLiveSchema,
      errors: { 404: '直播不存在' },
      handler: async ({ params, body }) => lives.update(params.id, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/livestreams/:id',
      summary: '下线直播',
      tags: ADMIN_TAGS,
      auth: OPERATOR,
      params: IdParamsSchema,
      status: 204,
      errors: { 404: '直播不存在' },
      handler: async ({ params }) => {
        await lives.remove(params.id);
        return undefined;
      },
    }),
  ];
}
