import { beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../src/modules/admins/admin.model';
import { earlyInWindow, startTestMall, type TestMall } from './harness';

let mall: TestMall;
beforeAll(async () => {
  mall = await startTestMall();
});

describe('admin login', () => {
  it('stores scrypt hashes, never the password', async () => {
    await mall.services.admins.upsertAdmin('hash-check', 'a very good password', 'support');
    const stored = await Admin.findOne({ username: 'hash-check' }).lean();
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(stored?.passwordHash).not.toContain('a very good password');
  });

  it('locks a username at one address after five wrong passwords, even for the right one, and says when to retry', async () => {
    await mall.services.admins.upsertAdmin('locky', 'the right password', 'support');
    for (let i = 0; i < 5; i++) {
      const wrong = await mall.api('POST', '/api/admin/auth/login', {
        body: { username: 'locky', password: `wrong-${i}` },
      });
      expect(wrong.status).toBe(401);
    }
    const locked = await mall.api('POST', '/api/admin/auth/login', {
      body: { username: 'locky', password: 'the right password' },
    });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('admin_locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('an unknown username and a wrong password answer the same', async () => {
    const unknown = await mall.api('POST', '/api/admin/auth/login', { body: { username: 'nobody', password: 'x' } });
    await mall.services.admins.upsertAdmin('somebody', 'the right password', 'support');
    const wrong = await mall.api('POST', '/api/admin/auth/login', { body: { username: 'somebody', password: 'x' } });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('a changed password (ADMIN_PASSWORD at startup) ends the admin’s existing tokens', async () => {
    const token = await mall.loginAdmin('owner');
    const me = await mall.api('GET', '/api/admin/me', { token });
    await mall.services.admins.upsertAdmin(me.body.username, 'a brand new password', 'owner');
    expect((await mall.api('GET', '/api/admin/me', { token })).status).toBe(401);
  });
});

describe('login rate limits', () => {
  it('limits member logins per identity with 429 and Retry-After', async () => {
    const limited = await startTestMall({
      LOGIN_RATE_PER_IDENTITY_PER_MINUTE: '3',
      LOGIN_RATE_PER_IP_PER_MINUTE: '100',
    });
    await earlyInWindow();
    const answers = [];
    for (let i = 0; i < 5; i++)
      answers.push(await limited.api('POST', '/api/auth/wechat-login', { body: { code: 'demo:limited' } }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    expect(answers[3]!.body.error.code).toBe('rate_limited');
    expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
  }, 90_000);

  it('limits logins per IP across identities', async () => {
    const limited = await startTestMall({ LOGIN_RATE_PER_IP_PER_MINUTE: '4' });
    await earlyInWindow();
    const statuses = [];
    // The IP counter is shared with earlier tests of this file's database: use a fresh scope by counting from here.
    for (let i = 0; i < 12; i++) {
      statuses.push((await limited.api('POST', '/api/auth/wechat-login', { body: { code: `demo:ip${i}` } })).status);
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(4);
  }, 90_000);
});
