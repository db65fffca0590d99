/**
 * Tells the real order subscribers (membership, points, tasks) about an order that exists only as
 * the figures they read, as the dispatcher would after a transition: for tests of those domains that
 * do not need to place a real order first.
 */
import { Types } from 'mongoose';
import { membershipOrderSubscriber } from '../src/modules/membership/on-order';
import type { OrderDoc } from '../src/modules/orders/order.model';
import type { OrderEventType } from '../src/modules/orders/order-extensions';
import { pointsOrderSubscriber } from '../src/modules/points/on-order';
import { tasksOrderSubscriber } from '../src/modules/tasks/on-order';
import type { TestMall } from './harness';

export interface OrderFigures {
  memberId: string;
  orderId: string;
  orderNo: string;
  paidAmount: number;
  pointsEarned: number;
}

function orderOf(figures: OrderFigures): OrderDoc {
  return {
    _id: new Types.ObjectId(figures.orderId),
    member: new Types.ObjectId(figures.memberId),
    orderNo: figures.orderNo,
    payment: { paidAmount: figures.paidAmount },
    amounts: { payable: figures.paidAmount, pointsEarned: figures.pointsEarned },
    // Refunds reach these subscribers for orders that had completed.
    completedAt: new Date(),
  } as unknown as OrderDoc;
}

async function tell(mall: TestMall, figures: OrderFigures, type: OrderEventType, at: Date) {
  const { membership, points, tasks } = mall.services;
  // Refunds are told to membership and points here; the tasks' take-back of first-order rewards is
  // proved with real orders (orders/__tests__/events-and-holds.test.ts).
  const subscribers = [
    membershipOrderSubscriber(membership),
    pointsOrderSubscriber(points),
    ...(type === 'refunded' ? [] : [tasksOrderSubscriber(tasks)]),
  ];
  const order = orderOf(figures);
  for (const subscriber of subscribers) await subscriber.on[type]?.(order, { type, at, key: type });
}

export const tellCompleted = (mall: TestMall, figures: OrderFigures, at = new Date()) =>
  tell(mall, figures, 'completed', at);
export const tellRefunded = (mall: TestMall, figures: OrderFigures, at = new Date()) =>
  tell(mall, figures, 'refunded', at);
