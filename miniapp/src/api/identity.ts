/** Member identity: WeChat login, session refresh/logout, the member's own profile and phone. */
import {
  type LoginResponse,
  LoginResponseSchema,
  type MemberView,
  MemberViewSchema,
  type UpdateProfileRequest,
} from '@siyu/shared';
import Taro from '@tarojs/taro';
import { request } from './client';
import { clearSession, isLoggedIn, readTokens, saveMember, saveTokens } from './session';

const INVITE_KEY = 'siyu.invite';
const INVITE_PATTERN = /^[A-Za-z0-9_-]{4,32}$/;

/**
 * Remembers the invite code a friend's link carried (`?invite=CODE` on the landing page) until the first login
 * sends it. Ignored when already signed in (only a new registration can be invited) or when it is not a code.
 */
export function captureInvite(code: unknown): void {
  if (typeof code !== 'string' || !INVITE_PATTERN.test(code.trim()) || isLoggedIn()) return;
  try {
    Taro.setStorageSync(INVITE_KEY, { code: code.trim() });
  } catch {
    // Storage full or unavailable: the invite is a nicety, the login still works.
  }
}

/** Captures `invite` from a landing URL or query string: "/pages/home/index?invite=AB12CD34". */
export function captureInviteFromUrl(url: string): void {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : url.replace(/^\?/, '');
  for (const pair of query.split('#')[0]!.split('&')) {
    const [key, value] = pair.split('=');
    if (key === 'invite' && value) {
      try {
        captureInvite(decodeURIComponent(value));
      } catch {
        captureInvite(value);
      }
    }
  }
}

export function pendingInvite(): string | null {
  try {
    const stored: unknown = Taro.getStorageSync(INVITE_KEY);
    const code = stored && typeof stored === 'object' ? (stored as { code?: unknown }).code : undefined;
    return typeof code === 'string' && code ? code : null;
  } catch {
    return null;
  }
}

/** The demo (H5) login: the server accepts `demo:<nickname>` in place of a wx.login code. */
export function demoLoginCode(nickname: string): string {
  return `demo:${nickname.trim()}`;
}

/**
 * Exchanges a login code (wx.login's, or `demo:<nickname>` on the H5 demo) for a session, and keeps it. The invite
 * code, when not given, is the one remembered from the landing link (captureInvite); it is forgotten once used.
 */
export async function loginWithCode(code: string, inviteCode?: string): Promise<MemberView> {
  const body: Record<string, unknown> = { code };
  const invite = inviteCode || pendingInvite();
  if (invite) body.inviteCode = invite;
  const response: LoginResponse = await request(
    { method: 'POST', path: '/auth/wechat-login', body, auth: false },
    LoginResponseSchema,
  );
  saveTokens(response);
  saveMember(response.member);
  try {
    Taro.removeStorageSync(INVITE_KEY);
  } catch {
    // Harmless: a signed-in member's invite is ignored by captureInvite and by the server.
  }
  return response.member;
}

/** Ends the session on the server (best effort) and always on this device. */
export async function logout(): Promise<void> {
  const refreshToken = readTokens()?.refreshToken;
  try {
    if (refreshToken) {
      await request({ method: 'POST', path: '/auth/logout', body: { refreshToken }, auth: false, silent: true });
    }
  } catch {
    // The device forgets the session either way; a stale refresh token expires on its own.
  } finally {
    clearSession();
  }
}

export async function fetchMe(options: { silent?: boolean } = {}): Promise<MemberView> {
  const member = await request({ path: '/me', silent: options.silent }, MemberViewSchema);
  saveMember(member);
  return member;
}

/** Sends only the fields being changed. */
export async function updateProfile(changes: UpdateProfileRequest): Promise<MemberView> {
  const member = await request({ method: 'PATCH', path: '/me', body: { ...changes } }, MemberViewSchema);
  saveMember(member);
  return member;
}

/** Binds the phone behind a getPhoneNumber code; the server answers with the member, phone already masked. */
export async function bindPhone(code: string): Promise<MemberView> {
  const member = await request({ method: 'POST', path: '/me/phone', body: { code } }, MemberViewSchema);
  saveMember(member);
  return member;
}
