import Router from '@koa/router';
import { StoreInvitationsSchema } from '@siyu/shared';
import { consumeRateLimit } from '../../http/rate-limit';
import { type Authenticator, defineRoute } from '../../http/route';
import type { InvitationsService } from './invitations.service';

/** Mounted under /api. */
export function invitationsStoreRoutes(invitations: InvitationsService) {
  return [
    defineRoute({
      method: 'get',
      path: '/me/invitations',
      summary: '邀请有礼：我的邀请码、海报小程序码参数、奖励规则、邀请记录（谁注册了、谁下单了、获得的奖励）',
      tags: ['invitations'],
      auth: 'member',
      response: StoreInvitationsSchema,
      handler: async ({ caller }) => invitations.summary(caller.member!.id),
    }),
  ];
}

/** `GET /api/me/invitations/code.png`: the poster's mini-program code image (not JSON, so its own router). */
export function invitationsFilesRouter(invitations: InvitationsService, authenticator: Authenticator): Router {
  const router = new Router({ prefix: '/api/me/invitations' });
  router.get('/code.png', async (ctx) => {
    const member = (await authenticator.member(ctx, true))!;
    await consumeRateLimit('invite-code-image', member.id, 30, 3600);
    const image = await invitations.posterCode(member.id);
    ctx.set('Content-Type', image.contentType);
    ctx.set('Cache-Control', 'private, max-age=86400');
    ctx.body = image.bytes;
  });
  return router;
}
