import { z } from 'zod';

export const StoreNoticeTemplatesQuerySchema = z
  .object({
    /** Comma-separated template keys: `live_reminder,groupbuy_result`. */
    keys: z
      .string()
      .regex(/^[a-z0-9_]{1,40}(,[a-z0-9_]{1,40}){0,9}$/, '模板名称有误')
      .transform((text) => text.split(',')),
  })
  .strict();
