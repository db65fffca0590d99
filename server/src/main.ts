/** Start: config → DATA_DIR lock → engine → database → app → seed → jobs → listen; graceful stop on SIGINT/SIGTERM. */

import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import mongoose from 'mongoose';
import { loadOrCreateSandboxKeys } from './adapters/wechatpay-sandbox';
import type { PaymentSetup } from './app';
import { buildApp, createServices } from './app';
import { bootstrapAdmin } from './bootstrap-admin';
import type { Config } from './config';
import { ConfigError, loadConfig } from './config';
import { connectDatabase } from './db/connection';
import { DataDirInUseError, lockDataDir } from './db/data-dir-lock';
import { startEngine } from './db/engine';
import { createLogger } from './http/logger';
import { housekeepingJobs } from './jobs/housekeeping';
import { startScheduler } from './jobs/scheduler';
import { afterSalesJobs } from './modules/after-sales/after-sales.jobs';
import { couponJobs } from './modules/coupons/coupons.jobs';
import { groupBuyJobs } from './modules/groupbuy/groupbuy.jobs';
import { livestreamJobs } from './modules/livestream/livestream.jobs';
import { noticesJobs } from './modules/notices/notices.jobs';
import { orderJobs } from './modules/orders/orders.jobs';
import { resolveJwtSecret } from './secrets';
import { seedDemoData } from './seed/demo';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const releaseLock = await lockDataDir(config.dataDir);
  const stopSteps: (() => Promise<void>)[] = [releaseLock];

  const engine = await startEngine({
    ...(config.MONGODB_URI ? { mongodbUri: config.MONGODB_URI } : {}),
    engine: config.DB_ENGINE,
    ...(config.MONGOD_BIN ? { mongodBin: config.MONGOD_BIN } : {}),
    dataDir: config.dataDir,
    toolsDir: config.toolsDir,
    progress: (line) => say(`[engine] ${line}`),
  });
  stopSteps.unshift(() => engine.stop());
  await connectDatabase(engine.uri, config.DB_NAME);
  stopSteps.unshift(() => mongoose.disconnect());

  const { secret } = await resolveJwtSecret(config);
  const runtime = { baseUrl: config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}` };
  const deps = { config, jwtSecret: secret, engine: engine.kind, log, payment: await paymentSetup(config), runtime };
  const services = createServices(deps);
  const { app } = buildApp(deps, services);

  const admin = await bootstrapAdmin(config, services.admins);
  const seed = config.seedDemo ? await seedDemoData(services) : { seeded: [] };
  const scheduler = config.JOBS_ENABLED
    ? startScheduler(
        [
          ...housekeepingJobs(services),
          ...orderJobs(services.orders, services.payments),
          ...noticesJobs(services.notices),
          ...livestreamJobs(services.livestream),
          ...couponJobs(services.coupons),
          ...groupBuyJobs(services.groupBuy.outcomes),
          ...afterSalesJobs(services.afterSales),
        ],
        log,
      )
    : undefined;
  if (scheduler) stopSteps.unshift(() => scheduler.stop());

  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.PORT, config.HOST, () => resolve(listening));
    listening.once('error', reject);
  });
  server.keepAliveTimeout = 5000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const base = config.PUBLIC_URL ?? `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  runtime.baseUrl = base;

  say('');
  say('Siyu Mall is running');
  say(`  storefront (H5)  ${base}/`);
  say(`  API              ${base}/api`);
  say(`  API docs         ${base}/api/docs`);
  say(`  health           ${base}/api/health`);
  say(`  database engine  ${engine.kind}${engine.kind === 'external' ? '' : ` (data in ${config.dataDir})`}`);
  say(`  mode             ${config.demoMode ? 'demo (no WeChat credentials: demo logins and sandbox pay)' : 'WeChat'}`);
  if (config.demoMode)
    say(
      '  member login     on the H5 storefront, any nickname (API: POST /api/auth/wechat-login {"code":"demo:<nickname>"})',
    );
  say(
    `  admin login      ${admin.username}${admin.password ? ` / ${admin.password}   (generated now and shown once; set ADMIN_PASSWORD to choose it)` : ` (${admin.action})`}`,
  );
  if (seed.seeded.length) say(`  demo data        ${seed.seeded.join(', ')}`);
  say('Press Ctrl-C to stop.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: finishing in-flight requests, then stopping…`);
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearTimeout(force);
    for (const step of stopSteps) await step().catch((error) => log.error({ err: error }, 'stop step failed'));
    say('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** Demo mode pays through the local sandbox (keys kept in DATA_DIR); otherwise the merchant's real credentials. */
async function paymentSetup(config: Config): Promise<PaymentSetup> {
  if (config.demoMode || !config.WECHATPAY_MCHID)
    return { mode: 'sandbox', keys: await loadOrCreateSandboxKeys(config.dataDir) };
  return {
    mode: 'wechat',
    mchid: config.WECHATPAY_MCHID,
    merchantSerial: config.WECHATPAY_MCH_SERIAL!,
    merchantPrivateKeyPem: await readFile(config.WECHATPAY_PRIVATE_KEY_FILE!, 'utf8'),
    apiV3Key: config.WECHATPAY_APIV3_KEY!,
    platformSerial: config.WECHATPAY_PLATFORM_SERIAL!,
    platformPublicKeyPem: await readFile(config.WECHATPAY_PLATFORM_PUBLIC_KEY_FILE!, 'utf8'),
  };
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof DataDirInUseError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Siyu Mall failed to start: ${(error as Error).stack ?? error}\n`);
  }
  process.exit(1);
});
