/** Time is stored in UTC and shown in Asia/Shanghai. Day boundaries (check-ins, reports) follow Shanghai. */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

export const SHOP_TIMEZONE = 'Asia/Shanghai';

/** An instant shown to a shopper: "2026-11-22 17:34". */
export function formatShopTime(instant: Date | string | number, pattern = 'YYYY-MM-DD HH:mm'): string {
  return dayjs(instant).tz(SHOP_TIMEZONE).format(pattern);
}

/** The Shanghai calendar day an instant falls on: "2026-11-22". */
export function shopDay(instant: Date | string | number = Date.now()): string {
  return dayjs(instant).tz(SHOP_TIMEZONE).format('YYYY-MM-DD');
}

export { dayjs };
