import { createHmac, createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWechat, startFakeWechat } from '../../../../test/fakes/wechat';
import { startTestMall, TEST_JWT_SECRET, type TestMall } from '../../../../test/harness';
import { Member, MemberIdentity } from '../member.model';

let mall: TestMall;
let wechat: FakeWechat;
let wechatMall: TestMall;

beforeAll(async () => {
  mall = await startTestMall();
  wechat = await startFakeWechat();
  wechatMall = await startTestMall({
    WECHAT_APPID: wechat.appid,
    WECHAT_SECRET: wechat.secret,
    WECHAT_API_BASE: wechat.baseUrl,
  });
});
afterAll(() => wechat.close());

describe('demo login', () => {
  it('creates the member on first login and returns the same member afterwards', async () => {
    const first = await mall.api('POST', '/api/auth/wechat-login', { body: { code: 'demo:小茶' } });
    expect(first.status).toBe(200);
    expect(first.body.member).toMatchObject({ nickname: '小茶', tier: 'regular', phone: null });
    expect(first.body.member.memberNo).toMatch(/^SY[1-9]\d{9}$/);
    expect(first.body.expiresIn).toBe(900);
    const again = await mall.api('POST', '/api/auth/wechat-login', { body: { code: 'demo:小茶' } });
    expect(again.body.member.id).toBe(first.body.member.id);
  });

  it('when ten first logins race for one new openid, exactly one member is created', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => mall.api('POST', '/api/auth/wechat-login', { body: { code: 'demo:racer' } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => a.body.member.id)).size).toBe(1);
    expect(await MemberIdentity.countDocuments({ _id: 'openid:demo:racer' })).toBe(1);
  });

  it('rejects a non-demo code in demo mode', async () => {
    const response = await mall.api('POST', '/api/auth/wechat-login', { body: { code: 'abc' } });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('demo_code_required');
  });

  it('records who invited a member who registers through an invite code', async () => {
    const inviter = await mall.loginMember('inviter');
    const me = await mall.api('GET', '/api/me', { token: inviter.token });
    const invitee = await mall.api('POST', '/api/auth/wechat-login', {
      body: { code: 'demo:invitee', inviteCode: me.body.inviteCode },
    });
    const stored = await Member.findById(invitee.body.member.id).lean();
    expect(stored?.invitedBy?.toString()).toBe(inviter.id);
  });
});

