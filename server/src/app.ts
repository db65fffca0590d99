/**
 * Builds the Koa app: error mapping first, then request context, security headers, CORS, body
 * parsing, docs, the store and admin routers, and the storefront. No I/O happens here; main.ts
 * connects the database and starts listening.
 */

import { createPrivateKey, createPublicKey } from 'node:crypto';
import path from 'node:path';
import cors from '@koa/cors';
import Router from '@koa/router';
import Koa from 'koa';
import { z } from 'zod';
import { WechatClient } from './adapters/wechat';
import { WechatPayClient } from './adapters/wechatpay';
import { createWechatPaySandbox, type SandboxKeys } from './adapters/wechatpay-sandbox';
import type { Config } from './config';
import { databaseIsReachable } from './db/connection';
import type { EngineKind } from './db/engine';
import { admission } from './http/admission';
import { AppError } from './http/errors';
import { hotReads } from './http/hot-reads';
import type { Logger } from './http/logger';
import { errorHandler, jsonBody, methodOverride, requestContext, securityHeaders } from './http/middleware';
import { type AnyRoute, buildOpenApi, defineRoute, mountRoutes } from './http/route';
import { apiDocs, compression, seedMediaFiles, storefront } from './http/storefront';
import { moveAddressesMember } from './modules/addresses/addresses.merge';
import { addressesRoutes } from './modules/addresses/addresses.routes';
import { createAddressesService } from './modules/addresses/addresses.service';
import { adminsRoutes } from './modules/admins/admins.routes';
import { createAdminsService } from './modules/admins/admins.service';
import { afterSalesAdminRoutes, afterSalesStoreRoutes } from './modules/after-sales/after-sales.routes';
import { createAfterSalesService } from './modules/after-sales/after-sales.service';
import { analyticsAdminRoutes } from './modules/analytics/analytics.routes';
import { createAnalyticsService } from './modules/analytics/analytics.service';
import { dashboard } from './modules/analytics/dashboard';
import { analyticsOrderSubscriber } from './modules/analytics/on-order';
import { createAnalyticsSources } from './modules/analytics/sources';
import { cartRoutes } from './modules/cart/cart.routes';
import { createCartService } from './modules/cart/cart.service';
import { catalogAdminRoutes, catalogStoreRoutes } from './modules/catalog/catalog.routes';
import { createCatalogService } from './modules/catalog/catalog.service';
import { createStockHold, createStockSubscriber } from './modules/catalog/stock';
import { channelsAdminRoutes } from './modules/channels/channels.routes';
import { createChannelsService } from './modules/channels/channels.service';
import { couponsAdminRoutes, couponsCsvRoutes, couponsStoreRoutes } from './modules/coupons/coupons.routes';
import { createCouponsService } from './modules/coupons/coupons.service';
import { groupBuyAdminRoutes, groupBuyStoreRoutes } from './modules/groupbuy/groupbuy.routes';
import { createGroupBuyService } from './modules/groupbuy/groupbuy.service';
import { createAuthenticator } from './modules/identity/authenticator';
import { identityRoutes } from './modules/identity/identity.routes';
import { createIdentityService } from './modules/identity/identity.service';
import { membersAdminRoutes } from './modules/identity/members-admin.routes';
import { TokenSigner } from './modules/identity/tokens';
import { invitationsFileRoutes, invitationsStoreRoutes } from './modules/invitations/invitations.routes';
import { createInvitationsService } from './modules/invitations/invitations.service';
import { invitationsOrderSubscriber } from './modules/invitations/on-order';
import { livestreamAdminRoutes, livestreamStoreRoutes } from './modules/livestream/livestream.routes';
import { createLivestreamService } from './modules/livestream/livestream.service';
import { livestreamOrderSubscriber } from './modules/livestream/on-order';
import { moveGrowthMember } from './modules/membership/membership.merge';
import { membershipAdminRoutes, membershipStoreRoutes } from './modules/membership/membership.routes';
import { createMembershipService } from './modules/membership/membership.service';
import { membershipOrderSubscriber } from './modules/membership/on-order';
import { noticesStoreRoutes } from './modules/notices/notices.routes';
import { createNoticesService } from './modules/notices/notices.service';
import { createLimitsHold } from './modules/orders/limits-hold';
import { moveOrdersMember } from './modules/orders/orders.merge';
import { adminOrderRoutes, orderRoutes } from './modules/orders/orders.routes';
import { createOrdersService, type OrdersDeps } from './modules/orders/orders.service';
import { createGiftHold } from './modules/package-cards/gift-hold';
import {
  packageCardFileRoutes,
  packageCardsAdminRoutes,
  packageCardsStoreRoutes,
} from './modules/package-cards/package-cards.routes';
import { createPackageCardsService } from './modules/package-cards/package-cards.service';
import { paymentAdminRoutes, paymentRoutes } from './modules/payments/payments.routes';
import { createPaymentsService } from './modules/payments/payments.service';
import { pointsOrderSubscriber } from './modules/points/on-order';
import { movePointsMember } from './modules/points/points.merge';
import { pointsAdminRoutes, pointsStoreRoutes } from './modules/points/points.routes';
import { createPointsService } from './modules/points/points.service';
import { createPointsHold } from './modules/points/points-hold';
import { segmentsAdminRoutes } from './modules/segments/segments.routes';
import { createSegmentsService } from './modules/segments/segments.service';
import { tasksOrderSubscriber } from './modules/tasks/on-order';
import { tasksAdminRoutes, tasksStoreRoutes } from './modules/tasks/tasks.routes';
import { createTasksService } from './modules/tasks/tasks.service';
import { uploadsRoutes } from './modules/uploads/uploads.routes';
import { createUploadsService } from './modules/uploads/uploads.service';
import { seedMedia } from './seed/catalog';

