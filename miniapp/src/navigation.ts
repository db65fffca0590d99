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
