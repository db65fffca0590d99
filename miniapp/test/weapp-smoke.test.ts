// @vitest-environment node
/**
 * The weapp build a shopper actually gets, run for real: miniprogram-simulate renders the compiled 我的 page
 * (WXML compiled by WeChat's own wcc, our React code running on Taro's mini runtime), with small App/Page
 * stand-ins for the two constructors only WeChat provides. Needs `npm run build:weapp -w miniapp` first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const ME_PAGE = 'pages/me/index';

/** The part of a j-component wrapper this test touches. */
interface SimulatedComponent {
  dom: HTMLElement;
  attach(parent: Element): void;
  querySelector(selector: string): SimulatedComponent | undefined;
  dispatchEvent(eventName: string, options?: Record<string, unknown>): void;
}

interface Simulate {
  load(componentPath: string, options?: { rootPath?: string }): string;
  render(id: string, properties?: Record<string, unknown>): SimulatedComponent;
}

type Lifecycle = (this: Record<string, unknown>, ...args: unknown[]) => void;
type Options = Record<string, unknown>;

const globals = globalThis as Record<string, unknown>;

async function until<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * WeChat's base library, as far as a Taro page needs it: a DOM for j-component to draw into, `App` and `Page`
 * constructors (a page becomes a j-component custom component whose `attached` plays onLoad → onShow → onReady),
 * and getApp/getCurrentPages.
 */
interface Host {
  simulate: Simulate;
  navigations: Options[];
  requests: Options[];
  storage: Map<string, unknown>;
  answer: (respond: (request: Options) => { statusCode: number; data: unknown }) => void;
}

function installMiniProgramHost(route: string): Host {
  const { JSDOM } = require('jsdom') as { JSDOM: new (html: string, options?: Options) => { window: Window } };
  const { window } = new JSDOM('<!doctype html><html><head></head><body></body></html>', { pretendToBeVisual: true });
  globals.window = window;
  globals.document = window.document;
  // j-component builds events with the global constructors: they must be the DOM's, not Node's own.
  for (const name of ['Event', 'CustomEvent', 'MouseEvent', 'HTMLElement', 'Element', 'Node'] as const) {
    globals[name] = (window as unknown as Options)[name];
  }

  const simulate = require('miniprogram-simulate') as Simulate;
  const registerComponent = globals.Component as (definition: Options) => void;
  const wx = globals.wx as Record<string, unknown>;

  let app: Options | null = null;
  const pages: Options[] = [];
  globals.App = (options: Options) => {
    app = options;
  };
  globals.getApp = () => app;
  globals.getCurrentPages = () => pages;
  globals.Page = (options: Options) => {
    const methods: Record<string, Lifecycle> = {};
    for (const [key, value] of Object.entries(options)) {
      if (typeof value === 'function') methods[key] = value as Lifecycle;
    }
    registerComponent({
      data: (options.data as Options | undefined) ?? {},
      methods,
      lifetimes: {
        attached(this: Options) {
          this.route = route;
          pages.push(this);
          for (const [lifecycle, args] of [
            ['onLoad', [{}]],
            ['onShow', []],
            ['onReady', []],
          ] as const) {
            (this[lifecycle] as Lifecycle | undefined)?.call(this, ...args);
          }
        },
      },
    });
  };

  const navigations: Options[] = [];
  wx.navigateTo = (options: Options) => {
    navigations.push({ url: options.url });
    (options.success as ((result: Options) => void) | undefined)?.({ errMsg: 'navigateTo:ok' });
  };
  const storage = new Map<string, unknown>();
  wx.getStorageSync = (key: string) => (storage.has(key) ? structuredClone(storage.get(key)) : '');
  wx.setStorageSync = (key: string, value: unknown) => void storage.set(key, structuredClone(value));
  wx.removeStorageSync = (key: string) => void storage.delete(key);

  const requests: Options[] = [];
  let respond: (request: Options) => { statusCode: number; data: unknown } = () => ({ statusCode: 404, data: null });
  wx.request = (options: Options) => {
    requests.push({ url: options.url, method: options.method, header: options.header, data: options.data });
    const response = respond(options);
    setTimeout(() => (options.success as ((result: Options) => void) | undefined)?.({ ...response, header: {} }), 0);
    return { abort() {} };
  };

  // Taro's webpack runtime first, then the app (which pulls in taro, vendors and common), then launch it.
  require(path.join(dist, 'runtime.js'));
  require(path.join(dist, 'app.js'));
  const launched = app as Options | null;
  if (!launched || typeof launched.onLaunch !== 'function') throw new Error('dist/app.js did not register an App');
  (launched.onLaunch as Lifecycle).call(launched, { path: route, query: {}, scene: 1001 });
  (launched.onShow as Lifecycle | undefined)?.call(launched, { path: route, query: {}, scene: 1001 });
  return {
    simulate,
    navigations,
    requests,
    storage,
    answer: (next) => {
      respond = next;
    },
  };
}

