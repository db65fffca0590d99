import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { tellCompleted } from '../../../../test/order-events';
import { trustedOperators } from '../../../db/connection';
import { PointsEntry } from '../../points/points.model';
import { ReviewSubmission } from '../tasks.model';

let mall: TestMall;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'siyu-tasks-'));
  mall = await startTestMall({ DATA_DIR: dataDir });
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

afterEach(async () => {
  expect((await mall.services.points.checkConsistency()).mismatches).toEqual([]);
  expect((await mall.services.membership.checkGrowthConsistency()).mismatches).toEqual([]);
});

const shanghaiNoon = (day: string) => new Date(`${day}T12:00:00+08:00`);
const taskEntries = (memberId: string, code: string) =>
  PointsEntry.find({ member: memberId, 'source.type': `task:${code}` }).lean();

async function completeOrder(memberId: string, paidAmount = 10_000, pointsEarned = 100) {
  const orderId = new Types.ObjectId().toString();
  const order = { memberId, orderId, orderNo: `T${orderId.slice(-8)}`, paidAmount, pointsEarned };
  await tellCompleted(mall, order);
  return order;
}

async function uploadImage(token: string): Promise<string> {
  const form = new FormData();
  const bytes = Buffer.alloc(64, 1);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'review.png');
  const response = await fetch(`${mall.baseUrl}/api/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { url: string }).url;
}

describe('GET /api/tasks', () => {
  it("lists each enabled task with the member's status and what to do next", async () => {
    const member = await mall.loginMember();
    const response = await mall.api('GET', '/api/tasks', { token: member.token });
    expect(response.status).toBe(200);
    const byCode = Object.fromEntries(response.body.map((task: any) => [task.code, task]));
    expect(byCode['daily-checkin']).toMatchObject({ status: 'claimable', action: { kind: 'claim' } });
    expect(byCode['complete-profile']).toMatchObject({
      status: 'incomplete',
      action: { kind: 'navigate' },
      progress: { missing: ['头像', '生日', '手机号'] },
    });
    expect(byCode['first-order']).toMatchObject({ status: 'in_progress' });
    expect(byCode['invite-friend']).toMatchObject({ status: 'available', action: { kind: 'share' } });
    expect(byCode['review-screenshot'].status).toBe('available');
    // The review task asks for an honest review of any rating, never a good one.
    expect(byCode['review-screenshot'].description).toContain('无论好评差评，真实评价即可获得积分');
    expect(byCode['review-screenshot'].description).not.toMatch(/好评返|五星|5星/);
    // Following the official account for points starts switched off (WeChat forbids inducing follows).
    expect(byCode['follow-official-account']).toBeUndefined();
  });

  it('tasks that pay out by themselves cannot be claimed', async () => {
    const member = await mall.loginMember();
    const response = await mall.api('POST', '/api/tasks/first-order/claim', { token: member.token });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('task_not_claimable');
  });
});

describe('daily-checkin', () => {
  it('when one member taps check-in ten times at once, one tap checks in and pays once', async () => {
    const member = await mall.loginMember();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => mall.api('POST', '/api/tasks/daily-checkin/claim', { token: member.token })),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 409)).toHaveLength(9);
    expect(answers.find((answer) => answer.status === 409)!.body.error.code).toBe('already_checked_in');
    expect(await taskEntries(member.id, 'daily-checkin')).toHaveLength(1);
    expect(await mall.services.points.balance(member.id)).toBe(5);
    const calendar = await mall.api('GET', `/api/me/checkins?month=${new Date().toISOString().slice(0, 7)}`, {
      token: member.token,
    });
    expect(calendar.body).toMatchObject({ streak: 1, checkedInToday: true, bonusEvery: 7 });
  });

  it('the streak bonus lands on the 7th consecutive day only, and a missed day starts over', async () => {
    const member = await mall.loginMember();
    const awarded: number[] = [];
    for (let day = 1; day <= 8; day++) {
      const result = await mall.services.tasks.checkIn(member.id, shanghaiNoon(`2030-01-0${day}`));
      expect(result.streak).toBe(day);
      awarded.push(result.pointsAwarded);
    }
    expect(awarded).toEqual([5, 5, 5, 5, 5, 5, 25, 5]);
    const afterGap = await mall.services.tasks.checkIn(member.id, shanghaiNoon('2030-01-10'));
    expect(afterGap).toMatchObject({ streak: 1, pointsAwarded: 5, bonusPoints: 0 });
    // Shanghai days: 23:30 on the 10th UTC is already the 11th in Shanghai.
    const nextDay = await mall.services.tasks.checkIn(member.id, new Date('2030-01-10T16:30:00Z'));
    expect(nextDay.streak).toBe(2);

    const calendar = await mall.services.tasks.checkins(member.id, '2030-01', shanghaiNoon('2030-01-11'));
    expect(calendar.days).toEqual([
      '2030-01-01',
      '2030-01-02',
      '2030-01-03',
      '2030-01-04',
      '2030-01-05',
      '2030-01-06',
      '2030-01-07',
      '2030-01-08',
      '2030-01-10',
      '2030-01-11',
    ]);
    expect(calendar).toMatchObject({ streak: 2, checkedInToday: true, bonusPoints: 20 });
    expect(await mall.services.points.balance(member.id)).toBe(5 * 10 + 20);
  });

  it('the month must be YYYY-MM', async () => {
    const member = await mall.loginMember();
    expect((await mall.api('GET', '/api/me/checkins?month=2030-13', { token: member.token })).status).toBe(400);
  });
});

describe('complete-profile', () => {
  it('says what is missing until nickname, avatar, birthday and phone are set, then pays once', async () => {
    const member = await mall.loginMember('资料达人');
    const claim = () => mall.api('POST', '/api/tasks/complete-profile/claim', { token: member.token });
    const missingAll = await claim();
    expect(missingAll.status).toBe(409);
    expect(missingAll.body.error).toMatchObject({
      code: 'profile_incomplete',
      message: '请先完善：头像、生日、手机号',
    });

    await mall.api('PATCH', '/api/me', {
      token: member.token,
      body: { avatarUrl: 'https://img.example.com/a.png', birthday: '1992-05-01' },
    });
    expect((await claim()).body.error.message).toBe('请先完善：手机号');
    await mall.api('POST', '/api/me/phone', { token: member.token, body: { code: 'demo:13800138001' } });

    const done = await claim();
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ task: 'complete-profile', pointsAwarded: 50, balance: 50 });
    const again = await claim();
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('task_already_claimed');
  });
});

describe('follow-official-account', () => {
  it('is off until an operator turns it on; only the current code works, once per member', async () => {
    const member = await mall.loginMember();
    const claim = (code: string) =>
      mall.api('POST', '/api/tasks/follow-official-account/claim', { token: member.token, body: { code } });
    expect((await claim('WHATEVER')).body.error.code).toBe('task_disabled');

    const operator = await mall.loginAdmin('operator');
    const support = await mall.loginAdmin('support');
    const settings = { title: '关注公众号', description: '关注后在公众号获取口令', points: 20, enabled: true };
    expect(
      (await mall.api('PUT', '/api/admin/tasks/follow-official-account', { token: support, body: settings })).status,
    ).toBe(403);
    expect(
      (await mall.api('PUT', '/api/admin/tasks/follow-official-account', { token: operator, body: settings })).status,
    ).toBe(200);
    expect((await claim('SIYU2026')).body.error.code).toBe('follow_code_not_set');

    const setCode = (code: string) =>
      mall.api('PUT', '/api/admin/tasks/follow-official-account/code', { token: operator, body: { code } });
    expect((await setCode('SIYU2026')).status).toBe(204);
    expect((await setCode('TEA2027')).status).toBe(204);
    const old = await claim('SIYU2026');
    expect(old.status).toBe(400);
    expect(old.body.error.code).toBe('follow_code_invalid');
    const ok = await claim('tea2027');
    expect(ok.status).toBe(200);
    expect(ok.body.pointsAwarded).toBe(20);
    expect((await claim('TEA2027')).status).toBe(409);

    const listed = await mall.api('GET', '/api/admin/tasks', { token: operator });
    const follow = listed.body.find((task: any) => task.code === 'follow-official-account');
    expect(follow).toMatchObject({ enabled: true, codeSet: true });
    expect(JSON.stringify(listed.body)).not.toContain('TEA2027');
  });
});

describe('first-order and invite-friend', () => {
  it("an invitee's first completed order pays them first-order and their inviter invite-friend, once", async () => {
    const inviter = await mall.loginMember();
    const invite = await mall.api('GET', '/api/me/invite', { token: inviter.token });
    expect(invite.body.link).toBe(`/pages/home/index?invite=${invite.body.code}`);
    const invitee = await mall.api('POST', '/api/auth/wechat-login', {
      body: { code: `demo:invitee${Date.now().toString(36)}`, inviteCode: invite.body.code },
    });
    const inviteeId = invitee.body.member.id;

    const order = await completeOrder(inviteeId);
    await tellCompleted(mall, order);
    await completeOrder(inviteeId);

    expect((await taskEntries(inviteeId, 'first-order')).map((entry) => entry.delta)).toEqual([100]);
    expect((await taskEntries(inviter.id, 'invite-friend')).map((entry) => entry.delta)).toEqual([100]);
    const after = await mall.api('GET', '/api/me/invite', { token: inviter.token });
    expect(after.body).toMatchObject({ invitedCount: 1, rewardedCount: 1, pointsPerInvite: 100 });
  });

  it('a member who was not invited earns first-order only; nobody earns an invite', async () => {
    const member = await mall.loginMember();
    await completeOrder(member.id);
    expect(await taskEntries(member.id, 'first-order')).toHaveLength(1);
    expect(await PointsEntry.countDocuments({ 'source.type': 'task:invite-friend', 'source.id': member.id })).toBe(0);
  });

  it('past the monthly cap an invitee pays nothing, now or with a later order, even when orders race', async () => {
    const operator = await mall.loginAdmin('operator');
    const capped = await mall.api('PUT', '/api/admin/tasks/invite-friend', {
      token: operator,
      body: { title: '邀请好友', description: '好友完成首单得积分', points: 100, monthlyCap: 1, enabled: true },
    });
    expect(capped.body).toMatchObject({ monthlyCap: 1, frequency: 'per_event' });
    const inviter = await mall.loginMember();
    const code = (await mall.api('GET', '/api/me/invite', { token: inviter.token })).body.code;
    const invitees = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const login = await mall.api('POST', '/api/auth/wechat-login', {
          body: { code: `demo:capped${n}${Date.now().toString(36)}`, inviteCode: code },
        });
        return login.body.member.id as string;
      }),
    );
    await Promise.all(invitees.map((id) => completeOrder(id)));
    await completeOrder(invitees[1]!);
    const entries = await taskEntries(inviter.id, 'invite-friend');
    expect(entries.map((entry) => entry.delta).sort()).toEqual([0, 0, 100]);
    expect(await mall.services.points.balance(inviter.id)).toBe(100);
    const tasks = await mall.api('GET', '/api/tasks', { token: inviter.token });
    expect(tasks.body.find((task: any) => task.code === 'invite-friend')).toMatchObject({
      status: 'capped',
      progress: { rewardedThisMonth: 1, monthlyCap: 1 },
    });
    await mall.api('PUT', '/api/admin/tasks/invite-friend', {
      token: operator,
      body: { title: '邀请好友', description: '好友完成首单得积分', points: 100, monthlyCap: 10, enabled: true },
    });
  });
});

describe('review-screenshot', () => {
  it('a submission waits for a person; approving it twice pays once', async () => {
    const member = await mall.loginMember();
    const imageUrl = await uploadImage(member.token);
    const submitted = await mall.api('POST', '/api/tasks/review-screenshot/submissions', {
      token: member.token,
      body: { platform: 'tmall', orderRef: 'TM-2026-0001', imageUrl },
    });
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ status: 'pending', imageUrl, pointsAwarded: 0 });
    const tasks = await mall.api('GET', '/api/tasks', { token: member.token });
    expect(tasks.body.find((task: any) => task.code === 'review-screenshot').status).toBe('pending_review');

    const support = await mall.loginAdmin('support');
    const operator = await mall.loginAdmin('operator');
    const approve = (token: string) =>
      mall.api('POST', `/api/admin/review-submissions/${submitted.body.id}/approve`, { token });
    expect((await approve(operator)).status).toBe(403);
    const [first, second] = await Promise.all([approve(support), approve(support)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((await approve(support)).body).toMatchObject({ status: 'approved', pointsAwarded: 30 });
    expect(await taskEntries(member.id, 'review-screenshot')).toHaveLength(1);
    expect(await mall.services.points.balance(member.id)).toBe(30);

    const mine = await mall.api('GET', '/api/me/review-submissions', { token: member.token });
    expect(mine.body).toEqual([expect.objectContaining({ status: 'approved', pointsAwarded: 30 })]);
  });

  it('two submissions of the same platform order pay once; the second is marked a duplicate', async () => {
    const support = await mall.loginAdmin('support');
    const alice = await mall.loginMember();
    const bob = await mall.loginMember();
    const submit = async (member: { token: string }, orderRef: string) =>
      mall.api('POST', '/api/tasks/review-screenshot/submissions', {
        token: member.token,
        body: { platform: 'jd', orderRef, imageUrl: await uploadImage(member.token) },
      });
    const fromAlice = await submit(alice, 'JD889900');
    const fromBob = await submit(bob, 'jd889900');
    expect([fromAlice.status, fromBob.status]).toEqual([201, 201]);

    const [approvedAlice, approvedBob] = await Promise.all([
      mall.api('POST', `/api/admin/review-submissions/${fromAlice.body.id}/approve`, { token: support }),
      mall.api('POST', `/api/admin/review-submissions/${fromBob.body.id}/approve`, { token: support }),
    ]);
    const statuses = [approvedAlice.status, approvedBob.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = approvedAlice.status === 409 ? approvedAlice : approvedBob;
    expect(loser.body.error.code).toBe('review_duplicate');
    const docs = await ReviewSubmission.find({
      _id: trustedOperators({ $in: [fromAlice.body.id, fromBob.body.id] }),
    }).lean();
    expect(docs.map((doc) => doc.status).sort()).toEqual(['approved', 'rejected']);
    expect(docs.find((doc) => doc.status === 'rejected')?.rejectReason).toContain('重复');
    expect((await mall.services.points.balance(alice.id)) + (await mall.services.points.balance(bob.id))).toBe(30);

    const late = await submit(await mall.loginMember(), 'JD889900');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('review_order_rewarded');
  });

  it("only the member's own upload can be submitted", async () => {
    const owner = await mall.loginMember();
    const other = await mall.loginMember();
    const imageUrl = await uploadImage(owner.token);
    const response = await mall.api('POST', '/api/tasks/review-screenshot/submissions', {
      token: other.token,
      body: { platform: 'douyin', orderRef: 'DY12345678', imageUrl },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('review_image_invalid');
    const external = await mall.api('POST', '/api/tasks/review-screenshot/submissions', {
      token: other.token,
      body: { platform: 'douyin', orderRef: 'DY12345678', imageUrl: 'https://example.com/x.png' },
    });
    expect(external.status).toBe(400);
  });

  it('a rejection needs a reason, pays nothing, and cannot be approved afterwards', async () => {
    const member = await mall.loginMember();
    const support = await mall.loginAdmin('support');
    const submitted = await mall.api('POST', '/api/tasks/review-screenshot/submissions', {
      token: member.token,
      body: { platform: 'xiaohongshu', orderRef: 'XHS0001', imageUrl: await uploadImage(member.token) },
    });
    const reject = (body: unknown) =>
      mall.api('POST', `/api/admin/review-submissions/${submitted.body.id}/reject`, { token: support, body });
    expect((await reject({})).status).toBe(400);
    const pending = await mall.api('GET', '/api/admin/review-submissions?status=pending', { token: support });
    expect(pending.body.items.map((item: any) => item.id)).toContain(submitted.body.id);
    const rejected = await reject({ reason: '截图看不清订单号' });
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectReason: '截图看不清订单号' });
    const approve = await mall.api('POST', `/api/admin/review-submissions/${submitted.body.id}/approve`, {
      token: support,
    });
    expect(approve.status).toBe(409);
    expect(await mall.services.points.balance(member.id)).toBe(0);
  });
});
