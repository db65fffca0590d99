/**
 * `npm run seed`: writes the demo brand into the database named by MONGODB_URI (or the embedded
 * engine under DATA_DIR, when no API is running on it). Idempotent: running it twice changes nothing.
 */

import mongoose from 'mongoose';
import { generateSandboxKeys } from '../server/src/adapters/wechatpay-sandbox';
import { createServices } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { connectDatabase } from '../server/src/db/connection';
import { lockDataDir } from '../server/src/db/data-dir-lock';
import { startEngine } from '../server/src/db/engine';
import { createLogger } from '../server/src/http/logger';
import { seedDemoData } from '../server/src/seed/demo';

const config = loadConfig();
const release = config.MONGODB_URI ? async () => {} : await lockDataDir(config.dataDir);
const engine = await startEngine({
  ...(config.MONGODB_URI ? { mongodbUri: config.MONGODB_URI } : {}),
  engine: config.DB_ENGINE,
  dataDir: config.dataDir,
  toolsDir: config.toolsDir,
});
await connectDatabase(engine.uri, config.DB_NAME);
const services = createServices({
  config,
  jwtSecret: 'seed-only-no-tokens-are-issued-here-000000',
  engine: engine.kind,
  log: createLogger('warn'),
  payment: { mode: 'sandbox', keys: generateSandboxKeys() },
  runtime: { baseUrl: '' },
});
const report = await seedDemoData(services);
process.stdout.write(
  report.seeded.length ? `seeded: ${report.seeded.join(', ')}\n` : 'nothing to seed: the demo data is already there\n',
);
await mongoose.disconnect();
await engine.stop();
await release();
