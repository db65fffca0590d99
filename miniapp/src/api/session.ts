/**
 * The member's session on this device: the token pair and the last member view we saw, kept in Taro storage
 * (wx storage on weapp, localStorage on H5) so a relaunch starts signed in and renders without waiting.
 */
import type { MemberView, TokenPair } from '@siyu/shared';
import Taro from '@tarojs/taro';

const TOKENS_KEY = 'siyu.tokens';
const MEMBER_KEY = 'siyu.member';

export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token stops working, as told by `expiresIn`; informational only. */
  expiresAt: number;
}

type Listener = () => void;
const listeners = new Set<Listener>();

function read<T>(key: string): T | null {
  try {
    const value: unknown = Taro.getStorageSync(key);
    return value && typeof value === 'object' ? (value as T) : null;
  } catch {
    return null;
  }
}

function notify(): void {
  for (const listener of listeners) listener();
}

export function readTokens(): StoredTokens | null {
  const tokens = read<StoredTokens>(TOKENS_KEY);
  return tokens?.accessToken && tokens.refreshToken ? tokens : null;
}

export function saveTokens(pair: TokenPair): void {
  const tokens: StoredTokens = {
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    expiresAt: Date.now() + pair.expiresIn * 1000,
  };
  Taro.setStorageSync(TOKENS_KEY, tokens);
  notify();
}

export function readMember(): MemberView | null {
  return readTokens() ? read<MemberView>(MEMBER_KEY) : null;
}

export function saveMember(member: MemberView): void {
  Taro.setStorageSync(MEMBER_KEY, member);
  notify();
}

export function isLoggedIn(): boolean {
  return readTokens() !== null;
}

export function clearSession(): void {
  try {
    Taro.removeStorageSync(TOKENS_KEY);
    Taro.removeStorageSync(MEMBER_KEY);
  } finally {
    notify();
  }
}

/** Called whenever tokens or the member change (login, refresh, logout, profile edits). */
export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