export interface AppDeps {
  config: Config;
  jwtSecret: string;
  engine: EngineKind;
  log: Logger;
  /** WeChat Pay credentials: the merchant's in production, the sandbox's own in demo mode. */
  payment: PaymentSetup;
  /** Where this server is reachable (set once it listens): notify URLs and the demo sandbox derive from it. */
  runtime: { baseUrl: string };
  /** Tests only: crash stand-ins inside order placement and event delivery. */
  orderFaults?: Pick<OrdersDeps, 'crashAt' | 'skipInlineDelivery'>;
}

export type PaymentSetup =
  | { mode: 'sandbox'; keys: SandboxKeys }
  | {
      mode: 'wechat';
      mchid: string;
      merchantSerial: string;
      merchantPrivateKeyPem: string;
      apiV3Key: string;
      platformSerial: string;
      platformPublicKeyPem: string;
    };

function wechatPayClient(deps: AppDeps): WechatPayClient {
  const notifyUrl = () => `${deps.runtime.baseUrl}/api/payments/wechatpay/notify`;
  const setup = deps.payment;
  if (setup.mode === 'sandbox') {
    return new WechatPayClient({
      baseUrl: () => `${deps.runtime.baseUrl}${SANDBOX_PREFIX}`,
      appid: setup.keys.appid,
      mchid: setup.keys.mchid,
      merchantSerial: setup.keys.merchantSerial,
      merchantPrivateKey: createPrivateKey(setup.keys.merchantPrivateKeyPem),
      platformKeys: new Map([[setup.keys.platformSerial, createPublicKey(setup.keys.platformPublicKeyPem)]]),
      apiV3Key: setup.keys.apiV3Key,
      notifyUrl,
    });
  }
  return new WechatPayClient({
    baseUrl: () => deps.config.WECHATPAY_API_BASE,
    appid: deps.config.WECHAT_APPID!,
    mchid: setup.mchid,
    merchantSerial: setup.merchantSerial,
    merchantPrivateKey: createPrivateKey(setup.merchantPrivateKeyPem),
    platformKeys: new Map([[setup.platformSerial, createPublicKey(setup.platformPublicKeyPem)]]),
    apiV3Key: setup.apiV3Key,
    notifyUrl,
  });
}

export const SANDBOX_PREFIX = '/sandbox/wechatpay';

