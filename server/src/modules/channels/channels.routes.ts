import { TOUCH_TYPES } from '@siyu/shared';
import { z } from 'zod';
import { IdParams } from '../../http/params';
import { defineRoute } from '../../http/route';
import type { ChannelsService } from './channels.service';

const TouchViewSchema = z.object({
  type: z.enum(TOUCH_TYPES),
  typeName: z.string(),
  id: z.string().nullable(),
  at: z.string(),
});

/** Mounted under /api/admin. */
export function channelsAdminRoutes(channels: ChannelsService) {
  return [
    defineRoute({
      method: 'get',
      path: '/members/:id/source',
      summary: '会员来源：首次触达（包裹卡批次、邀请、直播、拼团分享或自然进入，只记一次）和之后的触达记录',
      tags: ['admin: channels'],
      auth: { admin: ['operator', 'support'] },
      params: IdParams,
      response: z.object({ memberId: z.string(), first: TouchViewSchema, history: z.array(TouchViewSchema) }),
      handler: async ({ params }) => channels.sourceOf(params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/channels/summary',
      summary: '各渠道首次触达的会员数（包裹卡按批次、邀请按邀请人）',
      tags: ['admin: channels'],
      auth: { admin: ['operator'] },
      response: z.array(
        z.object({ type: z.enum(TOUCH_TYPES), typeName: z.string(), id: z.string().nullable(), members: z.number() }),
      ),
      handler: async () => channels.firstTouchSummary(),
    }),
  ];
}
