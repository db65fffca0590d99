import Taro from '@tarojs/taro';
import { isTabPage } from '../navigation';

/** Opens a page by its path: tab pages with switchTab, others with navigateTo. */
export function openPage(url: string): void {
  const target = url.startsWith('/') ? url : `/${url}`;
  if (isTabPage(target)) {
    void Taro.switchTab({ url: target.split('?')[0]! }).catch(() => undefined);
    return;
  }
  void Taro.navigateTo({ url: target }).catch(() => undefined);
}
