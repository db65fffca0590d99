import {
  GroupBuyCardSchema,
  GroupBuyDetailSchema,
  GroupOrderRequestSchema,
  GroupOrderResultSchema,
  GroupViewSchema,
  MyGroupSchema,
  ObjectIdSchema,
  SubscribeResultSchema,
} from '@siyu/shared';
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import {
  AdminCampaignCreateSchema,
  AdminCampaignListQuerySchema,
  AdminCampaignPageSchema,
  AdminCampaignSchema,
  AdminIdParamsSchema,
  CampaignIdParamsSchema,
  GroupIdParamsSchema,
} from './groupbuy.schemas';
import type { GroupBuyService } from './groupbuy.service';

const JOIN_ERRORS = {
  404: '拼团或活动不存在',
  409: '不能参加自己的团、同一团两次、已满、已结束、团长未支付、同一活动已有进行中的团、新人专享、限购或名额售罄（各有 code）',
  422: 'Idempotency-Key 已用于不同内容',
};

/** Mounted under /api. Reading is open to anyone (a share lands here before login); changing needs a member. */
export function groupBuyStoreRoutes(groupBuy: GroupBuyService) {
  return [
    defineRoute({
      method: 'get',
      path: '/group-buys',
      summary: '进行中的拼团活动（遵守商品对当前访客的可见规则；productId 只看该商品的）',
      tags: ['groupbuy'],
      auth: 'optional-member',
      query: z.object({ productId: ObjectIdSchema.optional() }).strict(),
      response: z.array(GroupBuyCardSchema),
      handler: async ({ query, caller }) => groupBuy.listRunning(caller.member, query.productId),
    }),
    defineRoute({
      method: 'get',
      path: '/group-buys/:campaignId',
      summary: '拼团活动详情：各规格团购价、可参加的团（剩余名额、截止时间）',
      tags: ['groupbuy'],
      auth: 'optional-member',
      params: CampaignIdParamsSchema,
      response: GroupBuyDetailSchema,
      errors: { 404: '活动不存在或商品对当前访客不可见' },
      handler: async ({ params, caller }) => groupBuy.campaignDetail(caller.member, params.campaignId),
    }),
    defineRoute({
      method: 'post',
      path: '/group-buys/:campaignId/groups',
      summary: '发起拼团：建团并生成团长订单（待付款）；团长支付后团才可参加，团的倒计时从支付时开始',
      tags: ['groupbuy'],
      auth: 'member',
      idempotent: true,
      params: CampaignIdParamsSchema,
      body: GroupOrderRequestSchema,
      response: GroupOrderResultSchema,
      status: 201,
      errors: JOIN_ERRORS,
      handler: async ({ params, body, caller }) =>
        groupBuy.openGroup(caller.member!, params.campaignId, body, caller.idempotencyKey!),
    }),
    defineRoute({
      method: 'post',
      path: '/groups/:groupId/join',
      summary: '参团：生成参团订单（待付款）并原子占座；未支付超时或取消则座位退回',
      tags: ['groupbuy'],
      auth: 'member',
      idempotent: true,
      params: GroupIdParamsSchema,
      body: GroupOrderRequestSchema,
      response: GroupOrderResultSchema,
      status: 201,
      errors: JOIN_ERRORS,
      handler: async ({ params, body, caller }) =>
        groupBuy.joinGroup(caller.member!, params.groupId, body, caller.idempotencyKey!),
    }),
    defineRoute({
      method: 'get',
      path: '/groups/:groupId',
      summary: '拼团分享落地页（无需登录）：商品、团购价与原价、成员头像昵称、剩余名额、截止时间、状态、可做的事',
      tags: ['groupbuy'],
      auth: 'optional-member',
      params: GroupIdParamsSchema,
      response: GroupViewSchema,
      errors: { 404: '拼团不存在' },
      handler: async ({ params, caller }) => groupBuy.landing(caller.member, params.groupId),
    }),
    defineRoute({
      method: 'post',
      path: '/groups/:groupId/notices',
      summary:
        '记录成员对「拼团结果」订阅消息的授权（requestSubscribeMessage 的结果；accept 才会在成团或失败时发送一次）',
      tags: ['groupbuy'],
      auth: 'member',
      params: GroupIdParamsSchema,
      body: z.object({ result: SubscribeResultSchema }).strict(),
      response: z.object({ accepted: z.boolean() }),
      errors: { 403: '不是该团成员', 503: '模板未配置' },
      handler: async ({ params, body, caller }) =>
        groupBuy.subscribeOutcome(caller.member!.id, params.groupId, body.result),
    }),
    defineRoute({
      method: 'get',
      path: '/me/groups',
      summary: '我的拼团（含状态）',
      tags: ['groupbuy'],
      auth: 'member',
      query: z
        .object({
          page: z.coerce.number().int().min(1).max(1000).default(1),
          pageSize: z.coerce.number().int().min(1).max(50).default(20),
        })
        .strict(),
      response: z.object({
        items: z.array(MyGroupSchema),
        total: z.number().int(),
        page: z.number().int(),
        pageSize: z.number().int(),
      }),
      handler: async ({ query, caller }) => groupBuy.myGroups(caller.member!.id, query),
    }),
  ];
}

