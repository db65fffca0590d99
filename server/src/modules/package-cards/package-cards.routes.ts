import {
  ObjectIdSchema,
  PackageCardRedeemRequestSchema,
  StoreGiftAccessSchema,
  StorePackageCardRedemptionSchema,
} from '@siyu/shared';
import { z } from 'zod';
import { IdParams } from '../../http/params';
import { consumeRateLimit } from '../../http/rate-limit';
import { defineRoute, FileAnswer } from '../../http/route';
import {
  AdminPackageCardBatchCreateSchema,
  AdminPackageCardBatchPatchSchema,
  AdminPackageCardBatchSchema,
  BatchIdParamsSchema,
} from './package-cards.schemas';
import { type PackageCardsService, parseCode } from './package-cards.service';

/** Guessing limits: every well-formed attempt counts, per member and per client address. */
export const REDEEM_LIMITS = {
  perMember: { limit: 20, windowSeconds: 600 },
  perIp: { limit: 60, windowSeconds: 600 },
};

/** Mounted under /api. */
export function packageCardsStoreRoutes(packageCards: PackageCardsService) {
  return [
    defineRoute({
      method: 'post',
      path: '/package-cards/redeem',
      summary:
        '兑换包裹卡：输入或扫码（scene 为 pc=<兑换码>）。每张卡一次、每批每人一次；校验位错误直接 400；按会员和 IP 限制尝试次数',
      tags: ['package cards'],
      auth: 'member',
      body: PackageCardRedeemRequestSchema.extend({
        /** The marketplace buyer id, when the batch links it (One-ID). */
        buyerId: z.string().trim().min(1).max(64).optional(),
      }).strict(),
      response: StorePackageCardRedemptionSchema,
      errors: {
        400: '兑换码格式或校验位错误；或需填写平台账号',
        404: '兑换码不存在',
        409: '兑换码已被使用 / 本批次已兑换过 / 批次停用或过期 / 优惠券已发完',
        429: '尝试过于频繁（Retry-After）',
      },
      handler: async ({ body, caller }) => {
        // The check character is verified first: a typo never reaches the database or the counters.
        const code = parseCode(body.code);
        await consumeRateLimit(
          'package-card-member',
          caller.member!.id,
          REDEEM_LIMITS.perMember.limit,
          REDEEM_LIMITS.perMember.windowSeconds,
        );
        await consumeRateLimit(
          'package-card-ip',
          caller.ip,
          REDEEM_LIMITS.perIp.limit,
          REDEEM_LIMITS.perIp.windowSeconds,
        );
        return packageCards.redeem(caller.member!.id, code, body.buyerId ? { buyerId: body.buyerId } : {});
      },
    }),
    defineRoute({
      method: 'get',
      path: '/me/package-cards',
      summary: '我兑换过的包裹卡及获得的权益',
      tags: ['package cards'],
      auth: 'member',
      response: z.array(StorePackageCardRedemptionSchema),
      handler: async ({ caller }) => packageCards.myRedemptions(caller.member!.id),
    }),
    defineRoute({
      method: 'get',
      path: '/me/gifts',
      summary: '包裹卡赠送的回购礼购买资格（每份可购买一次）',
      tags: ['package cards'],
      auth: 'member',
      response: z.array(StoreGiftAccessSchema),
      handler: async ({ caller }) => packageCards.myGifts(caller.member!.id),
    }),
  ];
}

/** Mounted under /api/admin. */
export function packageCardsAdminRoutes(packageCards: PackageCardsService) {
  return [
    defineRoute({
      method: 'post',
      path: '/package-cards',
      summary:
        '新建包裹卡批次并生成兑换码（渠道、数量、权益：优惠券/积分/赠品/加企微说明、有效期、是否关联平台买家账号）',
      tags: ['admin: package cards'],
      auth: { admin: ['operator'] },
      body: AdminPackageCardBatchCreateSchema,
      response: AdminPackageCardBatchSchema,
      status: 201,
      handler: async ({ body, caller }) => packageCards.createBatch(caller.admin!.id, body),
    }),
    defineRoute({
      method: 'get',
      path: '/package-cards',
      summary: '包裹卡批次列表（含兑换数和引流率）',
      tags: ['admin: package cards'],
      auth: { admin: ['operator'] },
      response: z.array(AdminPackageCardBatchSchema),
      handler: async () => packageCards.listBatches(),
    }),
    defineRoute({
      method: 'get',
      path: '/package-cards/:id',
      summary: '包裹卡批次详情',
      tags: ['admin: package cards'],
      auth: { admin: ['operator'] },
      params: BatchIdParamsSchema,
      response: AdminPackageCardBatchSchema,
      handler: async ({ params }) => packageCards.getBatch(params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/package-cards/:id',
      summary: '停用/启用批次，或延长有效期',
      tags: ['admin: package cards'],
      auth: { admin: ['operator'] },
      params: BatchIdParamsSchema,
      body: AdminPackageCardBatchPatchSchema,
      response: AdminPackageCardBatchSchema,
      handler: async ({ params, body, caller }) => packageCards.updateBatch(caller.admin!.id, params.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/package-cards/:id/generate',
      summary: '继续生成被中断的批次的兑换码（可重复调用）',
      tags: ['admin: package cards'],
      auth: { admin: ['operator'] },
      params: BatchIdParamsSchema,
      response: AdminPackageCardBatchSchema,
      handler: async ({ params }) => packageCards.resumeGeneration(params.id),
    }),
  ];
}

/**
 * The two answers that are not JSON, declared like every route (so they are validated and in OpenAPI):
 *   GET /api/admin/package-cards/:id/codes.csv            text/csv, one row per code (column `code`)
 *   GET /api/admin/package-cards/:id/codes/:code/qr.png   the code's mini-program code image
 */
export function packageCardFileRoutes(packageCards: PackageCardsService) {
  return [
    defineRoute({
      method: 'get',
      path: '/package-cards/:id/codes.csv',
      summary: '导出包裹卡兑换码 CSV（印刷用：每码一行，含小程序路径与 scene）',
      tags: ['admin: package cards'],
      auth: { admin: ['operator'] },
      params: IdParams,
      produces: ['text/csv'],
      errors: { 404: '批次不存在' },
      handler: async ({ params }) => {
        const lines = packageCards.codesCsv(params.id);
        const first = await lines.next(); // 404 before any byte is sent
        const chunks: string[] = first.done ? [] : [first.value];
        for await (const chunk of lines) chunks.push(chunk);
        return new FileAnswer(chunks.join(''), 'text/csv; charset=utf-8', `package-cards-${params.id}.csv`);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/package-cards/:id/codes/:code/qr.png',
      summary: '兑换码的小程序码图片（经微信 getwxacodeunlimit；演示模式为本地占位图）',
      tags: ['admin: package cards'],
      auth: { admin: ['operator'] },
      params: z.object({ id: ObjectIdSchema, code: z.string().min(1).max(40) }).strict(),
      produces: ['image/png'],
      errors: { 404: '批次或兑换码不存在' },
      handler: async ({ params }) => {
        const image = await packageCards.codeImage(params.id, params.code);
        return new FileAnswer(image.bytes, image.contentType, undefined, { 'Cache-Control': 'private, max-age=86400' });
      },
    }),
  ];
}
