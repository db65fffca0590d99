import { formatShopTime } from '@siyu/shared';

/** An instant as the shop's clock shows it (Asia/Shanghai). */
export function shopTime(instant: string | null | undefined): string {
  if (!instant) return '';
  try {
    return formatShopTime(instant, 'YYYY-MM-DD HH:mm');
  } catch {
    return instant.slice(0, 16).replace('T', ' ');
  }
}
