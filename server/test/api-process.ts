/**
 * The API as a real process (`server/src/main.ts`), for tests of what only a process shows: signals,
 * crashes, restarts on the same data, several instances. Its output is kept for failure messages.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../src/config';

const MAIN = path.join(REPO_ROOT, 'server/src/main.ts');
const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
const children: ChildProcess[] = [];

/**
 * `via: 'tsx'` runs it as `npm start` does (the tsx wrapper, which passes Ctrl-C on); `via: 'node'` runs
 * Node itself with the tsx loader, so a SIGKILL reaches the process that serves.
 */
export function spawnApi(env: Record<string, string>, via: 'tsx' | 'node') {
  const [command, args] = via === 'tsx' ? [TSX, [MAIN]] : [process.execPath, ['--import', 'tsx', MAIN]];
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      SERVE_STOREFRONT: 'false',
      JOBS_ENABLED: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** For afterAll: whatever is still running is killed. */
export function killSpawnedApis(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}
