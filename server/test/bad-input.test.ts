/** Bad input gets a clear 4xx with the one error shape, and changes nothing. */
import mongoose from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { Member } from '../src/modules/identity/member.model';
import { startTestMall, type TestMall } from './harness';

let mall: TestMall;
beforeAll(async () => {
  mall = await startTestMall();
});

async function collectionCounts(): Promise<Record<string, number>> {
  const db = mongoose.connection.db!;
  const names = (await db.listCollections().toArray()).map((c) => c.name).filter((name) => name !== 'rate_windows');
  const counts: Record<string, number> = {};
  for (const name of names.sort()) counts[name] = await db.collection(name).countDocuments();
  return counts;
}

function expectErrorShape(body: any, code?: string) {
  expect(body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
  if (code) expect(body.error.code).toBe(code);
}

describe('rejected requests answer 4xx and write nothing', () => {
  it.each([
    [
      'malformed JSON',
      { rawBody: '{"code": "demo:x",', headers: { 'content-type': 'application/json' } },
      400,
      'malformed_json',
    ],
    ['an unknown field', { body: { code: 'demo:x', tier: 'black' } }, 400, 'invalid_body'],
    ['an operator object instead of a code', { body: { code: { $ne: null } } }, 400, 'invalid_body'],
    [
      'a non-JSON body',
      { rawBody: 'code=demo:x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      415,
      'unsupported_media_type',
    ],
    ['an empty body', { rawBody: '', headers: { 'content-type': 'application/json' } }, 400, 'invalid_body'],
  ])('login with %s is refused and writes nothing', async (_name, options, status, code) => {
    const before = await collectionCounts();
    const response = await mall.api('POST', '/api/auth/wechat-login', options);
    expect(response.status).toBe(status);
    expectErrorShape(response.body, code);
    expect(await collectionCounts()).toEqual(before);
  });

  it('a body over 1 MB → 413', async () => {
    const member = await mall.loginMember();
    const before = await Member.findById(member.id).lean();
    const response = await mall.api('PATCH', '/api/me', {
      token: member.token,
      rawBody: JSON.stringify({ nickname: 'x'.repeat(1024 * 1024 + 10) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(413);
    expectErrorShape(response.body, 'payload_too_large');
    expect(await Member.findById(member.id).lean()).toEqual(before);
  });

  it('an operator object smuggled into a path parameter finds nothing', async () => {
    const member = await mall.loginMember();
    const response = await mall.api('DELETE', `/api/me/marketplaces/tmall/${encodeURIComponent('{"$ne":null}')}`, {
      token: member.token,
    });
    expect(response.status).toBe(200);
    expect(response.body.marketplaces).toEqual([]);
  });

  it('a body on a route that takes none is a 400', async () => {
    const member = await mall.loginMember();
    const response = await mall.api('GET', '/api/me', { token: member.token });
    expect(response.status).toBe(200);
    const withBody = await mall.api('DELETE', '/api/me/marketplaces/tmall/x', {
      token: member.token,
      body: { hack: true },
    });
    expect(withBody.status).toBe(400);
  });

  it('an unknown API route is a JSON 404', async () => {
    const response = await mall.api('GET', '/api/nothing-here');
    expect(response.status).toBe(404);
    expectErrorShape(response.body, 'route_not_found');
  });
});

describe('authentication and roles', () => {
  it('no token on a member route → 401', async () => {
    const response = await mall.api('GET', '/api/me');
    expect(response.status).toBe(401);
    expectErrorShape(response.body, 'login_required');
  });

  it('a member token on an admin route → 403', async () => {
    const member = await mall.loginMember();
    const response = await mall.api('GET', '/api/admin/me', { token: member.token });
    expect(response.status).toBe(403);
    expectErrorShape(response.body, 'admin_only');
  });

  it('an admin token on a member route → 401 (admins are not members)', async () => {
    const admin = await mall.loginAdmin('owner');
    expect((await mall.api('GET', '/api/me', { token: admin })).status).toBe(401);
  });

  it('an admin of too low a role → 403, and nothing is created', async () => {
    const support = await mall.loginAdmin('support');
    const before = await collectionCounts();
    const response = await mall.api('POST', '/api/admin/admins', {
      token: support,
      body: { username: 'newbie', password: 'long enough password', role: 'operator' },
    });
    expect(response.status).toBe(403);
    expectErrorShape(response.body, 'role_forbidden');
    expect(await collectionCounts()).toEqual(before);
  });

  it('the owner creates admins; a duplicate username is a 409', async () => {
    const owner = await mall.loginAdmin('owner');
    const body = { username: 'ops.li', password: 'long enough password', role: 'operator' };
    const created = await mall.api('POST', '/api/admin/admins', { token: owner, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'ops.li', role: 'operator' });
    expect((await mall.api('POST', '/api/admin/admins', { token: owner, body })).status).toBe(409);
    const login = await mall.api('POST', '/api/admin/auth/login', {
      body: { username: 'ops.li', password: body.password },
    });
    expect(login.body.admin.role).toBe('operator');
  });
});

describe('API docs', () => {
  it('serves OpenAPI 3 generated from the route schemas, and the interactive docs page', async () => {
    const spec = await mall.api('GET', '/api/openapi.json');
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    const login = spec.body.paths['/api/auth/wechat-login'].post;
    expect(login.requestBody.content['application/json'].schema.properties.code).toBeDefined();
    expect(login.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(spec.body.paths['/api/admin/admins'].post['x-admin-roles']).toEqual(['owner']);
    const page = await fetch(`${mall.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui-bundle.js');
    expect((await fetch(`${mall.baseUrl}/api/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
  });

  it('sets request ids and security headers', async () => {
    const response = await mall.api('GET', '/api/health', { headers: { 'X-Request-Id': 'trace-abc-123' } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', engine: expect.stringMatching(/mongod|ferretdb|external/) });
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('answers CORS only for the configured storefront origin', async () => {
    const corsMall = await startTestMall({ CORS_ORIGIN: 'https://shop.example.com' });
    const allowed = await corsMall.api('GET', '/api/health', { headers: { Origin: 'https://shop.example.com' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    const other = await corsMall.api('GET', '/api/health', { headers: { Origin: 'https://evil.example.com' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the mini-program’s method override', () => {
  it('POST with X-HTTP-Method-Override: PATCH is a PATCH (wx.request has no PATCH); a GET cannot be overridden', async () => {
    const member = await mall.loginMember();
    const patched = await mall.api('POST', '/api/me', {
      token: member.token,
      headers: { 'X-HTTP-Method-Override': 'PATCH' },
      body: { nickname: '小程序改名' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.nickname).toBe('小程序改名');
    const sneaky = await mall.api('GET', '/api/me', {
      token: member.token,
      headers: { 'X-HTTP-Method-Override': 'DELETE' },
    });
    expect(sneaky.status).toBe(200);
  });
});
