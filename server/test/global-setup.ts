/**
 * Starts the embedded engine once per test run (the same ladder `npm start` uses: MONGODB_URI, else
 * mongod, else FerretDB on PostgreSQL; DB_ENGINE picks one) in a throw-away data directory, which lets
 * the engine skip fsync. Each test file gets its own database.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../src/config';
import { startEngine } from '../src/db/engine';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    engineKind: string;
  }
}

export default async function setup(project: TestProject) {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'siyu-test-'));
  const engine = await startEngine({
    ...(config.MONGODB_URI ? { mongodbUri: config.MONGODB_URI } : {}),
    engine: config.DB_ENGINE,
    ...(config.MONGOD_BIN ? { mongodBin: config.MONGOD_BIN } : {}),
    dataDir,
    toolsDir: config.toolsDir,
    ephemeral: true,
    progress: (line) => process.stdout.write(`[engine] ${line}\n`),
  });
  project.provide('mongoUri', engine.uri);
  project.provide('engineKind', engine.kind);
  return async () => {
    await engine.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
