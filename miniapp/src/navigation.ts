import Taro from '@tarojs/taro';
import { PAGES, TAB_PAGES } from './brand';

/** The page the shopper is on now, as an absolute path with its query: `/pages/me/index?x=1`. */
export function currentPagePath(): string | null {
  const pages = Taro.getCurrentPages();
  const page = pages[pages.length - 1];
  if (!page?.route) return null;
  const route = page.route.startsWith('/') ? page.route : `/${page.route}`;
  const options = (page as { options?: Record<string, string | undefined> }).options ?? {};
  const query = Object.entries(options)
    .filter(([key, value]) => key !== '$taroTimestamp' && value !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(value ?? '')}`)
    .join('&');
  return query ? `${route}?${query}` : route;
}

function pathOf(url: string): string {
  return url.split('?')[0] ?? url;
}

/**
 * Where the pages that moved into sub-packages used to be. Links shared before the move, and task actions the
 * server still names by the old path, keep working through `currentPageUrl`.
 */
export const MOVED_PAGES: Readonly<Record<string, string>> = {
  '/pages/product/index': '/packages/shop/product/index',
  '/pages/checkout/index': '/packages/shop/checkout/index',
  '/pages/pay/index': '/packages/shop/pay/index',
  '/pages/orders/index': '/packages/shop/orders/index',
  '/pages/order/index': '/packages/shop/order/index',
  '/pages/addresses/index': '/packages/shop/addresses/index',
  '/pages/address-edit/index': '/packages/shop/address-edit/index',
  '/pages/membership/index': '/packages/member/membership/index',
  '/pages/points/index': '/packages/member/points/index',
  '/pages/points-history/index': '/packages/member/points-history/index',
  '/pages/review-task/index': '/packages/member/review-task/index',
  '/pages/invite/index': '/packages/member/invite/index',
  '/pages/points-mall/index': '/packages/member/points-mall/index',
  '/pages/profile/index': '/packages/member/profile/index',
};

/**
 * Where a link to a page that does not exist should go instead: the page's new home when it moved into a
 * sub-package (query kept), else the 页面不存在 page.
 */
export function pageNotFoundTarget(path: string, query: Record<string, unknown> = {}): string {
  const absolute = path.startsWith('/') ? path : `/${path}`;
  const moved = MOVED_PAGES[absolute.split('?')[0] ?? absolute];
  if (!moved) return PAGES.notFound;
  const pairs = Object.entries(query)
    .filter(([key, value]) => typeof value === 'string' && key !== '$taroTimestamp')
    .map(([key, value]) => `${key}=${encodeURIComponent(value as string)}`);
  return pairs.length ? `${moved}?${pairs.join('&')}` : moved;
}

/** A page URL with a pre-move path rewritten to where that page lives now (query kept). */
export function currentPageUrl(url: string): string {
  const absolute = url.startsWith('/') ? url : `/${url}`;
  const path = pathOf(absolute);
  const moved = MOVED_PAGES[path];
  return moved ? `${moved}${absolute.slice(path.length)}` : absolute;
}

export function isTabPage(url: string): boolean {
  const path = pathOf(url).replace(/^\//, '');
  return (TAB_PAGES as readonly string[]).includes(path);
}

let loginOpening = false;

/**
 * Opens the login page, remembering where the shopper was so login can return there. Several failing requests
 * at once (an expired session) open it only once.
 */
export function goToLogin(from: string | null = currentPagePath()): void {
  if (loginOpening) return;
  if (from && pathOf(from) === PAGES.login) return;
  loginOpening = true;
  const url = from ? `${PAGES.login}?from=${encodeURIComponent(from)}` : PAGES.login;
  Taro.navigateTo({ url })
    .catch(() => Taro.redirectTo({ url }))
    .catch(() => undefined)
    .finally(() => {
      loginOpening = false;
    });
}

/** After login: back to the page the shopper came from (我的 when unknown). */
export async function returnAfterLogin(from: string | undefined): Promise<void> {
  const target = from && pathOf(from) !== PAGES.login ? from : PAGES.me;
  const pages = Taro.getCurrentPages();
  const previous = pages[pages.length - 2];
  if (previous?.route && `/${previous.route.replace(/^\//, '')}` === pathOf(target)) {
    await Taro.navigateBack();
    return;
  }
  if (isTabPage(target)) {
    await Taro.switchTab({ url: pathOf(target) });
    return;
  }
  await Taro.redirectTo({ url: target });
}