export function createServices(deps: AppDeps) {
  const { config } = deps;
  const signer = new TokenSigner(deps.jwtSecret, config.ACCESS_TOKEN_TTL_SECONDS);
  const wechat =
    config.WECHAT_APPID && config.WECHAT_SECRET
      ? new WechatClient({ appid: config.WECHAT_APPID, secret: config.WECHAT_SECRET, baseUrl: config.WECHAT_API_BASE })
      : undefined;
  const channels = createChannelsService();
  const identity = createIdentityService({
    demoMode: config.demoMode,
    ...(wechat ? { wechat } : {}),
    signer,
    refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
    uploads: { claimAvatar: (memberId, url) => uploads.claimAvatar(memberId, url) },
    onMemberCreated: async (member) => {
      await membership.onMemberCreated(member);
      await channels.onMemberCreated(member);
      await invitations.onMemberCreated(member);
      await coupons.onMemberCreated(member);
      await analytics.onMemberCreated(member);
    },
  });
  const admins = createAdminsService({ signer });
  const coupons = createCouponsService({
    returnCouponOnRefund: config.COUPON_RETURN_ON_REFUND,
    redeemLimits: {
      perMemberPerWindow: config.COUPON_REDEEM_RATE_PER_MEMBER,
      perIpPerWindow: config.COUPON_REDEEM_RATE_PER_IP,
    },
    paidOrders: () => orders,
  });
  const points = createPointsService();
  const uploads = createUploadsService({
    dir: path.join(config.dataDir, 'uploads'),
    ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
    signingKey: deps.jwtSecret,
  });
  const tasks = createTasksService({ points, uploads });
  const invitations = createInvitationsService({ points, tasks, ...(wechat ? { wechat } : {}) });
  const segments = createSegmentsService({ channels, coupons: () => coupons });
  const membership = createMembershipService({ points });
  const catalog = createCatalogService({ benefitsFor: (tier) => membership.benefitsFor(tier) });
  const cart = createCartService({ catalog });
  const addresses = createAddressesService();
  const notices = createNoticesService({
    ...(wechat ? { wechat } : {}),
    demoMode: config.demoMode,
    templates: config.subscribeTemplates,
    miniprogramState: config.WECHAT_MINIPROGRAM_STATE,
    log: deps.log,
  });
  const livestream = createLivestreamService({
    catalog,
    points,
    notices,
    reminderMinutes: config.LIVE_REMINDER_MINUTES,
    attributionHours: config.LIVE_ATTRIBUTION_HOURS,
    touches: channels,
    log: deps.log,
  });
  const packageCards = createPackageCardsService({
    points,
    identity,
    channels,
    coupons: () => coupons,
    ...(wechat ? { wechat } : {}),
  });
  const analytics = createAnalyticsService(createAnalyticsSources({ channels, packageCards, livestream }));
  const wechatPay = wechatPayClient(deps);
  const sandbox =
    deps.payment.mode === 'sandbox'
      ? createWechatPaySandbox(deps.payment.keys, {
          prefix: SANDBOX_PREFIX,
          // The demo cashier pays only for the signed-in member who is the payer (as WeChat's sheet would).
          authorizePayer: async (ctx, payerOpenid) => {
            const member = (await createAuthenticator(signer).member(ctx, true))!;
            if (!(await identity.holdsOpenid(member.id, payerOpenid))) {
              throw new AppError('forbidden', 'payer_mismatch', '只能支付自己的订单');
            }
          },
        })
      : undefined;
  const orders = createOrdersService({
    catalog,
    addresses,
    membership,
    points,
    coupons,
    cart,
    payMinutes: config.ORDER_PAY_MINUTES,
    autoCompleteDays: config.ORDER_AUTO_COMPLETE_DAYS,
    maxOpenUnpaidOrders: config.ORDER_MAX_OPEN_UNPAID,
    log: deps.log,
    ...(deps.orderFaults ?? {}),
  });
  // What an order takes while it is created, in this order (see orders/order-extensions.ts).
  orders.registerHold(createLimitsHold());
  orders.registerHold(createStockHold());
  orders.registerHold(createPointsHold(points));
  orders.registerHold(coupons.hold);
  orders.registerHold(createGiftHold(packageCards));
  // Who reacts to order events; orders knows none of them.
  orders.subscribe(createStockSubscriber());
  orders.subscribe(membershipOrderSubscriber(membership));
  orders.subscribe(pointsOrderSubscriber(points));
  orders.subscribe(tasksOrderSubscriber(tasks));
  orders.subscribe(coupons.subscriber);
  orders.subscribe(livestreamOrderSubscriber(livestream));
  orders.subscribe(invitationsOrderSubscriber(invitations));
  // Group-buy: a seat is a hold (after stock); its subscriber opens, fills and settles groups.
  const groupBuy = createGroupBuyService({
    catalog,
    orders: {
      create: (viewer, input, key, options) => orders.create(viewer, input, key, options),
      openGate: (orderId, gate) => orders.openGate(orderId, gate),
      find: (orderId) => orders.loadById(orderId),
      hasPaidOrder: (memberId) => orders.hasPaidOrder(memberId),
    },
    payments: {
      refund: (orderId, reason) => payments.refund(orderId, reason),
      cancelIfUnpaid: (order, now) => payments.cancelIfUnpaid(order, now),
    },
    members: {
      profile: async (memberId) => {
        const member = await identity.me(memberId);
        return { nickname: member.nickname, avatar: member.avatarUrl };
      },
    },
    notices,
    touches: channels,
  });
  orders.registerHold(groupBuy.seatHold);
  orders.subscribe(groupBuy.subscriber);
  orders.subscribe(analyticsOrderSubscriber(analytics));
  // One-ID merges: each module moves what it owns from the retired record to the survivor (identity
  // runs them in this order from a recorded intent, and its job finishes any a crash interrupted).
  identity.registerMergeParticipant('points', (from, to) => movePointsMember(points, from, to));
  identity.registerMergeParticipant('growth', moveGrowthMember);
  identity.registerMergeParticipant('orders', moveOrdersMember);
  identity.registerMergeParticipant('coupons', (from, to) => coupons.moveMember(from, to));
  identity.registerMergeParticipant('addresses', moveAddressesMember);
  identity.registerMergeParticipant('cart', (from, to) => cart.moveMember(from, to));
  const payments = createPaymentsService({
    wechatPay,
    orders,
    log: deps.log,
    ...(sandbox
      ? {
          sandboxBaseUrl: () => `${deps.runtime.baseUrl}${SANDBOX_PREFIX}`,
          sandboxConfirmPath: (prepayId: string) => sandbox.confirmPath(prepayId),
        }
      : {}),
  });
  // After-sales: partial refunds of some lines; its subscriber settles them (stock, limits, spent points).
  const afterSales = createAfterSalesService({ orders, payments, uploads, points, log: deps.log });
  orders.subscribe(afterSales.subscriber());
  return {
    signer,
    wechat,
    identity,
    channels,
    packageCards,
    analytics,
    invitations,
    segments,
    coupons,
    admins,
    catalog,
    cart,
    addresses,
    points,
    uploads,
    tasks,
    membership,
    wechatPay,
    sandbox,
    orders,
    payments,
    notices,
    livestream,
    groupBuy,
    afterSales,
  };
}