const OPERATOR = { admin: ['operator'] } as const;

/** Mounted under /api/admin: campaigns are the `operator` role's. */
export function groupBuyAdminRoutes(groupBuy: GroupBuyService) {
  return [
    defineRoute({
      method: 'post',
      path: '/group-buys',
      summary:
        '创建拼团活动：商品规格与团购价、成团人数 2–10、每团时限 1 分钟–7 天、活动时间、活动库存、每人限参与次数、新人团',
      tags: ['admin: groupbuy'],
      auth: OPERATOR,
      body: AdminCampaignCreateSchema,
      response: AdminCampaignSchema,
      status: 201,
      errors: { 404: '商品不存在' },
      handler: async ({ body, caller }) => groupBuy.createCampaign(caller.admin!.id, body),
    }),
    defineRoute({
      method: 'get',
      path: '/group-buys',
      summary: '拼团活动列表',
      tags: ['admin: groupbuy'],
      auth: OPERATOR,
      query: AdminCampaignListQuerySchema,
      response: AdminCampaignPageSchema,
      handler: async ({ query }) => groupBuy.listCampaigns(query),
    }),
    defineRoute({
      method: 'get',
      path: '/group-buys/:id',
      summary: '拼团活动详情（含各状态团数）',
      tags: ['admin: groupbuy'],
      auth: OPERATOR,
      params: AdminIdParamsSchema,
      response: AdminCampaignSchema,
      handler: async ({ params }) => groupBuy.getCampaign(params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/group-buys/:id/pause',
      summary: '暂停活动（不能再开新团；进行中的团照常到期）',
      tags: ['admin: groupbuy'],
      auth: OPERATOR,
      params: AdminIdParamsSchema,
      response: AdminCampaignSchema,
      errors: { 409: '活动当前状态不可暂停' },
      handler: async ({ params }) => groupBuy.pauseCampaign(params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/group-buys/:id/resume',
      summary: '恢复已暂停的活动',
      tags: ['admin: groupbuy'],
      auth: OPERATOR,
      params: AdminIdParamsSchema,
      response: AdminCampaignSchema,
      errors: { 409: '活动当前状态不可恢复' },
      handler: async ({ params }) => groupBuy.resumeCampaign(params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/group-buys/:id/end',
      summary: '结束活动：进行中的团全部失败，已付款成员自动退款',
      tags: ['admin: groupbuy'],
      auth: OPERATOR,
      params: AdminIdParamsSchema,
      response: AdminCampaignSchema,
      handler: async ({ params }) => groupBuy.endCampaign(params.id),
    }),
  ];
}