describe('WeChat login through code2Session (loopback fake of the documented contract)', () => {
  it('logs in with a real code and refuses the code the second time (codes are single-use)', async () => {
    const code = wechat.issueLoginCode({ openid: 'o-wx-1' });
    const first = await wechatMall.api('POST', '/api/auth/wechat-login', { body: { code } });
    expect(first.status).toBe(200);
    const reused = await wechatMall.api('POST', '/api/auth/wechat-login', { body: { code } });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('wechat_code_invalid');
    expect(wechat.calls.find((call) => call.path === '/sns/jscode2session')?.query).toMatchObject({
      appid: wechat.appid,
      grant_type: 'authorization_code',
    });
  });

  it('refuses demo codes when WeChat is configured', async () => {
    const response = await wechatMall.api('POST', '/api/auth/wechat-login', { body: { code: 'demo:someone' } });
    expect(response.status).toBe(401);
  });

  it('one person arriving through two apps with one unionid has one member record', async () => {
    const viaApp1 = await wechatMall.api('POST', '/api/auth/wechat-login', {
      body: { code: wechat.issueLoginCode({ openid: 'o-app1', unionid: 'u-shared' }) },
    });
    const viaApp2 = await wechatMall.api('POST', '/api/auth/wechat-login', {
      body: { code: wechat.issueLoginCode({ openid: 'o-app2', unionid: 'u-shared' }) },
    });
    expect(viaApp2.body.member.id).toBe(viaApp1.body.member.id);
  });

  it('merges two records that turn out to share a unionid: the older survives, the other is retired', async () => {
    const older = await wechatMall.api('POST', '/api/auth/wechat-login', {
      body: { code: wechat.issueLoginCode({ openid: 'o-old' }) },
    });
    const newer = await wechatMall.api('POST', '/api/auth/wechat-login', {
      body: { code: wechat.issueLoginCode({ openid: 'o-new', unionid: 'u-merge' }) },
    });
    expect(newer.body.member.id).not.toBe(older.body.member.id);
    // The first app now also learns the unionid: both records are the same person.
    const merged = await wechatMall.api('POST', '/api/auth/wechat-login', {
      body: { code: wechat.issueLoginCode({ openid: 'o-old', unionid: 'u-merge' }) },
    });
    expect(merged.body.member.id).toBe(older.body.member.id);
    const viaNewApp = await wechatMall.api('POST', '/api/auth/wechat-login', {
      body: { code: wechat.issueLoginCode({ openid: 'o-new', unionid: 'u-merge' }) },
    });
    expect(viaNewApp.body.member.id).toBe(older.body.member.id);
    const retired = await wechatMall.api('GET', '/api/me', { token: newer.body.accessToken });
    expect(retired.status).toBe(401);
  });

  it('binds a phone through getuserphonenumber, masks it, and refuses it to a second member with 409', async () => {
    const a = await wechatMall.api('POST', '/api/auth/wechat-login', {
      body: { code: wechat.issueLoginCode({ openid: 'o-phone-a' }) },
    });
    const b = await wechatMall.api('POST', '/api/auth/wechat-login', {
      body: { code: wechat.issueLoginCode({ openid: 'o-phone-b' }) },
    });
    const bound = await wechatMall.api('POST', '/api/me/phone', {
      token: a.body.accessToken,
      body: { code: wechat.issuePhoneCode('13812345678') },
    });
    expect(bound.status).toBe(200);
    expect(bound.body.phone).toBe('138****5678');
    const taken = await wechatMall.api('POST', '/api/me/phone', {
      token: b.body.accessToken,
      body: { code: wechat.issuePhoneCode('13812345678') },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('phone_taken');
    expect((await Member.findById(b.body.member.id).lean())?.phone ?? null).toBeNull();
  });
});

describe('tokens', () => {
  it('rotates refresh tokens, and reusing a spent one revokes that login', async () => {
    const member = await mall.loginMember();
    const rotated = await mall.api('POST', '/api/auth/refresh', { body: { refreshToken: member.refreshToken } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(member.refreshToken);
    const me = await mall.api('GET', '/api/me', { token: rotated.body.accessToken });
    expect(me.status).toBe(200);

    const replay = await mall.api('POST', '/api/auth/refresh', { body: { refreshToken: member.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('refresh_token_reused');
    const afterTheft = await mall.api('POST', '/api/auth/refresh', {
      body: { refreshToken: rotated.body.refreshToken },
    });
    expect(afterTheft.status).toBe(401);
  });

  it('logout revokes the refresh token; logout everywhere also ends every access token', async () => {
    const member = await mall.loginMember('logout-user');
    const second = await mall.loginMember('logout-user');
    const out = await mall.api('POST', '/api/auth/logout', {
      token: member.token,
      body: { refreshToken: member.refreshToken },
    });
    expect(out.status).toBe(204);
    expect((await mall.api('POST', '/api/auth/refresh', { body: { refreshToken: member.refreshToken } })).status).toBe(
      401,
    );
    expect((await mall.api('GET', '/api/me', { token: second.token })).status).toBe(200);

    await mall.api('POST', '/api/auth/logout', { token: second.token, body: { everywhere: true } });
    expect((await mall.api('GET', '/api/me', { token: second.token })).status).toBe(401);
    expect((await mall.api('POST', '/api/auth/refresh', { body: { refreshToken: second.refreshToken } })).status).toBe(
      401,
    );
  });

  it.each([
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
    ['a wrong signature', () => jwt.sign(claims(), 'another-secret-another-secret-xyz', { algorithm: 'HS256' })],
    ['no exp', () => hs256({ ...claims(), exp: undefined })],
    [
      'an expired exp',
      () =>
        jwt.sign(
          { ...claims(), exp: Math.floor(Date.now() / 1000) - 10 },
          createSecretKey(Buffer.from(TEST_JWT_SECRET)),
          { algorithm: 'HS256' },
        ),
    ],
    [
      'HS512 instead of HS256',
      () => jwt.sign(claims(), createSecretKey(Buffer.from(TEST_JWT_SECRET)), { algorithm: 'HS512' }),
    ],
  ])('a token with %s is a 401', async (_name, makeToken) => {
    const member = await mall.loginMember();
    currentSub = member.id;
    const response = await mall.api('GET', '/api/me', { token: makeToken() });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toMatch(/invalid_token|token_expired/);
  });
});

describe('profile', () => {
  it('updates nickname, avatar, birthday and gender', async () => {
    const member = await mall.loginMember();
    const response = await mall.api('PATCH', '/api/me', {
      token: member.token,
      body: {
        nickname: '新名字',
        avatarUrl: 'https://img.example.com/a.png',
        birthday: '1995-05-20',
        gender: 'female',
      },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ nickname: '新名字', birthday: '1995-05-20', gender: 'female' });
  });

  it.each([{ tier: 'black' }, { points: 100000 }, { growth: 9999 }, { phone: '13800000000' }, { memberNo: 'SY1' }])(
    'refuses %o with 400 and changes nothing',
    async (patch) => {
      const member = await mall.loginMember();
      const before = await Member.findById(member.id).lean();
      const response = await mall.api('PATCH', '/api/me', { token: member.token, body: { nickname: 'x', ...patch } });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_body');
      const after = await Member.findById(member.id).lean();
      expect(after).toEqual(before);
    },
  );

  it('refuses an impossible birthday', async () => {
    const member = await mall.loginMember();
    const response = await mall.api('PATCH', '/api/me', { token: member.token, body: { birthday: '2023-02-30' } });
    expect(response.status).toBe(400);
  });

  it('links a marketplace buyer id once; another member claiming it gets 409', async () => {
    const a = await mall.loginMember();
    const b = await mall.loginMember();
    const linked = await mall.api('POST', '/api/me/marketplaces', {
      token: a.token,
      body: { platform: 'tmall', buyerId: 'tb-8848' },
    });
    expect(linked.body.marketplaces).toEqual([{ platform: 'tmall', buyerId: 'tb-8848' }]);
    const again = await mall.api('POST', '/api/me/marketplaces', {
      token: a.token,
      body: { platform: 'tmall', buyerId: 'tb-8848' },
    });
    expect(again.body.marketplaces).toHaveLength(1);
    const taken = await mall.api('POST', '/api/me/marketplaces', {
      token: b.token,
      body: { platform: 'tmall', buyerId: 'tb-8848' },
    });
    expect(taken.status).toBe(409);
    const unlinked = await mall.api('DELETE', '/api/me/marketplaces/tmall/tb-8848', { token: a.token });
    expect(unlinked.body.marketplaces).toEqual([]);
    expect(
      (
        await mall.api('POST', '/api/me/marketplaces', {
          token: b.token,
          body: { platform: 'tmall', buyerId: 'tb-8848' },
        })
      ).status,
    ).toBe(200);
  });
});

let currentSub = '';
function claims() {
  return { sub: currentSub, ver: 0, aud: 'store', iss: 'siyu-mall', exp: Math.floor(Date.now() / 1000) + 600 };
}
function b64(value: unknown) {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs exactly the given claims (jsonwebtoken refuses to sign some of the malformed ones we need). */
function hs256(payload: Record<string, unknown>) {
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${unsigned}.${createHmac('sha256', TEST_JWT_SECRET).update(unsigned).digest('base64url')}`;
}

describe('the support desk', () => {
  it('finds members by member number, nickname or phone, with their points and growth; operators and members may not', async () => {
    const member = await mall.loginMember('查找我');
    await mall.api('POST', '/api/me/phone', { token: member.token, body: { code: 'demo:13912345678' } });
    const support = await mall.loginAdmin('support');
    for (const q of [member.memberNo, '查找', '1391234']) {
      const found = await mall.api('GET', `/api/admin/members?q=${encodeURIComponent(q)}`, { token: support });
      expect(found.status).toBe(200);
      expect(found.body.items.map((m: any) => m.id)).toContain(member.id);
    }
    const detail = await mall.api('GET', `/api/admin/members/${member.id}`, { token: support });
    expect(detail.body).toMatchObject({
      memberNo: member.memberNo,
      phone: '13912345678',
      pointsBalance: 0,
      growth: 0,
      tier: 'regular',
    });
    expect((await mall.api('GET', '/api/admin/members', { token: await mall.loginAdmin('operator') })).status).toBe(
      403,
    );
    expect((await mall.api('GET', '/api/admin/members', { token: member.token })).status).toBe(403);
  });
});