const loadedPages = new Map<string, string>();

/** Each render is a fresh page instance (onLoad → onShow → onReady); a page's code is loaded only once. */
function renderPage(host: Host, route: string): SimulatedComponent {
  let id = loadedPages.get(route);
  if (!id) {
    id = host.simulate.load(path.join(dist, route), { rootPath: dist });
    loadedPages.set(route, id);
  }
  const page = host.simulate.render(id);
  page.attach((globals.document as Document).createElement('parent-wrapper'));
  return page;
}

describe('weapp build (miniprogram-simulate)', () => {
  let host: Host;
  let page: SimulatedComponent;

  beforeAll(async () => {
    const missing = ['runtime.js', 'app.js', 'app.json', 'base.wxml', `${ME_PAGE}.js`, `${ME_PAGE}.wxml`].filter(
      (file) => !existsSync(path.join(dist, file)),
    );
    if (missing.length > 0) {
      throw new Error(
        `miniapp/dist is not built (missing ${missing.join(', ')}). Run \`npm run build:weapp -w miniapp\` ` +
          'first; the root `npm test` builds before it tests.',
      );
    }
    host = installMiniProgramHost(ME_PAGE);
    page = renderPage(host, ME_PAGE);
    await until(() => page.dom.textContent?.includes('登录'), 'the 我的 page to render');
  }, 30_000);

  it('keeps only the four tab pages and login in the main package; every other page is in a sub-package', () => {
    const app = JSON.parse(readFileSync(path.join(dist, 'app.json'), 'utf8')) as {
      pages: string[];
      subPackages: Array<{ root: string; pages: string[] }>;
    };
    expect(app.pages).toEqual([
      'pages/home/index',
      'pages/category/index',
      'pages/cart/index',
      'pages/me/index',
      'pages/login/index',
    ]);
    const roots = app.subPackages.map((subPackage) => subPackage.root);
    expect(roots).toEqual(expect.arrayContaining(['packages/shop', 'packages/member']));
    for (const subPackage of app.subPackages) {
      for (const page of subPackage.pages) {
        expect(existsSync(path.join(dist, subPackage.root, `${page}.js`))).toBe(true);
      }
    }
  });

  it('mounts 我的 and, with no session, shows the guest card and its 登录 call to action', () => {
    const text = page.dom.textContent ?? '';
    expect(text).toContain('你好，茶友');
    expect(text).toContain('登录后享会员价、积分与专属礼遇');
    const login = page.querySelector('.me-login');
    expect(login?.dom.textContent).toBe('登录');
    // Member-only parts stay hidden for a guest.
    expect(text).not.toContain('退出登录');
    expect(text).not.toContain('会员号');
  });

  it('a tap on 登录 goes through React to wx.navigateTo, remembering to come back to 我的', async () => {
    page.querySelector('.me-login')?.dispatchEvent('tap');
    await until(() => host.navigations.length > 0, 'wx.navigateTo');
    expect(host.navigations).toEqual([{ url: '/pages/login/index?from=%2Fpages%2Fme%2Findex' }]);
    expect(host.requests).toEqual([]);
  });

  it('with a stored session, shows the member and asks the API (absolute weapp base, bearer token) for fresh data', async () => {
    const member = {
      id: 'm1',
      memberNo: 'SY00000042',
      nickname: '小满',
      avatarUrl: '',
      birthday: null,
      gender: 'unknown',
      phone: '138****5678',
      tier: 'gold',
      inviteCode: 'INVITE01',
      marketplaces: [],
      createdAt: '2026-11-22T01:00:00.000Z',
    };
    host.storage.set('siyu.tokens', {
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      expiresAt: Date.now() + 900_000,
    });
    host.storage.set('siyu.member', member);
    host.answer(() => ({ statusCode: 200, data: { ...member, nickname: '小满（新）' } }));

    const memberPage = renderPage(host, ME_PAGE);
    await until(() => memberPage.dom.textContent?.includes('小满（新）'), 'the refreshed member');
    const text = memberPage.dom.textContent ?? '';
    expect(text).toContain('会员号 SY00000042');
    expect(text).toContain('金卡');
    expect(text).toContain('138****5678');
    expect(text).toContain('退出登录');
    const base = process.env.TARO_APP_API_BASE || 'http://127.0.0.1:3000/api';
    expect(host.requests.find((request) => request.url === `${base}/me`)).toEqual({
      url: `${base}/me`,
      method: 'GET',
      header: { Accept: 'application/json', Authorization: 'Bearer access-1' },
      data: undefined,
    });
    // The membership summary beside the card (tier growth, points balance) and the order counts behind the badges
    // (one `total` per status) ask the same API with the same token.
    expect(host.requests.map((request) => String(request.url).split('?')[0]).sort()).toEqual([
      `${base}/me`,
      `${base}/me/membership`,
      `${base}/me/points`,
      `${base}/orders`,
      `${base}/orders`,
      `${base}/orders`,
    ]);
    for (const request of host.requests) {
      expect((request.header as Record<string, string>).Authorization).toBe('Bearer access-1');
    }
  });
  it('mounts 积分中心 and a tap on 签到 claims today through wx.request, then shows 今日已签到', async () => {
    const base = process.env.TARO_APP_API_BASE || 'http://127.0.0.1:3000/api';
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    let checkedIn = false;
    host.requests.length = 0;
    host.answer((request) => {
      const path = String(request.url).replace(base, '').split('?')[0];
      if (path === '/me/points') {
        const page = { page: 1, pageSize: 1, total: 0, items: [], expiringSoon: null };
        return { statusCode: 200, data: { ...page, balance: checkedIn ? 5 : 0 } };
      }
      if (path === '/me/checkins') {
        return {
          statusCode: 200,
          data: {
            month: today.slice(0, 7),
            days: checkedIn ? [today] : [],
            streak: checkedIn ? 1 : 0,
            checkedInToday: checkedIn,
            bonusEvery: 7,
            bonusPoints: 20,
          },
        };
      }
      if (path === '/tasks') return { statusCode: 200, data: [] };
      if (path === '/tasks/daily-checkin/claim') {
        checkedIn = true;
        return { statusCode: 200, data: { task: 'daily-checkin', pointsAwarded: 5, balance: 5, streak: 1 } };
      }
      return { statusCode: 404, data: null };
    });

    const pointsPage = renderPage(host, 'packages/member/points/index');
    await until(() => pointsPage.querySelector('.checkin-button')?.dom.textContent === '签到', 'the 签到 button');
    expect(pointsPage.dom.textContent).toContain('已连续签到 0 天');
    pointsPage.querySelector('.checkin-button')?.dispatchEvent('tap');
    await until(() => pointsPage.querySelector('.checkin-button')?.dom.textContent === '今日已签到', '今日已签到');
    const claims = host.requests.filter((request) => request.url === `${base}/tasks/daily-checkin/claim`);
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ method: 'POST', header: { Authorization: 'Bearer access-1' } });
    expect(pointsPage.dom.textContent).toContain('已连续签到 1 天');
  });
});
