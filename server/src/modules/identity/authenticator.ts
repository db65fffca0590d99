import type { AdminRole } from '@siyu/shared';
import type { Context } from 'koa';
import { trustedOperators } from '../../db/connection';
import { AppError } from '../../http/errors';
import type { AuthenticatedAdmin, AuthenticatedMember, Authenticator } from '../../http/route';
import { Admin, type AdminDoc } from '../admins/admin.model';
import { Member, type MemberDoc, RefreshToken } from './member.model';
import { type AdminClaims, bearerToken, type MemberClaims, type TokenSigner } from './tokens';

/**
 * Resolves the bearer token of a request. A member token is checked against the member's current
 * token version (so "log out everywhere" takes effect at once); an admin route answers 403 to a valid
 * member token and to an admin whose role is not allowed.
 */
export function createAuthenticator(signer: TokenSigner): Authenticator {
  return {
    async member(ctx: Context, required: boolean): Promise<AuthenticatedMember | undefined> {
      const token = bearerToken(ctx.get('Authorization'));
      if (!token) {
        if (!required) return undefined;
        throw new AppError('unauthenticated', 'login_required', '请先登录');
      }
      const claims = signer.verify<MemberClaims>(token, 'store');
      const sessionId = typeof claims.sid === 'string' ? claims.sid : undefined;
      // The login behind the token is checked too, so a logout ends its access token at once.
      const [member, revoked] = await Promise.all([
        Member.findOne({ _id: claims.sub, status: 'active' }, { tokenVersion: 1, tier: 1 }).lean<MemberDoc>(),
        sessionId ? RefreshToken.exists({ family: sessionId, revokedAt: trustedOperators({ $ne: null }) }) : null,
      ]);
      if (!member || (member.tokenVersion ?? 0) !== claims.ver || revoked) {
        throw new AppError('unauthenticated', 'session_revoked', '登录已失效，请重新登录');
      }
      return { id: member._id.toString(), tier: member.tier ?? 'regular', ...(sessionId ? { sessionId } : {}) };
    },

    async admin(ctx: Context, roles: readonly AdminRole[]): Promise<AuthenticatedAdmin> {
      const token = bearerToken(ctx.get('Authorization'));
      if (!token) throw new AppError('unauthenticated', 'admin_login_required', '请先登录管理后台');
      let claims: AdminClaims;
      try {
        claims = signer.verify<AdminClaims>(token, 'admin');
      } catch (error) {
        if (signer.audienceOf(token) === 'store') {
          throw new AppError('forbidden', 'admin_only', '此接口仅限管理员使用');
        }
        throw error;
      }
      const admin = await Admin.findOne(
        { _id: claims.sub, active: true },
        { username: 1, role: 1, tokenVersion: 1 },
      ).lean<AdminDoc>();
      if (!admin || (admin.tokenVersion ?? 0) !== claims.ver) {
        throw new AppError('unauthenticated', 'session_revoked', '登录已失效，请重新登录');
      }
      if (admin.role !== 'owner' && !roles.includes(admin.role)) {
        throw new AppError('forbidden', 'role_forbidden', '当前管理员角色无权执行此操作', {
          required: roles,
          role: admin.role,
        });
      }
      return { id: admin._id.toString(), username: admin.username, role: admin.role };
    },
  };
}
