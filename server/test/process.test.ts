/**
 * The API as a shopper's machine runs it: `tsx server/src/main.ts` as a child process, with the
 * embedded engine it starts itself, over real HTTP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/config';
import { freePort, startEngine } from '../src/db/engine';
import { killSpawnedApis, spawnApi } from './api-process';

const dirs: string[] = [];

afterAll(async () => {
  killSpawnedApis();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'siyu-proc-'));
  dirs.push(dir);
  return dir;
}

function startApi(env: Record<string, string>) {
  return spawnApi(env, 'tsx');
}

async function waitForHealth(port: number, timeoutMs = 180_000): Promise<{ status: number; body: any }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`);
      return { status: response.status, body: await response.json() };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error('API did not come up');
}

describe('npm start, as a process', () => {
  it('starts its own FerretDB, keeps members across a restart, refuses a second start on the same DATA_DIR, and stops cleanly on SIGINT', async () => {
    const dataDir = await tempDir();
    const port = await freePort();
    const env = { DATA_DIR: dataDir, PORT: String(port), DB_ENGINE: 'ferretdb', ADMIN_PASSWORD: 'demo-admin-password' };
    const first = startApi(env);
    const health = await waitForHealth(port);
    expect(health).toEqual({ status: 200, body: { status: 'ok', engine: 'ferretdb' } });
    expect(first.output()).toContain('/api/docs');

    const login = await fetch(`http://127.0.0.1:${port}/api/auth/wechat-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'demo:persistent' }),
    }).then((r) => r.json() as Promise<any>);

    const second = startApi({ ...env, PORT: String(await freePort()) });
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/DATA_DIR .* is in use/);

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('Stopped.');

    const restarted = startApi(env);
    await waitForHealth(port);
    const again = await fetch(`http://127.0.0.1:${port}/api/auth/wechat-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'demo:persistent' }),
    }).then((r) => r.json() as Promise<any>);
    expect(again.member.id).toBe(login.member.id);
    expect(again.member.memberNo).toBe(login.member.memberNo);
    // A token issued before the restart still works: the generated secret is kept in DATA_DIR.
    const me = await fetch(`http://127.0.0.1:${port}/api/me`, {
      headers: { authorization: `Bearer ${login.accessToken}` },
    });
    expect(me.status).toBe(200);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
  }, 300_000);

  it('answers 503 on /api/health while the database is unreachable, and refuses to start in production without secrets', async () => {
    const engine = await startEngine({
      engine: 'ferretdb',
      dataDir: await tempDir(),
      toolsDir: path.join(REPO_ROOT, '.tools'),
    });
    const port = await freePort();
    const api = startApi({ DATA_DIR: await tempDir(), PORT: String(port), MONGODB_URI: engine.uri });
    expect(await waitForHealth(port)).toEqual({ status: 200, body: { status: 'ok', engine: 'external' } });
    await engine.stop();
    const down = await waitForHealth(port);
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('database_unreachable');
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);

    const production = startApi({ NODE_ENV: 'production', DATA_DIR: await tempDir(), PORT: String(await freePort()) });
    expect(await production.exited).toBe(1);
    expect(production.output()).toContain('JWT_SECRET');
    expect(production.output()).toContain('WECHAT_APPID');
  }, 300_000);
});
