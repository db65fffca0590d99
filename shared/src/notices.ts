/** Subscribe messages (订阅消息): what `requestSubscribeMessage` answered, and a member's reminder state. */
import { z } from 'zod';

/** Per template, `Taro.requestSubscribeMessage` answers one of these. Only `accept` allows a send (one). */
export const SUBSCRIBE_RESULTS = ['accept', 'reject', 'ban', 'filter'] as const;
export const SubscribeResultSchema = z.enum(SUBSCRIBE_RESULTS);
export type SubscribeResult = z.infer<typeof SubscribeResultSchema>;

/** A member's one-time permission for one topic, as the storefront shows it. */
export const StoreNoticeGrantSchema = z.object({
  templateKey: z.string(),
  topic: z.string(),
  /** pending: will be sent; sent: delivered; failed: WeChat refused (e.g. 43101) or it could not be sent. */
  state: z.enum(['pending', 'sending', 'sent', 'failed']),
  acceptedAt: z.string(),
  sentAt: z.string().nullable(),
});
export type StoreNoticeGrant = z.infer<typeof StoreNoticeGrantSchema>;

/** Template ids the storefront passes to `requestSubscribeMessage`, by our key; null = not configured. */
export const StoreNoticeTemplatesSchema = z.object({
  templates: z.record(z.string(), z.string().nullable()),
  /** Demo mode: no WeChat credentials, messages are recorded, not sent. */
  demo: z.boolean(),
});
export type StoreNoticeTemplates = z.infer<typeof StoreNoticeTemplatesSchema>;
