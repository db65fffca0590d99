import Taro, { useDidShow, useLaunch, usePageNotFound } from '@tarojs/taro';
import type { PropsWithChildren } from 'react';
import { captureInvite, captureInviteFromUrl } from './api/identity';
import { pageNotFoundTarget } from './navigation';
import { installPrivacyCheck } from './privacy';
import './app.scss';

type LaunchQuery = { query?: Record<string, unknown> } | undefined;

/** A friend's invite link (`/pages/home/index?invite=CODE`) is remembered here and sent with the first login. */
function rememberInvite(options: LaunchQuery): void {
  if (process.env.TARO_ENV === 'h5') {
    if (typeof window !== 'undefined') captureInviteFromUrl(window.location.search);
    return;
  }
  captureInvite(options?.query?.invite);
}

/** The pages render themselves; the member session lives in api/session.ts and is read on demand. */
function App({ children }: PropsWithChildren) {
  useLaunch((options) => {
    rememberInvite(options as LaunchQuery);
    installPrivacyCheck();
  });
  // A warm start from a shared card shows the app again with the card's query.
  useDidShow((options) => rememberInvite(options as LaunchQuery));
  // An unknown link: an old (pre-sub-package) page path goes to where the page lives now, anything else to 页面不存在.
  usePageNotFound((result) => {
    const target = pageNotFoundTarget(result.path, result.query as Record<string, unknown>);
    void Taro.redirectTo({ url: target }).catch(() => Taro.reLaunch({ url: target }).catch(() => undefined));
  });
  return children;
}

export default App;
