/** Group-buy (拼团): running campaigns, opening and joining groups, the share landing, my groups. */
import {
  type GroupBuyCard,
  GroupBuyCardSchema,
  type GroupBuyDetail,
  GroupBuyDetailSchema,
  type GroupOrderResult,
  GroupOrderResultSchema,
  type GroupView,
  GroupViewSchema,
  type MyGroup,
  MyGroupSchema,
} from '@siyu/shared';
import { request, type Shape } from './client';

export const PAGES_GROUPBUY = {
  campaign: '/packages/groupbuy/campaign/index',
  group: '/packages/groupbuy/group/index',
  mine: '/packages/groupbuy/mine/index',
} as const;

export function campaignUrl(id: string): string {
  return `${PAGES_GROUPBUY.campaign}?id=${encodeURIComponent(id)}`;
}

export function groupUrl(id: string): string {
  return `${PAGES_GROUPBUY.group}?id=${encodeURIComponent(id)}`;
}

const CardListShape = GroupBuyCardSchema.array();

export function fetchGroupBuys(
  query: { productId?: string } = {},
  options: { silent?: boolean } = {},
): Promise<GroupBuyCard[]> {
  return request({ path: '/group-buys', query: { productId: query.productId }, silent: options.silent }, CardListShape);
}

export function fetchGroupBuy(id: string, options: { silent?: boolean } = {}): Promise<GroupBuyDetail> {
  return request({ path: `/group-buys/${encodeURIComponent(id)}`, silent: options.silent }, GroupBuyDetailSchema);
}

/** The share landing: readable before login (the token is sent when there is one). */
export function fetchGroup(id: string, options: { silent?: boolean } = {}): Promise<GroupView> {
  return request({ path: `/groups/${encodeURIComponent(id)}`, silent: options.silent }, GroupViewSchema);
}

/** `idempotencyKey` belongs to one tap: send it again on a retry so the server answers the same group and order. */
export function openGroup(
  campaignId: string,
  input: { skuId: string; addressId: string },
  idempotencyKey: string,
): Promise<GroupOrderResult> {
  return request(
    {
      method: 'POST',
      path: `/group-buys/${encodeURIComponent(campaignId)}/groups`,
      body: { ...input },
      headers: { 'Idempotency-Key': idempotencyKey },
    },
    GroupOrderResultSchema,
  );
}

export function joinGroup(
  groupId: string,
  input: { skuId: string; addressId: string },
  idempotencyKey: string,
): Promise<GroupOrderResult> {
  return request(
    {
      method: 'POST',
      path: `/groups/${encodeURIComponent(groupId)}/join`,
      body: { ...input },
      headers: { 'Idempotency-Key': idempotencyKey },
    },
    GroupOrderResultSchema,
  );
}

export interface MyGroupPage {
  items: MyGroup[];
  total: number;
  page: number;
  pageSize: number;
}

const MyGroupListShape = MyGroupSchema.array();
const MyGroupPageShape: Shape<MyGroupPage> = {
  safeParse(value: unknown) {
    if (!value || typeof value !== 'object') return { success: false };
    const body = value as Record<string, unknown>;
    const items = MyGroupListShape.safeParse(body.items);
    if (!items.success || ![body.total, body.page, body.pageSize].every((n) => typeof n === 'number'))
      return { success: false };
    return {
      success: true,
      data: {
        items: items.data,
        total: body.total as number,
        page: body.page as number,
        pageSize: body.pageSize as number,
      },
    };
  },
};

export function fetchMyGroups(query: { page?: number } = {}, options: { silent?: boolean } = {}): Promise<MyGroupPage> {
  return request({ path: '/me/groups', query: { page: query.page }, silent: options.silent }, MyGroupPageShape);
}

/** "1天3小时" / "2小时" / "30分钟": a campaign's time limit per group. */
export function groupMinutesText(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}天`;
  if (minutes >= 1440) return `${Math.floor(minutes / 1440)}天${Math.round((minutes % 1440) / 60)}小时`;
  if (minutes % 60 === 0) return `${minutes / 60}小时`;
  return minutes > 60 ? `${Math.floor(minutes / 60)}小时${minutes % 60}分钟` : `${minutes}分钟`;
}

const NOTICE_KEY = 'groupbuy_result';

/** The subscribe-message template for a group's result (null when the shop has not configured it). */
export async function groupNoticeTemplate(): Promise<string | null> {
  const answer = await request<{ templates: Record<string, string | null> }>({
    path: '/notices/templates',
    query: { keys: NOTICE_KEY },
    auth: false,
    silent: true,
  });
  return answer?.templates?.[NOTICE_KEY] ?? null;
}

/** What requestSubscribeMessage answered for this group's result notice. */
export function saveGroupNotice(groupId: string, result: string): Promise<unknown> {
  return request({
    method: 'POST',
    path: `/groups/${encodeURIComponent(groupId)}/notices`,
    body: { result },
    silent: true,
  });
}
