/**
 * Order events: recorded by the transition, delivered to every registered subscriber, each delivery
 * marked on the order.
 *
 * Recording: every transition's own conditional update carries `eventUpdate(...)`: it pushes the
 * event, bumps `eventCount` and sets `deliverAfter` (now + grace). The event therefore exists exactly
 * when the transition does.
 *
 * Delivery (`deliver`): for each event, for each subscriber with a handler for its type whose mark
 * `<subscriber>:<key>` is missing: run the handler, then `$addToSet` the mark. A crash after a handler
 * and before its mark means that handler runs again later: handlers are keyed by the order, so that
 * second run changes nothing. Once every mark is there, `deliverAfter` is cleared, guarded by the
 * `eventCount` it saw (an event appended meanwhile keeps the order due).
 *
 * Redelivery (`deliverDue`, a job): orders whose `deliverAfter` has passed are claimed one at a time by
 * moving `deliverAfter` forward by a lease (a conditional update), so two instances never deliver the
 * same order at once; what is still undelivered after a crash, or after a failing handler, is retried
 * when the lease runs out.
 */
import type { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import type { Logger } from '../../http/logger';
import { Order, type OrderDoc } from './order.model';
import type { OrderEvent, OrderEventType, OrderSubscriber } from './order-extensions';

/** How long an inline delivery may take before the job considers the order its own. */
const GRACE_MS = 30_000;
/** How long a claimed order stays the claimer's. */
const LEASE_MS = 60_000;

/** The parts of a transition's update that record its event. Merge into the transition's own update. */
export function eventUpdate(type: OrderEventType, now: Date, ref?: string) {
  const event: OrderEvent = { type, at: now, key: ref ? `${type}:${ref}` : type, ...(ref ? { ref } : {}) };
  return {
    $push: { events: event },
    $inc: { eventCount: 1 },
    $set: { deliverAfter: new Date(now.getTime() + GRACE_MS) },
  };
}

/** Two events in one update (`created` then `paid` for an order with nothing to pay). */
export function eventsUpdate(types: OrderEventType[], now: Date) {
  const events = types.map((type): OrderEvent => ({ type, at: now, key: type }));
  return {
    $push: { events: { $each: events } },
    $inc: { eventCount: events.length },
    $set: { deliverAfter: new Date(now.getTime() + GRACE_MS) },
  };
}

/** Merges `$set`/`$push`/`$inc` parts of several updates into one update document. */
export function mergeUpdates(...updates: Record<string, Record<string, unknown>>[]): Record<string, unknown> {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const update of updates) {
    for (const [operator, fields] of Object.entries(update)) merged[operator] = { ...merged[operator], ...fields };
  }
  return merged;
}

export interface OrderEventsOptions {
  log: Logger;
  /** Tests: what a crash right after a transition looks like (the events stay undelivered). */
  skipInlineDelivery?: () => boolean;
}

