import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWechat, startFakeWechat } from '../../../../test/fakes/wechat';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { NoticeGrant } from '../notices.model';
import { fitFields, MAX_ATTEMPTS, STUCK_MS } from '../notices.service';

let demoMall: TestMall;
let wechat: FakeWechat;
let wechatMall: TestMall;
let deadMall: TestMall;
let openidCounter = 0;

const message = {
  page: 'packages/live/detail/index?id=abc',
  data: {
    thing1: '冬日岩茶品鉴直播：三款岩茶一次喝懂，限时福利',
    time2: '2026-12-02 20:00',
    character_string3: 'X'.repeat(40),
  },
};

beforeAll(async () => {
  demoMall = await startTestMall();
  wechat = await startFakeWechat();
  const wechatEnv = {
    WECHAT_APPID: wechat.appid,
    WECHAT_SECRET: wechat.secret,
    WECHAT_API_BASE: wechat.baseUrl,
    SUBSCRIBE_TEMPLATES: 'live_reminder=TPL_live_1,groupbuy_result=TPL_group_2',
  };
  wechatMall = await startTestMall(wechatEnv);
  // Same database, but a WeChat that cannot be reached: transport failures.
  deadMall = await startTestMall({ ...wechatEnv, WECHAT_API_BASE: 'http://127.0.0.1:9' });
});
afterAll(() => wechat.close());

async function wechatMember(): Promise<{ id: string; openid: string }> {
  const openid = `o-notice-${++openidCounter}`;
  const response = await wechatMall.api('POST', '/api/auth/wechat-login', {
    body: { code: wechat.issueLoginCode({ openid }) },
  });
  expect(response.status).toBe(200);
  return { id: response.body.member.id, openid };
}

describe('field limits', () => {
  it('cuts thing.* to 20 characters (with an ellipsis) and character_string.* to 32; empty becomes "-"', () => {
    const fitted = fitFields({ ...message.data, thing4: '  ' });
    expect([...fitted.thing1!.value]).toHaveLength(20);
    expect(fitted.thing1!.value.endsWith('…')).toBe(true);
    expect(fitted.character_string3!.value).toBe('X'.repeat(32));
    expect(fitted.time2!.value).toBe('2026-12-02 20:00');
    expect(fitted.thing4!.value).toBe('-');
  });
});

describe('templates', () => {
  it('answers configured template ids by key, null for unknown ones; demo mode has stand-ins', async () => {
    const real = await wechatMall.api('GET', '/api/notices/templates?keys=live_reminder,nope');
    expect(real.status).toBe(200);
    expect(real.body).toEqual({ templates: { live_reminder: 'TPL_live_1', nope: null }, demo: false });
    const demo = await demoMall.api('GET', '/api/notices/templates?keys=live_reminder');
    expect(demo.body).toEqual({ templates: { live_reminder: 'demo_live_reminder' }, demo: true });
  });

  it('refuses to store a grant for a template that is not configured (outside demo mode)', async () => {
    const member = await wechatMember();
    await expect(wechatMall.services.notices.grant(member.id, 'nope', 't:1', 'accept')).rejects.toMatchObject({
      code: 'notice_template_missing',
    });
  });
});

describe('grants', () => {
  it('only accept stores a grant; accepting twice keeps one grant', async () => {
    const member = await wechatMember();
    const notices = wechatMall.services.notices;
    expect(await notices.grant(member.id, 'live_reminder', 'live:r', 'reject')).toBeNull();
    expect(await notices.grant(member.id, 'live_reminder', 'live:r', 'ban')).toBeNull();
    const [a, b] = await Promise.all([
      notices.grant(member.id, 'live_reminder', 'live:r', 'accept'),
      notices.grant(member.id, 'live_reminder', 'live:r', 'accept'),
    ]);
    expect(a?.state).toBe('pending');
    expect(b?.state).toBe('pending');
    expect(await NoticeGrant.countDocuments({ member: member.id, topic: 'live:r' })).toBe(1);
  });
});

