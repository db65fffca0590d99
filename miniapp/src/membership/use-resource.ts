import { useCallback, useRef, useState } from 'react';
import type { ApiError } from '../api/client';

export interface Resource<T> {
  data: T | null;
  /** The failure in the shopper's words, when the last load failed. */
  error: string | null;
  loading: boolean;
  reload: () => Promise<void>;
  setData: (data: T) => void;
}

/** One thing a page loads: the data once it came, the failure, and a reload that keeps shown data while it runs. */
export function useResource<T>(load: () => Promise<T>): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const loader = useRef(load);
  loader.current = load;
  const reload = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setData(await loader.current());
    } catch (caught) {
      setError((caught as ApiError)?.message || '服务开小差了，请稍后重试');
    } finally {
      setLoading(false);
    }
  }, []);
  return { data, error, loading, reload, setData };
}
