import { StoreInvitationsSchema } from '@siyu/shared';
import { consumeRateLimit } from '../../http/rate-limit';
import { defineRoute, FileAnswer } from '../../http/route';
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

/** `GET /api/me/invitations/code.png`: the poster's mini-program code image (a file, declared like every route). */
export function invitationsFileRoutes(invitations: InvitationsService) {
  return [
    defineRoute({
      method: 'get',
      path: '/me/invitations/code.png',
      summary: '邀请海报上的小程序码图片',
      tags: ['invitations'],
      auth: 'member',
      produces: ['image/png'],
      errors: { 429: '请求过于频繁' },
      handler: async ({ caller }) => {
        await consumeRateLimit('invite-code-image', caller.member!.id, 30, 3600);
        const image = await invitations.posterCode(caller.member!.id);
        return new FileAnswer(image.bytes, image.contentType, undefined, { 'Cache-Control': 'private, max-age=86400' });
      },
    }),
  ];
}
