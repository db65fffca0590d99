/**
 * How other domains take part in an order without orders knowing them. Two kinds, kept apart:
 *
 * - **Holds** are taken while an order is created and given back on failure, cancel or refund (stock,
 *   purchase limits, points, coupons, group-buy seats). Each kind is self-proving: its `take` leaves
 *   the order id on the document it changes (a SKU's `holders`, a coupon's `lockedBy`, a group's
 *   `seats`), guarded by that same id, so a retry takes nothing twice and a crash at any point can be
 *   repaired by calling `giveBack`, which removes the order id in the same conditional update that
 *   returns the thing. Both are therefore idempotent per order; orders may call them any number of times.
 *
 * - **Subscribers** react after a transition has committed. Every transition's conditional update also
 *   appends its event to `order.events`; the dispatcher calls every subscriber with a handler for that
 *   event type and records `<subscriber>:<event key>` in `order.delivered`. A lease-based job
 *   redelivers whatever a crash left undelivered, so a handler runs at least once: handlers must be
 *   keyed by the order (ledger keys, conditional updates) so a second delivery changes nothing.
 *
 * Orders imports none of the modules that implement these; they are registered where the app is wired
 * (`app.ts`).
 */
import type { OrderDoc } from './order.model';

export const ORDER_EVENT_TYPES = [
  'created', // creating → pending_payment (or → paid when nothing is left to pay: `created` then `paid`)
  'paid',
  'shipped',
  'completed',
  'cancelled',
  'refund_requested',
  'refunded', // the whole order
  'partially_refunded', // some lines (after-sales); `ref` names the refund
  'failed', // creation failed or was interrupted: every hold is given back
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

export interface OrderEvent {
  type: OrderEventType;
  at: Date;
  /** Unique per order: `type`, or `type:ref` for events that can happen more than once (partial refunds). */
  key: string;
  ref?: string;
}

/** Why a hold is given back. */
export type GiveBackReason = 'failed' | 'cancelled' | 'refunded';

export interface OrderHold {
  /** Stable name, also recorded on the order (`holdsTaken`) once taken: 'stock', 'limits', 'points', 'coupon', 'seat'. */
  kind: string;
  /** Whether this order needs this hold at all (a coupon hold applies only when `order.couponId` is set). */
  appliesTo(order: OrderDoc): boolean;
  /**
   * Takes what the order needs, keyed by `order._id`: calling it again for the same order takes
   * nothing more. Throws an AppError (type 'conflict' usually) when it cannot; it must then have taken
   * nothing (or have given back what it took) before throwing.
   */
  take(order: OrderDoc): Promise<void>;
  /**
   * Gives back what `take` took for this order, exactly once however often it is called; a no-op when
   * nothing was taken (or it was already given back, or it became final). `reason` lets a kind keep
   * what it should keep (stock of a shipped order, a used coupon after a full refund, by its setting).
   */
  giveBack(order: OrderDoc, reason: GiveBackReason): Promise<void>;
}

export interface OrderSubscriber {
  /** Stable name used in delivery marks: 'membership', 'points', 'tasks', 'coupons', 'groupbuy', 'livestream', 'analytics'. */
  name: string;
  /** Handlers per event type; each receives the order as it is after the transition. */
  on: Partial<Record<OrderEventType, (order: OrderDoc, event: OrderEvent) => Promise<void>>>;
}

/**
 * What a domain that places an order on a member's behalf (a group-buy) adds to the plain checkout.
 * Passed as the 4th argument of `orders.create`. Everything is stored on the order, so holds and
 * subscribers can read it.
 */
export interface PlaceOrderOptions {
  /** Unit prices a campaign decided (the group price), by SKU; they replace the member price. */
  priceOverrides?: Record<string, { unitPrice: number; priceSource: string }>;
  /**
   * Conditions to lift before the order may ship (`'groupbuy'` until the group succeeds). A gated
   * paid order shows its gate text instead of 待发货 and `ship` refuses it; `orders.openGate` lifts one.
   */
  gates?: { name: string; text: string }[];
  /** Attachments for the domain's own holds and subscribers, e.g. `{ groupId, campaignId }`. */
  context?: Record<string, string>;
  /** How long the member has to pay, when not the shop's default (a group leader's order). */
  payMinutes?: number;
}
