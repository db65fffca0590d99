/**
 * The orders service: placing (orders.placing.ts), transitions (orders.transitions.ts), queries
 * (orders.queries.ts) and views (orders.views.ts), with the two registries through which other domains
 * take part without orders knowing them (order-extensions.ts):
 *
 * - holds, taken while an order is created and given back, by their own proofs, when it fails, is
 *   cancelled or refunded (the built-in `holds` subscriber does the giving back on those events);
 * - subscribers, called with every event after its transition committed (order-events.ts).
 *
 * Invariant: for every order and hold kind, what the kind holds for the order is taken exactly when
 * the order is `creating`, `pending_payment`, `paid`, `shipped`, `completed` or `refunding`, and given
 * back once it is `failed`, `cancelled` or `refunded` (less what a kind keeps by its rule: shipped
 * stock, a used coupon). A crash at any point leaves either a `creating` order (the recovery job fails
 * it) or an undelivered event (the delivery job delivers it); both end in that invariant.
 */
import type { VisibleOrderStatus } from '@siyu/shared';
import type { Logger } from '../../http/logger';
import { createOrderEvents } from './order-events';
import type { GiveBackReason, OrderHold, OrderSubscriber } from './order-extensions';
import { createOrderPlacing, type PlacingDeps } from './orders.placing';
import { createOrderQueries } from './orders.queries';
import { createOrderTransitions } from './orders.transitions';
import { toOrderView } from './orders.views';

export { SimulatedCrash, type Viewer } from './orders.placing';
export type { AdminOrderQuery } from './orders.queries';
export { requestHash, toOrderView } from './orders.views';

export interface OrdersDeps extends PlacingDeps {
  autoCompleteDays: number;
  log: Logger;
  /** Tests: stands for a crash right after a transition (its events stay undelivered). */
  skipInlineDelivery?: () => boolean;
}

export function createOrdersService(deps: OrdersDeps) {
  const holds: OrderHold[] = [];
  const events = createOrderEvents({
    log: deps.log,
    ...(deps.skipInlineDelivery ? { skipInlineDelivery: deps.skipInlineDelivery } : {}),
  });
  const queries = createOrderQueries();
  const placing = createOrderPlacing(deps, holds, events, queries);
  const transitions = createOrderTransitions(deps, events);

  const giveBack =
    (reason: GiveBackReason) =>
    (order: Parameters<typeof placing.giveBackAll>[0]): Promise<void> =>
      placing.giveBackAll(order, reason);
  // Giving back is itself a subscriber, registered first so holds come back before anyone else reacts.
  events.subscribe({
    name: 'holds',
    on: { failed: giveBack('failed'), cancelled: giveBack('cancelled'), refunded: giveBack('refunded') },
  });

  return {
    ...queries,
    ...transitions,
    preview: placing.preview,
    create: placing.create,
    recoverInterrupted: placing.recoverInterrupted,

    /** A member's own orders, newest first. */
    async list(memberId: string, query: { status?: VisibleOrderStatus | undefined; page: number; pageSize: number }) {
      const { items, total } = await queries.listOwn(memberId, query);
      return { items: items.map(toOrderView), total, page: query.page, pageSize: query.pageSize };
    },

    async get(memberId: string, orderId: string) {
      return toOrderView(await queries.loadOwn(memberId, orderId));
    },

    /** Registers a kind of hold; taken in registration order when an order is created. */
    registerHold(hold: OrderHold): void {
      if (holds.some((known) => known.kind === hold.kind)) throw new Error(`hold ${hold.kind} is registered twice`);
      holds.push(hold);
    },

    /** Registers a subscriber to order events. */
    subscribe(subscriber: OrderSubscriber): void {
      events.subscribe(subscriber);
    },

    holdKinds: () => holds.map((hold) => hold.kind),
    subscriberNames: () => events.subscriberNames(),

    /** The delivery job's work: whatever a crash or a failing subscriber left undelivered. */
    deliverDue: (now: Date) => events.deliverDue(now),
  };
}

export type OrdersService = ReturnType<typeof createOrdersService>;
