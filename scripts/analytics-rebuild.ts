/**
 * `npm run analytics:rebuild`: recomputes the analytics facts from the source collections (orders,
 * members) and every day rollup from the facts, then prints the last 90 days' overview before and
 * after. The two must agree: the incremental subscribers and the rebuild compute the same figures.
 * Exits 1 when they differ.
 *
 * Connects to MONGODB_URI when set, else starts the embedded engine on DATA_DIR the way the server
 * does (refused while a server holds DATA_DIR: stop it, or point MONGODB_URI at its engine).
 */
import { dayjs, SHOP_TIMEZONE, shopDay } from '@siyu/shared';
import { generateSandboxKeys } from '../server/src/adapters/wechatpay-sandbox';
import { createServices } from '../server/src/app';
import { createLogger } from '../server/src/http/logger';
import { runScript, say, withDatabase } from './with-database';

runScript('analytics rebuild', () =>
  withDatabase(async ({ config, engine }) => {
    const services = createServices({
      config,
      jwtSecret: config.JWT_SECRET ?? 'analytics-rebuild-does-not-sign-tokens-0123456789',
      engine,
      log: createLogger('warn'),
      payment: { mode: 'sandbox', keys: generateSandboxKeys() },
      runtime: { baseUrl: '' },
    });
    const to = shopDay(new Date());
    const from = dayjs.tz(to, SHOP_TIMEZONE).subtract(89, 'day').format('YYYY-MM-DD');
    const before = await services.analytics.overview({ from, to });
    const rebuilt = await services.analytics.rebuild();
    const after = await services.analytics.overview({ from, to });
    say(`Rebuilt from ${rebuilt.orders} paid orders and ${rebuilt.members} members (${rebuilt.days} days).`);
    say(
      `Last 90 days (${from} – ${to}): GMV ${after.gmv} fen, ${after.orders} orders, repurchase ${after.repurchaseRate.text}.`,
    );
    const same = JSON.stringify(before) === JSON.stringify(after);
    say(
      same
        ? 'OK: the incrementally kept figures equal the rebuild.'
        : `DIFFERENT before the rebuild: ${JSON.stringify(before)}`,
    );
    return same ? 0 : 1;
  }),
);
