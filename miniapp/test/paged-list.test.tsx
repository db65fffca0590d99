import { act, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type ListPage, usePagedList } from '../src/hooks/use-paged-list';
import { reachPageBottom, resetMembershipTaro } from './membership-taro';

vi.mock('@tarojs/taro', () => import('./membership-taro'));

type Fetch = (key: string, page: number, pageSize: number) => Promise<ListPage<string>>;

let setKey: (key: string) => void = () => undefined;

function List({ fetch }: { fetch: Fetch }) {
  const [key, changeKey] = useState('a');
  setKey = changeKey;
  const list = usePagedList<string>((page, pageSize) => fetch(key, page, pageSize), {
    pageSize: 2,
    key,
    idOf: (item) => item,
  });
  return (
    <div>
      <p data-testid="items">{list.items.join(',')}</p>
      <p data-testid="state">{list.error ?? list.moreError ?? (list.hasMore ? 'more' : 'end')}</p>
    </div>
  );
}

/** Five items per key, two a page. */
const fiveEach: Fetch = async (key, page, pageSize) => {
  const all = [1, 2, 3, 4, 5].map((n) => `${key}${n}`);
  return { items: all.slice((page - 1) * pageSize, page * pageSize), total: all.length };
};

/** A page that, like H5's useDidShow, starts its first load before the hook's effects have run. */
function EarlyList() {
  const list = usePagedList<string>((page, pageSize) => fiveEach('e', page, pageSize), {
    pageSize: 2,
    key: 'e',
    auto: false,
  });
  // What useDidShow does on H5: the page's onShow runs during the first render pass, before effects.
  const started = useState(() => {
    queueMicrotask(() => void list.reload());
    return true;
  });
  void started;
  return <p data-testid="items">{list.items.join(',')}</p>;
}

describe('usePagedList: the one paging loop', () => {
  beforeEach(() => resetMembershipTaro());

  it('loads page 1, the next page on reaching the bottom, and stops at the end', async () => {
    const fetch = vi.fn(fiveEach);
    render(<List fetch={fetch} />);
    await waitFor(() => expect(screen.getByTestId('items').textContent).toBe('a1,a2'));
    await act(async () => reachPageBottom());
    await waitFor(() => expect(screen.getByTestId('items').textContent).toBe('a1,a2,a3,a4'));
    await act(async () => reachPageBottom());
    await waitFor(() => expect(screen.getByTestId('items').textContent).toBe('a1,a2,a3,a4,a5'));
    expect(screen.getByTestId('state').textContent).toBe('end');
    await act(async () => reachPageBottom());
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('a new key (another tab) starts again, and a late answer for the old key is dropped', async () => {
    let releaseOld: (() => void) | null = null;
    const fetch: Fetch = async (key, page, pageSize) => {
      if (key === 'a' && page === 2) await new Promise<void>((resolve) => (releaseOld = resolve));
      return fiveEach(key, page, pageSize);
    };
    render(<List fetch={fetch} />);
    await waitFor(() => expect(screen.getByTestId('items').textContent).toBe('a1,a2'));
    await act(async () => reachPageBottom());
    await act(async () => setKey('b'));
    await waitFor(() => expect(screen.getByTestId('items').textContent).toBe('b1,b2'));
    await act(async () => releaseOld?.());
    expect(screen.getByTestId('items').textContent).toBe('b1,b2');
  });

  it('a failed later page keeps the list, says so, and the next try continues', async () => {
    let failNext = true;
    const fetch: Fetch = async (key, page, pageSize) => {
      if (page === 2 && failNext) {
        failNext = false;
        throw Object.assign(new Error('网络不给力，请稍后重试'), { code: 'network', status: 0 });
      }
      return fiveEach(key, page, pageSize);
    };
    render(<List fetch={fetch} />);
    await waitFor(() => expect(screen.getByTestId('items').textContent).toBe('a1,a2'));
    await act(async () => reachPageBottom());
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('网络不给力，请稍后重试'));
    expect(screen.getByTestId('items').textContent).toBe('a1,a2');
    await act(async () => reachPageBottom());
    await waitFor(() => expect(screen.getByTestId('items').textContent).toBe('a1,a2,a3,a4'));
  });

  it('a first load started before the effects run (H5 shows a page first) is kept, not discarded', async () => {
    render(<EarlyList />);
    await waitFor(() => expect(screen.getByTestId('items').textContent).toBe('e1,e2'));
  });
});
