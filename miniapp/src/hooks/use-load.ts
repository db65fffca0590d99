import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api/client';

export interface Loaded<T> {
  data: T | null;
  loading: boolean;
  /** The failure in the shopper's words, and the server's code (e.g. `not_found`). */
  error: { message: string; code: string; status: number } | null;
  reload: () => Promise<void>;
  setData: (data: T) => void;
}

/**
 * One thing a page loads: runs `load` (a silent API call) on mount and whenever `key` changes (unless
 * `auto` is false, for pages that reload in `useDidShow`), and on reload; keeps the data shown while a
 * reload runs, and only the latest load's answer counts.
 */
export function useLoad<T>(load: () => Promise<T>, key: string, options: { auto?: boolean } = {}): Loaded<T> {
  const auto = options.auto ?? true;
  const [data, setData] = useState<T | null>(null);
  const [loading, setLoading] = useState(auto);
  const [error, setError] = useState<Loaded<T>['error']>(null);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what the load depends on.
  const reload = useCallback(async () => {
    const ticket = ++latest.current;
    setLoading(true);
    setError(null);
    try {
      const value = await loadRef.current();
      if (ticket === latest.current) setData(value);
    } catch (caught) {
      const failure = caught as ApiError;
      if (ticket === latest.current) {
        setError({ message: failure.message, code: failure.code ?? 'unexpected', status: failure.status ?? 0 });
      }
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  }, [key]);

  useEffect(() => {
    if (auto) void reload();
  }, [reload, auto]);

  return { data, loading, error, reload, setData };
}
