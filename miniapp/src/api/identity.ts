/** Member identity: WeChat login, session refresh/logout, the member's own profile and phone. */
import {
  type LoginResponse,
  LoginResponseSchema,
  type MemberView,
  MemberViewSchema,
  type UpdateProfileRequest,
} from '@siyu/shared';
import { request } from './client';
import { clearSession, readTokens, saveMember, saveTokens } from './session';

/** The demo (H5) login: the server accepts `demo:<nickname>` in place of a wx.login code. */
export function demoLoginCode(nickname: string): string {
  return `demo:${nickname.trim()}`;
}

/** Exchanges a login code (wx.login's, or `demo:<nickname>` on the H5 demo) for a session, and keeps it. */
export async function loginWithCode(code: string, inviteCode?: string): Promise<MemberView> {
  const body: Record<string, unknown> = { code };
  if (inviteCode) body.inviteCode = inviteCode;
  const response: LoginResponse = await request(
    { method: 'POST', path: '/auth/wechat-login', body, auth: false },
    LoginResponseSchema,
  );
  saveTokens(response);
  saveMember(response.member);
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
