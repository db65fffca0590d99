import Taro from '@tarojs/taro';
import { currentPageUrl, isTabPage } from '../navigation';

/** Opens a page by its path (pre-move paths included): tab pages with switchTab, others with navigateTo. */
export function openPage(url: string): void {
  const target = currentPageUrl(url);
  if (isTabPage(target)) {
    void Taro.switchTab({ url: target.split('?')[0]! }).catch(() => undefined);
    return;
  }
  void Taro.navigateTo({ url: target }).catch(() => undefined);
}
