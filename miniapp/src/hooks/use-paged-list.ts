import { useReachBottom } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api/client';

/** One page of a list as the API answers it (extra fields, such as a points balance, ride along in `last`). */
export interface ListPage<T> {
  items: T[];
  total: number;
}

export interface PagedList<T, P extends ListPage<T>> {
  items: T[];
  total: number;
  /** Pages loaded so far: 0 until the first page has arrived. */
  page: number;
  loading: boolean;
  /** The first page failed (show an error state with a retry). */
  error: string | null;
  /** A later page failed (the list stays; show a retry at its foot). */
  moreError: string | null;
  hasMore: boolean;
  /** The latest page's whole answer (e.g. the balance beside a ledger). */
  last: P | null;
  /** Loads page 1 again and replaces the list. */
  reload: () => Promise<void>;
  /** Loads the next page if there is one and nothing is loading. */
  loadMore: () => Promise<void>;
  /** Edits the loaded items in place (an order changed state, a row was removed). */
  update: (change: (items: T[]) => T[]) => void;
}

export interface PagedListOptions<T> {
  pageSize: number;
  /** Names what the list depends on (tab, category, query, who is looking): a change starts again at page 1. */
  key: string;
  /** Load page 1 on mount and on `key` changes; false for pages that call `reload` in useDidShow. */
  auto?: boolean;
  /** Skip items already shown (a row that moved to a later page while scrolling). */
  idOf?: (item: T) => string;
  /** Load the next page when the shopper scrolls to the bottom (default true). */
  onReachBottom?: boolean;
}

/**
 * The one paging loop of the storefront: page 1, then the next page on reaching the bottom; only the latest
 * request's answer counts (a tab switch while a page is out never mixes lists), and a failure keeps what is shown.
 */
export function usePagedList<T, P extends ListPage<T> = ListPage<T>>(
  fetchPage: (page: number, pageSize: number) => Promise<P>,
  options: PagedListOptions<T>,
): PagedList<T, P> {
  const { pageSize, key, auto = true, idOf, onReachBottom = true } = options;
  const [items, setItems] = useState<T[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(0);
  const [loading, setLoading] = useState(auto);
  const [error, setError] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [last, setLast] = useState<P | null>(null);
  const ticket = useRef(0);
  const state = useRef({ page: 0, loading: false, count: 0, total: 0 });
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const idRef = useRef(idOf);
  idRef.current = idOf;
  const shown = useRef<T[]>([]);
  const show = useCallback((next: T[]) => {
    shown.current = next;
    state.current.count = next.length;
    setItems(next);
  }, []);

  const load = useCallback(
    async (wanted: number) => {
      const mine = ++ticket.current;
      state.current.loading = true;
      setLoading(true);
      if (wanted === 1) setError(null);
      setMoreError(null);
      try {
        const answer = await fetchRef.current(wanted, pageSize);
        if (mine !== ticket.current) return;
        let next = answer.items;
        if (wanted > 1) {
          const id = idRef.current;
          const seen = id ? new Set(shown.current.map(id)) : null;
          next = [...shown.current, ...(seen && id ? next.filter((item) => !seen.has(id(item))) : next)];
        }
        show(next);
        state.current.page = wanted;
        state.current.total = answer.total;
        setTotal(answer.total);
        setPage(wanted);
        setLast(answer);
      } catch (caught) {
        if (mine !== ticket.current) return;
        const message = (caught as ApiError).message;
        if (wanted === 1 && state.current.page === 0) setError(message);
        else setMoreError(message);
      } finally {
        if (mine === ticket.current) {
          state.current.loading = false;
          setLoading(false);
        }
      }
    },
    [pageSize, show],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what the list depends on.
  const reload = useCallback(() => load(1), [load, key]);

  const loadMore = useCallback(async () => {
    const now = state.current;
    if (now.loading || now.page === 0 || now.count >= now.total) return;
    await load(now.page + 1);
  }, [load]);

  // A new key is a new list: forget the old one at once so it never shows under the new tab or category. On
  // mount there is nothing to forget, and a page that loads in useDidShow may already have started (on H5 the
  // page shows before effects run): that first load must not be discarded.
  const shownKey = useRef<string | null>(null);
  useEffect(() => {
    const first = shownKey.current === null;
    shownKey.current = key;
    if (!first) {
      ticket.current++;
      state.current = { page: 0, loading: false, count: 0, total: 0 };
      show([]);
      setTotal(0);
      setPage(0);
      setLast(null);
      setError(null);
      setMoreError(null);
    }
    if (auto) void load(1);
    else if (!state.current.loading) setLoading(false);
  }, [key, auto, load, show]);

  useReachBottom(() => {
    if (onReachBottom) void loadMore();
  });

  const update = useCallback(
    (change: (current: T[]) => T[]) => {
      const before = shown.current.length;
      const next = change(shown.current);
      // Rows removed here (a cancelled order leaving 待付款) no longer count towards what is left to load.
      const removed = before - next.length;
      if (removed > 0) {
        state.current.total = Math.max(next.length, state.current.total - removed);
        setTotal(state.current.total);
      }
      show(next);
    },
    [show],
  );

  return {
    items,
    total,
    page,
    loading,
    error,
    moreError,
    hasMore: page > 0 && items.length < total,
    last,
    reload,
    loadMore,
    update,
  };
}