describe('sendOnce through WeChat (loopback fake)', () => {
  it('when two jobs send the same grant at once, WeChat gets exactly one message, fitted to the limits', async () => {
    const member = await wechatMember();
    const notices = wechatMall.services.notices;
    await notices.grant(member.id, 'live_reminder', 'live:once', 'accept');
    const outcomes = await Promise.all([
      notices.sendOnce(member.id, 'live_reminder', 'live:once', message),
      notices.sendOnce(member.id, 'live_reminder', 'live:once', message),
      notices.sendOnce(member.id, 'live_reminder', 'live:once', message),
    ]);
    expect(outcomes.filter((o) => o.outcome === 'sent')).toHaveLength(1);
    const mine = wechat.subscribeSends.filter((send) => send.touser === member.openid);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      template_id: 'TPL_live_1',
      page: 'packages/live/detail/index?id=abc',
      miniprogram_state: 'formal',
    });
    expect([...mine[0]!.data.thing1!.value]).toHaveLength(20);
    expect(mine[0]!.data.character_string3!.value).toHaveLength(32);
    expect((await notices.grantOf(member.id, 'live_reminder', 'live:once'))?.state).toBe('sent');
    // A later accept for the same topic does not send a second reminder.
    await notices.grant(member.id, 'live_reminder', 'live:once', 'accept');
    expect(await notices.sendOnce(member.id, 'live_reminder', 'live:once', message)).toEqual({
      outcome: 'not_pending',
      state: 'sent',
    });
    expect(wechat.subscribeSends.filter((send) => send.touser === member.openid)).toHaveLength(1);
  });

  it('records 43101 as a failure and never retries it; a fresh accept re-arms the grant', async () => {
    const member = await wechatMember();
    const notices = wechatMall.services.notices;
    await notices.grant(member.id, 'live_reminder', 'live:43101', 'accept');
    wechat.answerSubscribe(member.openid, 43101);
    expect(await notices.sendOnce(member.id, 'live_reminder', 'live:43101', message)).toEqual({
      outcome: 'failed',
      code: 'permission_used',
      errcode: 43101,
    });
    expect(await notices.sendOnce(member.id, 'live_reminder', 'live:43101', message)).toMatchObject({
      outcome: 'not_pending',
      state: 'failed',
    });
    expect(wechat.subscribeAttempts.filter((a) => a.touser === member.openid)).toHaveLength(1);
    const stored = await NoticeGrant.findOne({ member: member.id, topic: 'live:43101' }).lean();
    expect(stored?.error).toMatchObject({ code: 'permission_used', errcode: 43101 });

    wechat.answerSubscribe(member.openid, 0);
    expect((await notices.grant(member.id, 'live_reminder', 'live:43101', 'accept'))?.state).toBe('pending');
    expect((await notices.sendOnce(member.id, 'live_reminder', 'live:43101', message)).outcome).toBe('sent');
  });

  it('sendToTopic sends each pending grant of the topic once, however often it runs', async () => {
    const [a, b] = [await wechatMember(), await wechatMember()];
    const notices = wechatMall.services.notices;
    await notices.grant(a.id, 'live_reminder', 'live:topic', 'accept');
    await notices.grant(b.id, 'live_reminder', 'live:topic', 'accept');
    const runs = await Promise.all([
      notices.sendToTopic('live_reminder', 'live:topic', message),
      notices.sendToTopic('live_reminder', 'live:topic', message),
    ]);
    expect(runs[0]!.sent + runs[1]!.sent).toBe(2);
    expect(await notices.sendToTopic('live_reminder', 'live:topic', message)).toEqual({
      sent: 0,
      failed: 0,
      retryLater: 0,
    });
    expect(wechat.subscribeSends.filter((s) => [a.openid, b.openid].includes(s.touser))).toHaveLength(2);
    expect(await notices.countsFor('live_reminder', 'live:topic')).toMatchObject({ sent: 2, pending: 0 });
  });

  it('a WeChat that cannot be reached is retried a bounded number of times, then recorded as failed', async () => {
    const member = await wechatMember();
    const notices = deadMall.services.notices;
    await notices.grant(member.id, 'live_reminder', 'live:dead', 'accept');
    const outcomes = [];
    for (let run = 0; run < MAX_ATTEMPTS + 2; run++) {
      outcomes.push((await notices.sendOnce(member.id, 'live_reminder', 'live:dead', message)).outcome);
    }
    expect(outcomes).toEqual([...Array(MAX_ATTEMPTS - 1).fill('retry_later'), 'failed', 'not_pending', 'not_pending']);
    const stored = await NoticeGrant.findOne({ member: member.id, topic: 'live:dead' }).lean();
    expect(stored).toMatchObject({ state: 'failed', attempts: MAX_ATTEMPTS });
  });

  it('a member without a WeChat openid is recorded as failed, nothing is sent', async () => {
    const member = await demoMall.loginMember('no-openid');
    // Demo logins claim `openid:demo:<name>`; remove it to stand for a member known only by phone.
    const { MemberIdentity } = await import('../../identity/member.model');
    await MemberIdentity.deleteMany({ member: member.id });
    const notices = wechatMall.services.notices;
    await notices.grant(member.id, 'live_reminder', 'live:noid', 'accept');
    expect(await notices.sendOnce(member.id, 'live_reminder', 'live:noid', message)).toMatchObject({
      outcome: 'failed',
      code: 'openid_missing',
    });
  });
});

describe('demo mode and crash repair', () => {
  it('demo mode records the send as delivered without any network call', async () => {
    const member = await demoMall.loginMember('demo-notice');
    const notices = demoMall.services.notices;
    await notices.grant(member.id, 'live_reminder', 'live:demo', 'accept');
    const before = wechat.calls.length;
    expect(await notices.sendOnce(member.id, 'live_reminder', 'live:demo', message)).toEqual({
      outcome: 'sent',
      demo: true,
    });
    expect(wechat.calls.length).toBe(before);
    const stored = await NoticeGrant.findOne({ member: member.id, topic: 'live:demo' }).lean();
    expect(stored).toMatchObject({ state: 'sent', demo: true });
    const data = stored?.data as Record<string, { value: string }>;
    expect([...data.thing1!.value]).toHaveLength(20);
  });

  it('a grant a crash left in "sending" goes back to pending after the stuck time, and is sent once', async () => {
    const member = await demoMall.loginMember('crashy');
    const notices = demoMall.services.notices;
    await notices.grant(member.id, 'live_reminder', 'live:crash', 'accept');
    const claimedAt = new Date(Date.now() - STUCK_MS - 1000);
    await NoticeGrant.updateOne(
      { member: member.id, topic: 'live:crash' },
      { $set: { state: 'sending', claim: 'dead-instance', claimedAt }, $inc: { attempts: 1 } },
    );
    expect((await notices.sendOnce(member.id, 'live_reminder', 'live:crash', message)).outcome).toBe('not_pending');
    expect(await notices.repairStuck(new Date())).toBeGreaterThanOrEqual(1);
    expect((await notices.sendOnce(member.id, 'live_reminder', 'live:crash', message)).outcome).toBe('sent');
  });
});