export type Services = ReturnType<typeof createServices>;

export function buildApp(deps: AppDeps, services: Services = createServices(deps)) {
  const { config } = deps;
  const app = new Koa({ proxy: config.TRUST_PROXY });
  app.silent = true;
  const limits = {
    perIpPerMinute: config.LOGIN_RATE_PER_IP_PER_MINUTE,
    perIdentityPerMinute: config.LOGIN_RATE_PER_IDENTITY_PER_MINUTE,
  };

  const healthRoute = defineRoute({
    method: 'get',
    path: '/health',
    summary: '健康检查：数据库可达为 200，否则 503',
    tags: ['system'],
    auth: 'public',
    response: z.object({
      status: z.literal('ok'),
      engine: z.enum(['mongod', 'ferretdb', 'ferretdb-sqlite', 'external']),
    }),
    errors: { 503: '数据库不可达' },
    handler: async () => {
      if (!(await databaseIsReachable())) {
        throw new AppError('unavailable', 'database_unreachable', '数据库暂时不可达', { engine: deps.engine });
      }
      return { status: 'ok' as const, engine: deps.engine };
    },
  });
  const storeRoutes: AnyRoute[] = [
    healthRoute,
    ...uploadsRoutes(services.uploads),
    ...identityRoutes(services.identity, limits),
    ...catalogStoreRoutes(services.catalog),
    ...cartRoutes(services.cart),
    ...addressesRoutes(services.addresses),
    ...orderRoutes(services.orders, { createPerMemberPerMinute: config.ORDER_RATE_PER_MEMBER_PER_MINUTE }),
    ...paymentRoutes(services.payments),
    ...membershipStoreRoutes(services.membership),
    ...pointsStoreRoutes(services.points),
    ...tasksStoreRoutes(services.tasks),
    ...packageCardsStoreRoutes(services.packageCards),
    ...invitationsStoreRoutes(services.invitations),
    ...invitationsFileRoutes(services.invitations),
    ...noticesStoreRoutes(services.notices),
    ...livestreamStoreRoutes(services.livestream),
    ...groupBuyStoreRoutes(services.groupBuy),
    ...couponsStoreRoutes(services.coupons),
    ...afterSalesStoreRoutes(services.afterSales),
  ];
  const adminRoutes: AnyRoute[] = [
    ...adminsRoutes(services.admins, limits),
    ...membersAdminRoutes(services.identity),
    ...catalogAdminRoutes(services.catalog),
    ...adminOrderRoutes(services.orders),
    ...paymentAdminRoutes(services.payments),
    ...membershipAdminRoutes(services.membership),
    ...pointsAdminRoutes(services.points),
    ...tasksAdminRoutes(services.tasks),
    ...livestreamAdminRoutes(services.livestream),
    ...groupBuyAdminRoutes(services.groupBuy),
    ...packageCardsAdminRoutes(services.packageCards),
    ...packageCardFileRoutes(services.packageCards),
    ...couponsCsvRoutes(services.coupons),
    ...analyticsAdminRoutes(services.analytics),
    ...channelsAdminRoutes(services.channels),
    ...segmentsAdminRoutes(services.segments),
    ...couponsAdminRoutes(services.coupons),
    ...afterSalesAdminRoutes(services.afterSales),
  ];

  const authenticator = createAuthenticator(services.signer);
  const store = new Router({ prefix: '/api' });
  mountRoutes(store, storeRoutes, authenticator);
  const admin = new Router({ prefix: '/api/admin' });
  mountRoutes(admin, adminRoutes, authenticator);

  let openApi: unknown;
  const openApiDocument = () =>
    (openApi ??= buildOpenApi(
      [
        { prefix: '/api', routes: storeRoutes },
        { prefix: '/api/admin', routes: adminRoutes },
      ],
      { version: '0.1.0' },
    ));

  app.use(compression());
  app.use(errorHandler());
  // At most API_MAX_IN_FLIGHT requests run at once; the rest wait their turn (bounded memory under a spike).
  const admitted = admission({
    maxInFlight: config.API_MAX_IN_FLIGHT,
    maxWaitMs: config.API_MAX_WAIT_MS,
    exempt: ['/api/payments/wechatpay/notify', '/api/health', '/api/docs'],
  });
  // Storefront catalog reads answered from the read model before the rest of the chain (hot-reads.ts).
  app.use(hotReads({ prefix: '/api', routes: storeRoutes, auth: authenticator, log: deps.log, admit: admitted.run }));
  app.use(requestContext(deps.log));
  app.use(securityHeaders());
  app.use(
    cors({
      // Only the configured storefront origin may call the API from a browser; same-origin needs no CORS.
      origin: (ctx) => (config.CORS_ORIGIN && ctx.get('Origin') === config.CORS_ORIGIN ? config.CORS_ORIGIN : ''),
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
      exposeHeaders: ['X-Request-Id', 'Retry-After'],
      maxAge: 600,
    }),
  );
  app.use(admitted);
  app.use(apiDocs(openApiDocument, { enabled: config.NODE_ENV !== 'production' }));
  if (services.sandbox) app.use(services.sandbox.middleware());
  app.use(methodOverride());
  app.use(jsonBody());
  app.use(seedMediaFiles(seedMedia()));
  // The admin router only sees admin paths, so a shopper's request is not matched against its routes.
  const adminRouting = admin.routes();
  app.use((ctx, next) => (ctx.path.startsWith('/api/admin/') ? adminRouting(ctx as never, next) : next()));
  app.use(store.routes());
  app.use(async (ctx, next) => {
    if (ctx.path.startsWith('/api')) {
      throw new AppError('not_found', 'route_not_found', `接口不存在：${ctx.method} ${ctx.path}`);
    }
    return next();
  });
  app.use(dashboard());
  if (config.SERVE_STOREFRONT) app.use(storefront(config.storefrontDir));

  return { app, services, openApiDocument };
}
