/**
 * fake-taro plus what the shopping pages also use: requestPayment, pull-down refresh, reach-bottom and the
 * navigation bar title. Use with `vi.mock('@tarojs/taro', () => import('./fake-taro-shop'))`.
 */
import { vi } from 'vitest';
import fake from './fake-taro';

export * from './fake-taro';

const extras = {
  requestPayment: vi.fn(async (_options: Record<string, unknown>) => ({ errMsg: 'requestPayment:ok' })),
  stopPullDownRefresh: vi.fn(async () => ({ errMsg: 'stopPullDownRefresh:ok' })),
  setNavigationBarTitle: vi.fn(async (_options: { title: string }) => ({ errMsg: 'setNavigationBarTitle:ok' })),
};
Object.assign(fake, extras);

export default fake as typeof fake & typeof extras;

export function useReachBottom(_callback: () => void): void {}

export function usePullDownRefresh(_callback: () => void): void {}
