import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWechat, startFakeWechat } from '../../../../test/fakes/wechat';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { seedVisibilityCatalog, setTier } from '../../catalog/__tests__/fixtures';
import { PointsEntry } from '../../points/points.model';
import { LiveReservation, LiveReservationOutcome } from '../livestream.model';

let mall: TestMall;
let operator: string;
let catalog: Awaited<ReturnType<typeof seedVisibilityCatalog>>;
const HOUR = 3_600_000;

beforeAll(async () => {
  mall = await startTestMall();
  operator = await mall.loginAdmin('operator');
  catalog = await seedVisibilityCatalog(mall);
});

async function createLive(body: Record<string, unknown> = {}) {
  const { publicProduct, members, gold, teaser } = catalog.products;
  const response = await mall.api('POST', '/api/admin/livestreams', {
    token: operator,
    body: {
      title: '冬日岩茶品鉴',
      finderUserName: 'sphABCdef123',
      startsAt: new Date(Date.now() + 2 * HOUR).toISOString(),
      products: [
        { productId: publicProduct.id, role: 'traffic' },
        { productId: members.id, role: 'gift' },
        { productId: gold.id, role: 'bestseller' },
        { productId: teaser.id, role: 'bestseller' },
      ],
      ...body,
    },
  });
  expect(response.status).toBe(201);
  return response.body as { id: string; reservationRewardPoints: number; status: string; endsAt: string };
}

async function reserve(token: string, liveId: string, state: number) {
  return mall.api('POST', `/api/livestreams/${liveId}/reservations`, { token, body: { state } });
}

async function rewardEntries(memberId: string, liveId: string) {
  return PointsEntry.find({ member: memberId, 'source.type': 'live_reservation', 'source.id': liveId }).lean();
}

