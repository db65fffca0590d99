/** Channels (视频号) lives: the schedule, a live's lineup, reservations, reminders and click-throughs. */
import {
  type StoreLive,
  type StoreLiveDetail,
  StoreLiveDetailSchema,
  StoreLiveSchema,
  type StoreMyReservation,
  StoreMyReservationSchema,
  type StoreNoticeGrant,
  type StoreNoticeTemplates,
  StoreNoticeTemplatesSchema,
  StoreReminderResultSchema,
  type StoreReservationResult,
  StoreReservationResultSchema,
  type SubscribeResult,
} from '@siyu/shared';
import { request } from './client';
import { isLoggedIn } from './session';

const LiveListShape = StoreLiveSchema.array();
const MyReservationsShape = StoreMyReservationSchema.array();

/** Upcoming and live ones, soonest first (with my own reservation and reminder when logged in). */
export function fetchLives(options: { silent?: boolean } = {}): Promise<StoreLive[]> {
  return request({ path: '/livestreams', auth: isLoggedIn(), silent: options.silent }, LiveListShape);
}

export function fetchLive(id: string, options: { silent?: boolean } = {}): Promise<StoreLiveDetail> {
  return request(
    { path: `/livestreams/${encodeURIComponent(id)}`, auth: isLoggedIn(), silent: options.silent },
    StoreLiveDetailSchema,
  );
}

export function fetchMyLives(options: { silent?: boolean } = {}): Promise<StoreMyReservation[]> {
  return request({ path: '/me/livestreams', silent: options.silent }, MyReservationsShape);
}

/** Reports what `reserveChannelsLive` answered (`state`); the server's record decides the button. */
export function reportReservation(id: string, state: number): Promise<StoreReservationResult> {
  return request(
    { method: 'POST', path: `/livestreams/${encodeURIComponent(id)}/reservations`, body: { state }, silent: true },
    StoreReservationResultSchema,
  );
}

/** Stores what `requestSubscribeMessage` answered for the live reminder template. */
export async function saveReminder(id: string, result: SubscribeResult): Promise<StoreNoticeGrant | null> {
  const answer = await request(
    { method: 'POST', path: `/livestreams/${encodeURIComponent(id)}/reminders`, body: { result } },
    StoreReminderResultSchema,
  );
  return answer.reminder;
}

export function fetchNoticeTemplates(keys: readonly string[]): Promise<StoreNoticeTemplates> {
  return request(
    { path: '/notices/templates', query: { keys: keys.join(',') }, auth: false, silent: true },
    StoreNoticeTemplatesSchema,
  );
}

/** A tap from the lineup through to a product (counted once a day per viewer); never in the shopper's way. */
export function recordClick(id: string, body: { productId?: string; visitorId?: string }): Promise<void> {
  return request<void>({
    method: 'POST',
    path: `/livestreams/${encodeURIComponent(id)}/clicks`,
    body,
    auth: isLoggedIn(),
    silent: true,
  }).catch(() => undefined);
}
