import { StoreNoticeTemplatesSchema } from '@siyu/shared';
import { defineRoute } from '../../http/route';
import { StoreNoticeTemplatesQuerySchema } from './notices.schemas';
import type { NoticesService } from './notices.service';

/** Mounted under /api. Each domain stores grants through its own route (it knows which topics exist). */
export function noticesStoreRoutes(notices: NoticesService) {
  return [
    defineRoute({
      method: 'get',
      path: '/notices/templates',
      summary: '订阅消息模板：按名称给出 requestSubscribeMessage 使用的模板 id（未配置为 null）',
      tags: ['notices'],
      auth: 'public',
      query: StoreNoticeTemplatesQuerySchema,
      response: StoreNoticeTemplatesSchema,
      handler: async ({ query }) => notices.templates(query.keys),
    }),
  ];
}
