/**
 * The fake Taro (test/fake-taro.ts) plus what the membership pages use on top of it: image choosing and
 * uploading, the clipboard, and the page hooks for reaching the bottom, sharing and app launch. Use with
 * `vi.mock('@tarojs/taro', () => import('./membership-taro'))` and call `resetMembershipTaro()` in beforeEach.
 */
import { useEffect } from 'react';
import { vi } from 'vitest';
import fake, { resetFakeTaro } from './fake-taro';

export * from './fake-taro';

interface ChosenImage {
  tempFilePaths: string[];
  tempFiles: Array<{ path: string; size: number }>;
}

const extra = {
  chooseImage: vi.fn(
    async (_options?: unknown): Promise<ChosenImage> => ({
      tempFilePaths: ['blob:review-1'],
      tempFiles: [{ path: 'blob:review-1', size: 120_000 }],
    }),
  ),
  uploadFile: vi.fn(
    async (_options: { url: string; filePath: string; name: string; header?: Record<string, string> }) => ({
      statusCode: 201,
      data: JSON.stringify({ url: '/api/uploads/a1b2c3.png' }),
      errMsg: 'uploadFile:ok',
    }),
  ),
  setClipboardData: vi.fn(async (_options: { data: string }) => ({ errMsg: 'setClipboardData:ok' })),
};

const taro = Object.assign(fake, extra);
export default taro;

let reachBottom: (() => void) | null = null;
let share: (() => { title?: string; path?: string }) | null = null;

export function useReachBottom(callback: () => void): void {
  reachBottom = callback;
}

export function useShareAppMessage(callback: () => { title?: string; path?: string }): void {
  share = callback;
}

export function useLaunch(callback: (options: { path: string; query: Record<string, string> }) => void): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on mount only, like App.onLaunch.
  useEffect(() => {
    callback({ path: 'pages/home/index', query: {} });
  }, []);
}

/** The app's page-not-found hook: nothing is ever not found in these tests. */
export function usePageNotFound(_callback: (result: { path: string; query: Record<string, string> }) => void): void {}

/** Scrolls the page to its bottom, as far as the page's useReachBottom can tell. */
export function reachPageBottom(): void {
  reachBottom?.();
}

/** What the page would share right now (its useShareAppMessage answer). */
export function sharedMessage(): { title?: string; path?: string } | null {
  return share ? share() : null;
}

export function resetMembershipTaro(): void {
  resetFakeTaro();
  reachBottom = null;
  share = null;
  for (const spy of Object.values(extra)) spy.mockClear();
}
