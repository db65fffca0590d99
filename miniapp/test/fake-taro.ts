/**
 * A stand-in for @tarojs/taro (the platform, not our code): in-memory storage, a scriptable `request`, and spies
 * for navigation and toasts. Use with `vi.mock('@tarojs/taro', () => import('./fake-taro'))` and call
 * `resetFakeTaro()` in beforeEach.
 */
import { useEffect } from 'react';
import { vi } from 'vitest';

export interface FakeRequest {
  url: string;
  method?: string;
  header?: Record<string, string>;
  data?: unknown;
}

export interface FakeResponse {
  statusCode: number;
  data?: unknown;
}

type Responder = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

const storage = new Map<string, unknown>();
let responder: Responder = () => ({ statusCode: 404, data: null });
let routerParams: Record<string, string> = {};
let pages: Array<{ route: string; options?: Record<string, string> }> = [];

const request = vi.fn(async (options: FakeRequest) => {
  const response = await responder(options);
  return { ...response, header: {}, errMsg: 'request:ok' };
});

const fake = {
  request,
  getStorageSync: vi.fn((key: string) => (storage.has(key) ? structuredClone(storage.get(key)) : '')),
  setStorageSync: vi.fn((key: string, value: unknown) => {
    storage.set(key, structuredClone(value));
  }),
  removeStorageSync: vi.fn((key: string) => {
    storage.delete(key);
  }),
  showToast: vi.fn(async (_options: { title: string; icon?: string }) => ({ errMsg: 'showToast:ok' })),
  showModal: vi.fn(async () => ({ confirm: true, cancel: false })),
  navigateTo: vi.fn(async (_options: { url: string }) => ({ errMsg: 'navigateTo:ok' })),
  redirectTo: vi.fn(async (_options: { url: string }) => ({ errMsg: 'redirectTo:ok' })),
  switchTab: vi.fn(async (_options: { url: string }) => ({ errMsg: 'switchTab:ok' })),
  navigateBack: vi.fn(async () => ({ errMsg: 'navigateBack:ok' })),
  login: vi.fn(async () => ({ code: 'wx-code', errMsg: 'login:ok' })),
  canIUse: vi.fn(() => false),
  getCurrentPages: vi.fn(() => pages),
};

export default fake;

/** Page show: runs once when the component mounts, which is when a page first shows. */
export function useDidShow(callback: () => void): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on mount only, like a first onShow.
  useEffect(() => {
    callback();
  }, []);
}

export function useLoad(callback: (params: Record<string, string>) => void): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on mount only, like onLoad.
  useEffect(() => {
    callback(routerParams);
  }, []);
}

export function useRouter() {
  return { params: routerParams, path: pages[pages.length - 1]?.route ?? '' };
}

/** What the fake server answers; each call gets the request as Taro.request received it. */
export function respondWith(next: Responder): void {
  responder = next;
}

export function setRouterParams(params: Record<string, string>): void {
  routerParams = params;
}

export function setPages(next: Array<{ route: string; options?: Record<string, string> }>): void {
  pages = next;
}

export function storedValue(key: string): unknown {
  return storage.get(key);
}

export function storeValue(key: string, value: unknown): void {
  storage.set(key, value);
}

export function resetFakeTaro(): void {
  storage.clear();
  responder = () => ({ statusCode: 404, data: null });
  routerParams = {};
  pages = [];
  for (const spy of Object.values(fake)) spy.mockClear();
}
