/**
 * `npm run engine`: starts the embedded database on its own (the same ladder `npm start` uses) and
 * prints its URI, for mongosh/Compass or for running several API instances against one database:
 *   MONGODB_URI=<printed uri> PORT=3001 npm start
 * `--build-only` just builds the FerretDB launcher (CI does this up front).
 */
import { loadConfig } from '../server/src/config';
import { lockDataDir } from '../server/src/db/data-dir-lock';
import { ensureFerretDbBinary, startEngine } from '../server/src/db/engine';

const config = loadConfig();
const say = (line: string) => process.stdout.write(`[engine] ${line}\n`);

if (process.argv.includes('--build-only')) {
  const started = Date.now();
  const binary = await ensureFerretDbBinary(config.toolsDir, say);
  say(`ready: ${binary} (${Date.now() - started} ms)`);
} else {
  const release = await lockDataDir(config.dataDir);
  const engine = await startEngine({
    engine: config.DB_ENGINE,
    ...(config.MONGOD_BIN ? { mongodBin: config.MONGOD_BIN } : {}),
    dataDir: config.dataDir,
    toolsDir: config.toolsDir,
    progress: say,
  });
  say(`${engine.kind} listening: ${engine.uri}${config.DB_NAME}`);
  say('Ctrl-C stops it.');
  const stop = async () => {
    await engine.stop();
    await release();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