export function createOrderEvents(options: OrderEventsOptions) {
  const subscribers: OrderSubscriber[] = [];

  function undelivered(order: OrderDoc): { event: OrderEvent; subscriber: OrderSubscriber; mark: string }[] {
    const marks = new Set(order.delivered ?? []);
    const due: { event: OrderEvent; subscriber: OrderSubscriber; mark: string }[] = [];
    for (const event of order.events ?? []) {
      for (const subscriber of subscribers) {
        const mark = `${subscriber.name}:${event.key}`;
        if (subscriber.on[event.type] && !marks.has(mark)) due.push({ event, subscriber, mark });
      }
    }
    return due;
  }

  /**
   * Delivers what this order has not yet delivered; answers whether everything got through and how
   * many handlers ran. The marks of one pass are written together at its end (with `deliverAfter`
   * cleared when nothing failed): a crash before that write runs those handlers again, which their
   * keys make harmless, and a whole pass costs one write however many subscribers it reached.
   */
  async function deliverOrder(order: OrderDoc): Promise<{ ok: boolean; ran: number }> {
    let failed = false;
    const marks: string[] = [];
    // Subscribers that failed on an earlier event of this order wait, so they see events in order.
    const blocked = new Set<string>();
    for (const { event, subscriber, mark } of undelivered(order)) {
      if (blocked.has(subscriber.name)) continue;
      try {
        // Each handler sees the order as it is now (later transitions included), keyed by its id.
        await subscriber.on[event.type]!(order, event);
        marks.push(mark);
      } catch (error) {
        failed = true;
        blocked.add(subscriber.name);
        options.log.warn(
          { err: error, orderNo: order.orderNo, subscriber: subscriber.name, event: event.key },
          'order event delivery failed; the delivery job retries',
        );
      }
    }
    const addMarks = marks.length ? { $addToSet: { delivered: { $each: marks } } } : {};
    if (!failed && order.deliverAfter != null) {
      // Guarded by the event count it saw: an event appended meanwhile keeps the order due.
      const cleared = await Order.updateOne(
        { _id: order._id, eventCount: order.eventCount ?? (order.events ?? []).length },
        { ...addMarks, $set: { deliverAfter: null } },
      );
      if (cleared.matchedCount === 1) return { ok: true, ran: marks.length };
    }
    if (marks.length) await Order.updateOne({ _id: order._id }, addMarks);
    return { ok: !failed, ran: marks.length };
  }

  const events = {
    /** Registered where the app is wired; orders knows subscribers only through this list. */
    subscribe(subscriber: OrderSubscriber): void {
      if (subscribers.some((known) => known.name === subscriber.name)) {
        throw new Error(`order subscriber ${subscriber.name} is registered twice`);
      }
      subscribers.push(subscriber);
    },

    subscriberNames(): string[] {
      return subscribers.map((subscriber) => subscriber.name);
    },

    /**
     * The event part of a transition's update, like `eventUpdate`/`eventsUpdate`, except that the
     * order is made due for delivery only when some subscriber handles one of these events (nobody
     * handles `created` today, so a new order is not queued for a delivery pass that has nothing to do).
     */
    record(types: OrderEventType[], now: Date) {
      const update = types.length === 1 ? eventUpdate(types[0]!, now) : eventsUpdate(types, now);
      const handled = types.some((type) => subscribers.some((subscriber) => subscriber.on[type]));
      if (handled) return update;
      const { deliverAfter: _due, ...rest } = update.$set;
      return { ...update, $set: rest };
    },

    /**
     * Right after a transition: deliver its events in this process (the job is the safety net). Takes
     * the order's id, or the document the transition's update answered (saves a read). Answers how
     * many handlers ran.
     */
    async deliver(orderOrId: OrderDoc | Types.ObjectId | string): Promise<number> {
      if (options.skipInlineDelivery?.()) return 0;
      const order =
        typeof orderOrId === 'object' && 'events' in orderOrId
          ? orderOrId
          : await Order.findById(orderOrId).lean<OrderDoc>();
      if (!order) return 0;
      return (await deliverOrder(order)).ran;
    },

    /** The delivery job: claims due orders one by one (a lease) and delivers what they still owe. */
    async deliverDue(now: Date, limit = 100): Promise<number> {
      const due = await Order.find({ deliverAfter: trustedOperators({ $lte: now }) }, { _id: 1, deliverAfter: 1 })
        .sort({ deliverAfter: 1 })
        .limit(limit)
        .lean<Pick<OrderDoc, '_id' | 'deliverAfter'>[]>();
      let delivered = 0;
      for (const candidate of due) {
        const claimed = await Order.findOneAndUpdate(
          { _id: candidate._id, deliverAfter: candidate.deliverAfter },
          { $set: { deliverAfter: new Date(now.getTime() + LEASE_MS) } },
          { new: true },
        ).lean<OrderDoc>();
        if (!claimed) continue; // another instance took it
        if ((await deliverOrder(claimed)).ok) delivered++;
      }
      return delivered;
    },
  };
  return events;
}

export type OrderEvents = ReturnType<typeof createOrderEvents>;
