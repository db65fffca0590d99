/**
 * The one way the storefront talks to the API: Taro.request (wx.request on weapp, fetch on H5), bearer tokens,
 * a single shared refresh when the access token has expired, and errors turned into words a shopper can read.
 */
import { ErrorBodySchema, TokenPairSchema } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { goToLogin } from '../navigation';
import { API_BASE } from './base';
import { clearSession, readTokens, saveTokens } from './session';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export const NETWORK_MESSAGE = '网络不给力，请稍后重试';
export const SESSION_EXPIRED_MESSAGE = '登录已过期，请重新登录';
const UNEXPECTED_MESSAGE = '服务开小差了，请稍后重试';
export const BROKEN_LINK_MESSAGE = '链接有误或已失效，请返回重试';

/** Why a call failed: `code` is the server's stable code (or `network` / `session_expired` / `bad_response`). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  method?: HttpMethod;
  /** Path under the API base, starting with `/`: `/me`, `/auth/wechat-login`. */
  path: string;
  body?: Record<string, unknown>;
  query?: Record<string, string | number | boolean | undefined>;
  /** Send the access token and recover from 401 by refreshing. Off for the auth endpoints themselves. */
  auth?: boolean;
  /** Do not toast the failure; the caller shows it in place (e.g. a page-level error state). */
  silent?: boolean;
  /** Extra request headers, e.g. `Idempotency-Key` for placing an order. */
  headers?: Record<string, string>;
}

interface RawResponse {
  statusCode: number;
  data: unknown;
}

function buildUrl(path: string, query: RequestOptions['query']): string {
  const pairs = Object.entries(query ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return `${API_BASE}${path}${pairs.length ? `?${pairs.join('&')}` : ''}`;
}

/**
 * The method to put on the wire. wx.request has no PATCH (it fails with "method invalid"), so mini-program
 * builds send POST and name the real method in X-HTTP-Method-Override; the server must honour that header.
 */
export function wireMethod(method: HttpMethod, platform: string): { method: HttpMethod; override?: 'PATCH' } {
  if (method === 'PATCH' && platform !== 'h5') return { method: 'POST', override: 'PATCH' };
  return { method };
}

async function send(options: RequestOptions, accessToken: string | null): Promise<RawResponse> {
  const header: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body) header['Content-Type'] = 'application/json';
  if (accessToken) header.Authorization = `Bearer ${accessToken}`;
  const { method, override } = wireMethod(options.method ?? 'GET', process.env.TARO_ENV);
  if (override) header['X-HTTP-Method-Override'] = override;
  let response: Taro.request.SuccessCallbackResult<TaroGeneral.IAnyObject | string>;
  try {
    response = await Taro.request<TaroGeneral.IAnyObject | string>({
      url: buildUrl(options.path, options.query),
      method,
      header,
      data: options.body,
      dataType: 'json',
      timeout: 15_000,
    });
  } catch {
    throw new ApiError('network', NETWORK_MESSAGE, 0);
  }
  if (!response || typeof response.statusCode !== 'number') throw new ApiError('network', NETWORK_MESSAGE, 0);
  return { statusCode: response.statusCode, data: response.data };
}

function toError(response: RawResponse): ApiError {
  const parsed = ErrorBodySchema.safeParse(response.data);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    // A malformed id in a link reaches the API as a bad path parameter: say so in the shopper's words.
    if (code === 'invalid_params') return new ApiError(code, BROKEN_LINK_MESSAGE, response.statusCode, details);
    return new ApiError(code, message || UNEXPECTED_MESSAGE, response.statusCode, details);
  }
  if (response.statusCode >= 500 || response.statusCode === 0) {
    return new ApiError('unavailable', UNEXPECTED_MESSAGE, response.statusCode);
  }
  return new ApiError('unexpected', UNEXPECTED_MESSAGE, response.statusCode);
}

/**
 * The refresh in flight, if any. Every request that meets a 401 while it runs waits for this same promise, so an
 * expired token costs exactly one `POST /auth/refresh` however many requests were out.
 */
let refreshing: Promise<string | null> | null = null;

/**
 * Trades the refresh token for a new pair. Resolves with the new access token, or null when the server refuses
 * the refresh token (the session is over). A network failure or a server fault rejects instead: neither says
 * anything about the session, so it is kept and the shopper can simply try again.
 */
async function refreshTokens(): Promise<string | null> {
  const tokens = readTokens();
  if (!tokens) return null;
  const response = await send(
    { method: 'POST', path: '/auth/refresh', body: { refreshToken: tokens.refreshToken } },
    null,
  );
  if (response.statusCode >= 500) throw toError(response);
  if (response.statusCode < 200 || response.statusCode >= 300) return null;
  const pair = TokenPairSchema.safeParse(response.data);
  if (!pair.success) throw new ApiError('bad_response', UNEXPECTED_MESSAGE, response.statusCode);
  saveTokens(pair.data);
  return pair.data.accessToken;
}

function sharedRefresh(): Promise<string | null> {
  if (!refreshing) {
    refreshing = refreshTokens().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

function endSession(): ApiError {
  clearSession();
  goToLogin();
  return new ApiError('session_expired', SESSION_EXPIRED_MESSAGE, 401);
}

function tell(error: ApiError, options: RequestOptions): void {
  if (options.silent) return;
  void Taro.showToast({ title: error.message, icon: 'none', duration: 2500 });
}

async function perform(options: RequestOptions): Promise<RawResponse> {
  const auth = options.auth ?? true;
  const usedToken = auth ? (readTokens()?.accessToken ?? null) : null;
  const first = await send(options, usedToken);
  if (first.statusCode !== 401 || !auth || !usedToken) return first;

  // Another request may have refreshed while this one was out: then retry with the new token, no new refresh.
  const current = readTokens()?.accessToken ?? null;
  const fresh = current && current !== usedToken ? current : await sharedRefresh();
  if (!fresh) throw endSession();
  const retried = await send(options, fresh);
  if (retried.statusCode === 401) throw endSession();
  return retried;
}

/** A shared zod schema, seen only as far as the client needs it. */
export interface Shape<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/**
 * Calls the API and resolves with the response body (undefined for 204), checked against `shape` when given: a
 * body we do not understand is reported like any failure rather than rendered half-way. Failures are toasted
 * unless `silent`, and always rejected with an ApiError.
 */
export async function request<T>(options: RequestOptions, shape?: Shape<T>): Promise<T> {
  try {
    const response = await perform(options);
    if (response.statusCode < 200 || response.statusCode >= 300) throw toError(response);
    if (response.statusCode === 204 || !shape) return (response.statusCode === 204 ? undefined : response.data) as T;
    const parsed = shape.safeParse(response.data);
    if (!parsed.success) throw new ApiError('bad_response', UNEXPECTED_MESSAGE, response.statusCode);
    return parsed.data;
  } catch (caught) {
    const error = caught instanceof ApiError ? caught : new ApiError('unexpected', UNEXPECTED_MESSAGE, 0);
    tell(error, options);
    throw error;
  }
}

/** Options of a read a page shows in place. */
export interface Quiet {
  /** The page shows the failure in place instead of a toast. */
  silent?: boolean;
}

/** A JSON array whose every item has `item`'s shape. */
export function listOf<T>(item: Shape<T>): Shape<T[]> {
  return {
    safeParse(value: unknown) {
      if (!Array.isArray(value)) return { success: false };
      const items: T[] = [];
      for (const entry of value) {
        const parsed = item.safeParse(entry);
        if (!parsed.success) return { success: false };
        items.push(parsed.data);
      }
      return { success: true, data: items };
    },
  };
}
