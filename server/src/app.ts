/**
 * Builds the Koa app: error mapping first, then request context, security headers, CORS, body
 * parsing, docs, the store and admin routers, and the storefront. No I/O happens here; main.ts
 * connects the database and starts listening.
 */
import cors from '@koa/cors';
import Router from '@koa/router';
import Koa from 'koa';
import { z } from 'zod';
import { WechatClient } from './adapters/wechat';
import type { Config } from './config';
import { databaseIsReachable } from './db/connection';
import type { EngineKind } from './db/engine';
import { AppError } from './http/errors';
import type { Logger } from './http/logger';
import { errorHandler, jsonBody, requestContext, securityHeaders } from './http/middleware';
import { type AnyRoute, buildOpenApi, defineRoute, mountRoutes } from './http/route';
import { apiDocs, storefront } from './http/storefront';
import { adminsRoutes } from './modules/admins/admins.routes';
import { createAdminsService } from './modules/admins/admins.service';
import { createAuthenticator } from './modules/identity/authenticator';
import { identityRoutes } from './modules/identity/identity.routes';
import { createIdentityService } from './modules/identity/identity.service';
import { TokenSigner } from './modules/identity/tokens';

export interface AppDeps {
  config: Config;
  jwtSecret: string;
  engine: EngineKind;
  log: Logger;
}

export function createServices(deps: AppDeps) {
  const { config } = deps;
  const signer = new TokenSigner(deps.jwtSecret, config.ACCESS_TOKEN_TTL_SECONDS);
  const wechat =
    config.WECHAT_APPID && config.WECHAT_SECRET
      ? new WechatClient({ appid: config.WECHAT_APPID, secret: config.WECHAT_SECRET, baseUrl: config.WECHAT_API_BASE })
      : undefined;
  const identity = createIdentityService({
    demoMode: config.demoMode,
    ...(wechat ? { wechat } : {}),
    signer,
    refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
  });
  const admins = createAdminsService({ signer });
  return { signer, wechat, identity, admins };
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
    response: z.object({ status: z.literal('ok'), engine: z.enum(['mongod', 'ferretdb', 'external']) }),
    errors: { 503: '数据库不可达' },
    handler: async () => {
      if (!(await databaseIsReachable())) {
        throw new AppError('unavailable', 'database_unreachable', '数据库暂时不可达', { engine: deps.engine });
      }
      return { status: 'ok' as const, engine: deps.engine };
    },
  });
  const storeRoutes: AnyRoute[] = [healthRoute, ...identityRoutes(services.identity, limits)];
  const adminRoutes: AnyRoute[] = [...adminsRoutes(services.admins, limits)];

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

  app.use(errorHandler());
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
  app.use(apiDocs(openApiDocument));
  app.use(jsonBody());
  app.use(admin.routes());
  app.use(store.routes());
  app.use(async (ctx, next) => {
    if (ctx.path.startsWith('/api')) {
      throw new AppError('not_found', 'route_not_found', `接口不存在：${ctx.method} ${ctx.path}`);
    }
    return next();
  });
  if (config.SERVE_STOREFRONT) app.use(storefront(config.storefrontDir));

  return { app, services, openApiDocument };
}
