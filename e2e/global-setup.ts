/**
 * Starts the mall the way `npm start` does — the real server process with its embedded engine and
 * seeded demo data, serving the built H5 storefront — on a free port with a throw-away DATA_DIR.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    mallUrl: string;
    adminPassword: string;
  }
}

const root = path.resolve(__dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export default async function setup(project: TestProject) {
  if (!existsSync(path.join(root, 'miniapp/dist-h5/index.html'))) {
    throw new Error('The H5 storefront is not built: run `npm run build:h5` (npm test builds it before the tests).');
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'siyu-e2e-'));
  const port = await freePort();
  const adminPassword = 'e2e-admin-password';
  let output = '';
  const server: ChildProcess = spawn(
    path.join(root, 'node_modules/.bin/tsx'),
    [path.join(root, 'server/src/main.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATA_DIR: dataDir,
        PORT: String(port),
        ADMIN_PASSWORD: adminPassword,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server.stdout?.on('data', (chunk) => (output += chunk));
  server.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  // The embedded engine may initialise a PostgreSQL cluster first: on a busy 2-core machine that alone can take a minute.
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the mall exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`the mall did not come up:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  project.provide('mallUrl', url);
  project.provide('adminPassword', adminPassword);
  return async () => {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  };
}
