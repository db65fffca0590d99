/** Group-buy test setup over HTTP: a campaign made by an operator, members who open, join and pay in the sandbox. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { TestMall } from '../../../../test/harness';
import { productWithStock, shopper } from '../../orders/__tests__/checkout-fixtures';
import { Group } from '../groupbuy.model';

export type Shopper = Awaited<ReturnType<typeof shopper>>;

export async function campaign(
  mall: TestMall,
  options: {
    groupSize?: number;
    groupMinutes?: number;
    stock?: number;
    skuStock?: number;
    limitPerMember?: number;
    newMembersOnly?: boolean;
    price?: number;
    groupPrice?: number;
  } = {},
) {
  const { productId, skuId } = await productWithStock(mall, {
    stock: options.skuStock ?? 100,
    price: options.price ?? 6800,
  });
  const operator = await mall.loginAdmin('operator');
  const now = Date.now();
  const created = await mall.api('POST', '/api/admin/group-buys', {
    token: operator,
    body: {
      productId,
      skus: [{ skuId, groupPrice: options.groupPrice ?? 4900 }],
      groupSize: options.groupSize ?? 3,
      groupMinutes: options.groupMinutes ?? 60,
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 7 * 86_400_000).toISOString(),
      stock: options.stock ?? 50,
      ...(options.limitPerMember !== undefined ? { limitPerMember: options.limitPerMember } : {}),
      ...(options.newMembersOnly ? { newMembersOnly: true } : {}),
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.id as string, productId, skuId, operator };
}

export function openGroup(
  mall: TestMall,
  leader: Shopper,
  campaignId: string,
  skuId: string,
  key = `open-${randomUUID()}`,
) {
  return mall.api('POST', `/api/group-buys/${campaignId}/groups`, {
    token: leader.token,
    headers: { 'Idempotency-Key': key },
    body: { skuId, addressId: leader.addressId },
  });
}

export function joinGroup(
  mall: TestMall,
  member: Shopper,
  groupId: string,
  skuId: string,
  key = `join-${randomUUID()}`,
) {
  return mall.api('POST', `/api/groups/${groupId}/join`, {
    token: member.token,
    headers: { 'Idempotency-Key': key },
    body: { skuId, addressId: member.addressId },
  });
}

/** Pays an order the way the storefront does in demo mode: prepay, then the sandbox cashier confirms. */
export async function pay(mall: TestMall, member: Shopper, orderId: string) {
  const prepay = await mall.api('POST', `/api/orders/${orderId}/pay`, { token: member.token });
  expect(prepay.status, JSON.stringify(prepay.body)).toBe(200);
  const confirm = await fetch(prepay.body.sandbox.confirmUrl, { method: 'POST' });
  expect(confirm.status).toBe(200);
  return prepay.body.orderNo as string;
}

/** A leader who opened a group and paid: the group is open. */
export async function openPaidGroup(mall: TestMall, campaignId: string, skuId: string, leader?: Shopper) {
  const who = leader ?? (await shopper(mall));
  const opened = await openGroup(mall, who, campaignId, skuId);
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  await pay(mall, who, opened.body.order.id);
  return { leader: who, groupId: opened.body.group.id as string, orderId: opened.body.order.id as string };
}

/** Time passes: the group's own deadline is moved into the past (the clock is the only thing we fake). */
export async function passDeadline(groupId: string) {
  await Group.updateOne({ _id: groupId }, { $set: { deadline: new Date(Date.now() - 1000) } });
}

export { shopper };
