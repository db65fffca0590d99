import { useRouter } from '@tarojs/taro';

/** weapp hands query values over still percent-encoded, H5 decoded: this gives decoded values on both. */
export function decodeParam(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/%[0-9a-f]{2}/i.test(value)) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function usePageParams(): Record<string, string | undefined> {
  const { params } = useRouter();
  const decoded: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(params)) decoded[key] = decodeParam(value);
  return decoded;
}
