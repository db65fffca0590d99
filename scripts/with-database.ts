/**
 * For maintenance scripts: connect to MONGODB_URI when set, else start the embedded engine on DATA_DIR
 * the way the server does (refused while a server holds DATA_DIR: stop it, or point MONGODB_URI at its
 * engine), run `work`, then disconnect and stop what was started. Read-only connections build no indexes.
 */
import mongoose from 'mongoose';
import { type Config, ConfigError, loadConfig } from '../server/src/config';
import '../server/src/db/connection';
import { DataDirInUseError, lockDataDir } from '../server/src/db/data-dir-lock';
import { type EngineKind, startEngine } from '../server/src/db/engine';

export const say = (line: string) => process.stdout.write(`${line}\n`);

export async function withDatabase(
  work: (context: { config: Config; engine: EngineKind }) => Promise<number>,
): Promise<number> {
  const config = loadConfig();
  let stopEngine: (() => Promise<void>) | undefined;
  let release: (() => Promise<void>) | undefined;
  try {
    let uri = config.MONGODB_URI;
    let kind: EngineKind = 'external';
    if (!uri) {
      release = await lockDataDir(config.dataDir);
      const engine = await startEngine({
        engine: config.DB_ENGINE,
        ...(config.MONGOD_BIN ? { mongodBin: config.MONGOD_BIN } : {}),
        dataDir: config.dataDir,
        toolsDir: config.toolsDir,
        progress: (line) => say(`[engine] ${line}`),
      });
      stopEngine = () => engine.stop();
      uri = engine.uri;
      kind = engine.kind;
    }
    await mongoose.connect(uri, { dbName: config.DB_NAME, serverSelectionTimeoutMS: 5000, autoIndex: false });
    return await work({ config, engine: kind });
  } finally {
    await mongoose.disconnect().catch(() => {});
    await stopEngine?.();
    await release?.();
  }
}

/** Exit code 2 with a readable line for a bad configuration or a DATA_DIR in use; the stack otherwise. */
export function runScript(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error) => {
      if (error instanceof ConfigError || error instanceof DataDirInUseError)
        process.stderr.write(`${error.message}\n`);
      else process.stderr.write(`${name} failed: ${(error as Error).stack ?? error}\n`);
      process.exit(2);
    },
  );
}
