/**
 * Success and failure notices of a group, through the notices module: one subscribe message per member
 * who accepted it for this group (topic `group:<groupId>`), at most once per grant. Field values are
 * trimmed to WeChat's limits by the notices module (`thing.*` ≤ 20 characters).
 */
import { formatShopTime, type SubscribeResult } from '@siyu/shared';
import type { GroupNotices } from './group-outcomes';

export const GROUPBUY_NOTICE_KEY = 'groupbuy_result';

export const groupTopic = (groupId: string) => `group:${groupId}`;

export interface NoticesPort {
  grant(memberId: string, templateKey: string, topic: string, result: SubscribeResult): Promise<unknown>;
  sendOnce(
    memberId: string,
    templateKey: string,
    topic: string,
    message: { page?: string; data: Record<string, string> },
  ): Promise<unknown>;
}

export function groupNotices(notices: NoticesPort): GroupNotices {
  return {
    async groupOutcome({ memberId, groupId, outcome, title, amount, at }) {
      // Template fields: 商品名称 thing1, 拼团结果 phrase2, 金额 amount3, 说明 thing4, 时间 time5.
      await notices.sendOnce(memberId, GROUPBUY_NOTICE_KEY, groupTopic(groupId), {
        page: `packages/groupbuy/group/index?id=${groupId}`,
        data: {
          thing1: title,
          phrase2: outcome === 'succeeded' ? '拼团成功' : '拼团失败',
          amount3: `${(amount / 100).toFixed(2)}元`,
          thing4: outcome === 'succeeded' ? '人已凑齐，商家将尽快发货' : '未凑齐人数，货款已原路全额退回',
          time5: formatShopTime(at),
        },
      });
    },
  };
}