describe('admin lives', () => {
  it('an operator creates a live with the minimum fields; the reward defaults to 0 and the status to scheduled', async () => {
    const live = await createLive();
    expect(live.id).toMatch(/^[0-9a-f]{24}$/);
    expect(live).toMatchObject({ reservationRewardPoints: 0, status: 'scheduled' });
    const detail = await mall.api('GET', `/api/admin/livestreams/${live.id}`, { token: operator });
    expect(detail.status).toBe(200);
    expect(detail.body.products.map((p: { role: string }) => p.role)).toEqual([
      'traffic',
      'gift',
      'bestseller',
      'bestseller',
    ]);
    expect(detail.body.stats).toMatchObject({ reservations: 0, orders: 0, gmv: 0 });
  });

  it('refuses an unknown product, a duplicate product, and support admins', async () => {
    const unknown = await mall.api('POST', '/api/admin/livestreams', {
      token: operator,
      body: {
        title: 'x',
        finderUserName: 'sphx123',
        startsAt: new Date().toISOString(),
        products: [{ productId: '0123456789abcdef01234567', role: 'gift' }],
      },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('live_product_unknown');
    const id = catalog.products.publicProduct.id;
    const duplicate = await mall.api('POST', '/api/admin/livestreams', {
      token: operator,
      body: {
        title: 'x',
        finderUserName: 'sphx123',
        startsAt: new Date().toISOString(),
        products: [
          { productId: id, role: 'gift' },
          { productId: id, role: 'traffic' },
        ],
      },
    });
    expect(duplicate.status).toBe(400);
    const support = await mall.loginAdmin('support');
    expect((await mall.api('GET', '/api/admin/livestreams', { token: support })).status).toBe(403);
  });
});

describe('store lives', () => {
  it('lists upcoming and live ones soonest first; ended and removed ones are left out', async () => {
    const later = await createLive({ title: '三天后', startsAt: new Date(Date.now() + 72 * HOUR).toISOString() });
    const now = await createLive({ title: '正在直播', startsAt: new Date(Date.now() - HOUR).toISOString() });
    const ended = await createLive({ title: '已结束', startsAt: new Date(Date.now() - 10 * HOUR).toISOString() });
    const closed = await createLive({ title: '手动结束' });
    await mall.api('PATCH', `/api/admin/livestreams/${closed.id}`, { token: operator, body: { status: 'ended' } });
    const removed = await createLive({ title: '下线' });
    expect((await mall.api('DELETE', `/api/admin/livestreams/${removed.id}`, { token: operator })).status).toBe(204);

    const list = await mall.api('GET', '/api/livestreams');
    expect(list.status).toBe(200);
    const ids = list.body.map((live: { id: string }) => live.id);
    expect(ids).toContain(later.id);
    expect(ids.indexOf(now.id)).toBeLessThan(ids.indexOf(later.id));
    expect(ids).not.toContain(ended.id);
    expect(ids).not.toContain(closed.id);
    expect(ids).not.toContain(removed.id);
    const starts = list.body.map((live: { startsAt: string }) => live.startsAt);
    expect([...starts].sort()).toEqual(starts);
    expect(list.body.find((live: { id: string }) => live.id === now.id)).toMatchObject({
      status: 'live',
      statusText: '直播中',
      reserved: null,
    });
    expect((await mall.api('GET', `/api/livestreams/${removed.id}`)).status).toBe(404);
  });

  it('prices the lineup for the viewer: visitors see public products, members the members-only one, teasers stay locked', async () => {
    const live = await createLive();
    const { publicProduct, members, gold, teaser } = catalog.products;
    const lineupOf = async (token?: string) => {
      const response = await mall.api('GET', `/api/livestreams/${live.id}`, token ? { token } : {});
      expect(response.status).toBe(200);
      return response.body.lineup as { role: string; roleLabel: string; product: Record<string, unknown> }[];
    };
    const visitor = await lineupOf();
    expect(visitor.map((item) => item.product.id)).toEqual([publicProduct.id]);
    expect(visitor[0]).toMatchObject({ role: 'traffic', roleLabel: '引流品', product: { price: 12800 } });

    const regular = await mall.loginMember('live-regular');
    const forRegular = await lineupOf(regular.token);
    expect(forRegular.map((item) => item.product.id)).toEqual([publicProduct.id, members.id, teaser.id]);
    expect(forRegular[2]!.product).toMatchObject({ locked: true, unlockTier: 'gold' });
    expect(forRegular[2]!.product.price).toBeUndefined();

    const goldMember = await mall.loginMember('live-gold');
    await setTier(goldMember.id, 'gold');
    const again = await mall.loginMember('live-gold');
    const forGold = await lineupOf(again.token);
    expect(forGold.map((item) => item.product.id)).toEqual([publicProduct.id, members.id, gold.id, teaser.id]);
    expect(forGold[0]!.product).toMatchObject({ price: 11000, locked: false });
    expect(forGold[1]).toMatchObject({ role: 'gift', roleLabel: '福利品', product: { price: 17800 } });
  });
});

describe('reservations', () => {
  it('state 6 twice makes one reservation; the default reward of 0 credits nothing', async () => {
    const live = await createLive();
    const member = await mall.loginMember();
    const first = await reserve(member.token, live.id, 6);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ outcome: 'reserved', reserved: true, pointsCredited: 0 });
    expect((await reserve(member.token, live.id, 6)).body.reserved).toBe(true);
    expect(await LiveReservation.countDocuments({ live: live.id, member: member.id })).toBe(1);
    expect(await rewardEntries(member.id, live.id)).toHaveLength(0);
    expect((await mall.api('GET', '/api/me/points', { token: member.token })).body.balance).toBe(0);
    const detail = await mall.api('GET', `/api/livestreams/${live.id}`, { token: member.token });
    expect(detail.body.reserved).toBe(true);
  });

  it('with a reward set: 6, 6, then 7 and 6 again credit the reward exactly once', async () => {
    const live = await createLive({ reservationRewardPoints: 50 });
    const member = await mall.loginMember();
    expect((await reserve(member.token, live.id, 6)).body.pointsCredited).toBe(50);
    expect((await reserve(member.token, live.id, 6)).body.pointsCredited).toBe(0);
    const cancelled = await reserve(member.token, live.id, 7);
    expect(cancelled.body).toEqual({ outcome: 'cancelled', reserved: false, pointsCredited: 0 });
    expect((await reserve(member.token, live.id, 6)).body).toEqual({
      outcome: 'reserved',
      reserved: true,
      pointsCredited: 0,
    });
    expect(await rewardEntries(member.id, live.id)).toHaveLength(1);
    expect((await mall.api('GET', '/api/me/points', { token: member.token })).body.balance).toBe(50);
    expect(await LiveReservation.countDocuments({ live: live.id, member: member.id })).toBe(1);
  });

  it('when five state-6 reports race, there is one reservation and one reward', async () => {
    const live = await createLive({ reservationRewardPoints: 20 });
    const member = await mall.loginMember();
    const answers = await Promise.all(Array.from({ length: 5 }, () => reserve(member.token, live.id, 6)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.reduce((sum, a) => sum + a.body.pointsCredited, 0)).toBe(20);
    expect(await LiveReservation.countDocuments({ live: live.id, member: member.id })).toBe(1);
    expect(await rewardEntries(member.id, live.id)).toHaveLength(1);
  });

  it('any other state is recorded as dismissed and changes nothing', async () => {
    const live = await createLive({ reservationRewardPoints: 10 });
    const member = await mall.loginMember();
    for (const state of [5, 8, 9, 3, 10]) {
      const answer = await reserve(member.token, live.id, state);
      expect(answer.body).toEqual({ outcome: 'dismissed', reserved: false, pointsCredited: 0 });
    }
    expect(await LiveReservation.countDocuments({ live: live.id })).toBe(0);
    expect(await LiveReservationOutcome.countDocuments({ live: live.id, outcome: 'dismissed' })).toBe(5);
    await reserve(member.token, live.id, 6);
    expect((await reserve(member.token, live.id, 8)).body.reserved).toBe(true);
    expect(await rewardEntries(member.id, live.id)).toHaveLength(1);
  });

  it('lists my reservations; a cancelled one leaves the list; an ended live takes no reservation', async () => {
    const a = await createLive({ title: '我的预约 A' });
    const b = await createLive({ title: '我的预约 B' });
    const member = await mall.loginMember();
    await reserve(member.token, a.id, 6);
    await reserve(member.token, b.id, 6);
    await reserve(member.token, b.id, 7);
    const mine = await mall.api('GET', '/api/me/livestreams', { token: member.token });
    expect(mine.status).toBe(200);
    expect(mine.body.map((r: { live: { id: string } }) => r.live.id)).toEqual([a.id]);
    expect(mine.body[0].live.reserved).toBe(true);

    await mall.api('PATCH', `/api/admin/livestreams/${a.id}`, { token: operator, body: { status: 'ended' } });
    const late = await reserve(member.token, b.id, 6);
    expect(late.status).toBe(200);
    const ended = await reserve(member.token, a.id, 6);
    expect(ended.status).toBe(409);
    expect(ended.body.error.code).toBe('live_ended');
  });
});

describe('click-throughs', () => {
  it('counts once per viewer per day: members by id, visitors by their device id', async () => {
    const live = await createLive();
    const member = await mall.loginMember();
    const productId = catalog.products.publicProduct.id;
    for (let i = 0; i < 3; i++) {
      expect(
        (await mall.api('POST', `/api/livestreams/${live.id}/clicks`, { token: member.token, body: { productId } }))
          .status,
      ).toBe(204);
    }
    await mall.api('POST', `/api/livestreams/${live.id}/clicks`, { body: { visitorId: 'visitor-abc-123' } });
    await mall.api('POST', `/api/livestreams/${live.id}/clicks`, { body: { visitorId: 'visitor-abc-123' } });
    await mall.api('POST', `/api/livestreams/${live.id}/clicks`, { body: {} }); // nobody to count
    const stats = await mall.api('GET', `/api/admin/livestreams/${live.id}/stats`, { token: operator });
    expect(stats.body.clickThroughs).toBe(2);
  });
});

describe('reminders', () => {
  let wechat: FakeWechat;
  let wechatMall: TestMall;
  let opened = 0;

  beforeAll(async () => {
    wechat = await startFakeWechat();
    wechatMall = await startTestMall({
      WECHAT_APPID: wechat.appid,
      WECHAT_SECRET: wechat.secret,
      WECHAT_API_BASE: wechat.baseUrl,
      SUBSCRIBE_TEMPLATES: 'live_reminder=TPL_LIVE',
      LIVE_REMINDER_MINUTES: '15',
    });
  });
  afterAll(() => wechat.close());

  async function wechatMember() {
    const openid = `o-live-${++opened}`;
    const login = await wechatMall.api('POST', '/api/auth/wechat-login', {
      body: { code: wechat.issueLoginCode({ openid }) },
    });
    return { token: login.body.accessToken as string, id: login.body.member.id as string, openid };
  }

  it('an accepted reminder is sent once, N minutes before the start, even when the job runs twice at once', async () => {
    const startsAt = new Date(Date.now() + 2 * HOUR);
    const live = await createLive({ title: '冬日岩茶品鉴直播：三款岩茶一次喝懂', startsAt: startsAt.toISOString() });
    const member = await wechatMember();
    const declined = await wechatMember();
    const stored = await wechatMall.api('POST', `/api/livestreams/${live.id}/reminders`, {
      token: member.token,
      body: { result: 'accept' },
    });
    expect(stored.status).toBe(200);
    expect(stored.body.reminder).toMatchObject({ state: 'pending', topic: `live:${live.id}` });
    const rejected = await wechatMall.api('POST', `/api/livestreams/${live.id}/reminders`, {
      token: declined.token,
      body: { result: 'reject' },
    });
    expect(rejected.body.reminder).toBeNull();

    const lives = wechatMall.services.livestream;
    // An hour before the start is too early (the window is 15 minutes).
    expect(await lives.sendDueReminders(new Date(startsAt.getTime() - HOUR))).toEqual({ sent: 0, failed: 0 });
    const due = new Date(startsAt.getTime() - 10 * 60_000);
    const runs = await Promise.all([lives.sendDueReminders(due), lives.sendDueReminders(due)]);
    expect(runs[0]!.sent + runs[1]!.sent).toBe(1);
    expect(await lives.sendDueReminders(due)).toEqual({ sent: 0, failed: 0 });
    const sends = wechat.subscribeSends.filter((send) => send.touser === member.openid);
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({ template_id: 'TPL_LIVE', page: `packages/live/detail/index?id=${live.id}` });
    expect([...sends[0]!.data.thing1!.value].length).toBeLessThanOrEqual(20);
    expect(wechat.subscribeAttempts.filter((a) => a.touser === declined.openid)).toHaveLength(0);

    const detail = await wechatMall.api('GET', `/api/livestreams/${live.id}`, { token: member.token });
    expect(detail.body.reminder.state).toBe('sent');
    const stats = await wechatMall.api('GET', `/api/admin/livestreams/${live.id}/stats`, {
      token: await wechatMall.loginAdmin('operator'),
    });
    expect(stats.body).toMatchObject({ remindersRequested: 1, remindersSent: 1, remindersFailed: 0 });
  });

  it('a 43101 from WeChat is recorded as a failed reminder and not retried', async () => {
    const startsAt = new Date(Date.now() + 3 * HOUR);
    const live = await createLive({ startsAt: startsAt.toISOString() });
    const member = await wechatMember();
    await wechatMall.api('POST', `/api/livestreams/${live.id}/reminders`, {
      token: member.token,
      body: { result: 'accept' },
    });
    wechat.answerSubscribe(member.openid, 43101);
    const due = new Date(startsAt.getTime() - 5 * 60_000);
    expect(await wechatMall.services.livestream.sendDueReminders(due)).toEqual({ sent: 0, failed: 1 });
    expect(await wechatMall.services.livestream.sendDueReminders(due)).toEqual({ sent: 0, failed: 0 });
    expect(wechat.subscribeAttempts.filter((a) => a.touser === member.openid)).toHaveLength(1);
    const detail = await wechatMall.api('GET', `/api/livestreams/${live.id}`, { token: member.token });
    expect(detail.body.reminder.state).toBe('failed');
    const stats = await wechatMall.services.livestream.stats(live.id);
    expect(stats).toMatchObject({ remindersSent: 0, remindersFailed: 1 });
  });
});
