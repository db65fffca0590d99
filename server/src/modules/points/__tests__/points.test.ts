import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { AdminAudit } from '../../admins/admin.model';
import { Member } from '../../identity/member.model';
import { PointsEntry } from '../points.model';

let mall: TestMall;
const points = () => mall.services.points;

beforeAll(async () => {
  mall = await startTestMall();
});

afterEach(async () => {
  expect((await points().checkConsistency()).mismatches).toEqual([]);
});

async function memberWith(balance: number) {
  const member = await mall.loginMember();
  if (balance) {
    await points().apply({
      memberId: member.id,
      delta: balance,
      kind: 'adjust',
      source: { type: 'test', id: 'opening' },
    });
  }
  return member;
}

const shanghai = (text: string) => new Date(`${text}+08:00`);

describe('apply', () => {
  it('when ten spends race for a balance that covers only one, exactly one succeeds and the balance never goes negative', async () => {
    const member = await memberWith(100);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, index) =>
        points().apply({
          memberId: member.id,
          delta: -80,
          kind: 'spend',
          source: { type: 'order', id: `race-${index}` },
        }),
      ),
    );
    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result) => result.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    for (const result of lost) expect(result.reason.code).toBe('insufficient_points');
    expect(await points().balance(member.id)).toBe(20);
    expect(await PointsEntry.countDocuments({ member: member.id, kind: 'spend' })).toBe(1);
  });

  it('when ten credits race, all land and the balance equals the ledger sum', async () => {
    const member = await memberWith(0);
    await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        points().apply({
          memberId: member.id,
          delta: index + 1,
          kind: 'task',
          source: { type: 'test', id: `c${index}` },
        }),
      ),
    );
    expect(await points().balance(member.id)).toBe(55);
    const seqs = (await PointsEntry.find({ member: member.id }).lean()).map((entry) => entry.seq).sort((a, b) => a - b);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('repeating an apply with the same source books one entry, also when the repeats race', async () => {
    const member = await memberWith(0);
    const input = { memberId: member.id, delta: 30, kind: 'earn' as const, source: { type: 'order', id: 'same' } };
    const first = await points().apply(input);
    const again = await points().apply(input);
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, entry: { id: first.entry.id } });
    const raced = await Promise.all(
      Array.from({ length: 10 }, () => points().apply({ ...input, source: { type: 'order', id: 'raced' } })),
    );
    expect(raced.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(raced.map((result) => result.entry.id)).size).toBe(1);
    expect(await points().balance(member.id)).toBe(60);
    expect(await PointsEntry.countDocuments({ member: member.id })).toBe(2);
  });

  it('a debit beyond the balance is 409 insufficient_points and books nothing', async () => {
    const member = await memberWith(10);
    await expect(
      points().apply({ memberId: member.id, delta: -11, kind: 'spend', source: { type: 'order', id: 'too-much' } }),
    ).rejects.toMatchObject({ status: 409, code: 'insufficient_points' });
    expect(await points().balance(member.id)).toBe(10);
    expect(await PointsEntry.countDocuments({ member: member.id })).toBe(1);
  });

  it('refuses a kind with the wrong sign (an earn cannot take points)', async () => {
    const member = await memberWith(10);
    await expect(
      points().apply({ memberId: member.id, delta: -5, kind: 'earn', source: { type: 'order', id: 'bad' } }),
    ).rejects.toThrow(RangeError);
  });

  it('credits expire at the end of the next calendar year in Shanghai', async () => {
    const member = await memberWith(0);
    const result = await points().apply(
      { memberId: member.id, delta: 5, kind: 'task', source: { type: 'test', id: 'expiry-date' } },
      shanghai('2026-12-31T23:30:00'),
    );
    expect(result.entry.expiresAt?.toISOString()).toBe(shanghai('2027-12-31T23:59:59.999').toISOString());
  });
});

describe('crash repair (an entry written, the balance never moved)', () => {
  async function insertOrphan(memberId: string, fields: { delta: number; balanceAfter: number; sourceId: string }) {
    const member = await Member.findById(memberId).lean();
    await PointsEntry.collection.insertOne({
      member: member!._id,
      seq: member!.pointsSeq + 1,
      delta: fields.delta,
      balanceAfter: fields.balanceAfter,
      kind: 'task',
      source: { type: 'test', id: fields.sourceId },
      note: 'orphan',
      expiresAt: null,
      shortfall: 0,
      createdAt: new Date(),
    });
  }

  it('the next apply finishes an orphan that still fits, then books its own entry', async () => {
    const member = await memberWith(50);
    await insertOrphan(member.id, { delta: 30, balanceAfter: 80, sourceId: 'orphan-1' });
    expect((await points().checkConsistency()).ok).toBe(false);
    const next = await points().apply({
      memberId: member.id,
      delta: 5,
      kind: 'task',
      source: { type: 'test', id: 'after-orphan' },
    });
    expect(next.entry.seq).toBe(3);
    expect(await points().balance(member.id)).toBe(85);
  });

  it('retrying the orphaned cause finishes it once instead of booking it again', async () => {
    const member = await memberWith(50);
    await insertOrphan(member.id, { delta: 30, balanceAfter: 80, sourceId: 'retried' });
    const retry = await points().apply({
      memberId: member.id,
      delta: 30,
      kind: 'task',
      source: { type: 'test', id: 'retried' },
    });
    expect(retry.created).toBe(false);
    expect(await points().balance(member.id)).toBe(80);
    expect(await PointsEntry.countDocuments({ member: member.id })).toBe(2);
  });

  it('an orphan written against a balance the member no longer has is deleted, not finished', async () => {
    const member = await memberWith(50);
    await insertOrphan(member.id, { delta: 30, balanceAfter: 90, sourceId: 'stale' }); // written against 60, not 50
    await points().apply({ memberId: member.id, delta: 1, kind: 'task', source: { type: 'test', id: 'after-stale' } });
    expect(await points().balance(member.id)).toBe(51);
    expect(await PointsEntry.countDocuments({ member: member.id, 'source.id': 'stale' })).toBe(0);
  });

  it('the repair job settles orphans nobody touched', async () => {
    const member = await memberWith(50);
    await insertOrphan(member.id, { delta: 30, balanceAfter: 80, sourceId: 'untouched' });
    expect(await points().repairOrphans(new Date(Date.now() + 120_000))).toBe(1);
    expect(await points().balance(member.id)).toBe(80);
  });
});

describe('GET /api/me/points', () => {
  it('answers the balance, what expires next and the ledger newest first with Chinese labels', async () => {
    const member = await memberWith(0);
    await points().apply(
      { memberId: member.id, delta: 100, kind: 'earn', source: { type: 'order', id: 'p1' } },
      shanghai('2026-03-01T10:00:00'),
    );
    await points().apply(
      { memberId: member.id, delta: 40, kind: 'task', source: { type: 'test', id: 'p2' } },
      shanghai('2027-02-01T10:00:00'),
    );
    await points().apply({ memberId: member.id, delta: -30, kind: 'spend', source: { type: 'order', id: 'p3' } });
    const response = await mall.api('GET', '/api/me/points?page=1&pageSize=2', { token: member.token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ balance: 110, total: 3, page: 1, pageSize: 2 });
    expect(response.body.items.map((item: any) => [item.kind, item.kindLabel, item.delta])).toEqual([
      ['spend', '积分抵扣', -30],
      ['task', '任务奖励', 40],
    ]);
    // FIFO: the 30 spent came out of the 100 expiring end of 2027, so 70 expire then.
    expect(response.body.expiringSoon).toEqual({
      amount: 70,
      at: shanghai('2027-12-31T23:59:59.999').toISOString(),
    });
    const page2 = await mall.api('GET', '/api/me/points?page=2&pageSize=2', { token: member.token });
    expect(page2.body.items.map((item: any) => item.kind)).toEqual(['earn']);
  });

  it('needs a member token', async () => {
    expect((await mall.api('GET', '/api/me/points')).status).toBe(401);
  });
});

describe('expiry job', () => {
  it('running twice expires once, and only the part newer credits do not back', async () => {
    const member = await memberWith(0);
    await points().apply(
      { memberId: member.id, delta: 100, kind: 'earn', source: { type: 'order', id: 'e1' } },
      shanghai('2020-03-01T12:00:00'),
    ); // valid until 2021-12-31
    await points().apply(
      { memberId: member.id, delta: -30, kind: 'spend', source: { type: 'order', id: 'e2' } },
      shanghai('2020-06-01T12:00:00'),
    );
    await points().apply(
      { memberId: member.id, delta: 50, kind: 'earn', source: { type: 'order', id: 'e3' } },
      shanghai('2021-05-01T12:00:00'),
    ); // valid until 2022-12-31
    expect(await points().balance(member.id)).toBe(120);

    const newYear = shanghai('2022-01-01T00:30:00');
    const first = await points().expireDue(newYear);
    const second = await points().expireDue(newYear);
    expect(first.points).toBeGreaterThanOrEqual(70);
    expect(second).toEqual({ members: 0, points: 0 });
    expect(await points().balance(member.id)).toBe(50);
    const expired = await PointsEntry.find({ member: member.id, kind: 'expire' }).lean();
    expect(expired.map((entry) => [entry.delta, entry.source.id])).toEqual([[-70, '2021-12-31']]);

    await points().expireDue(shanghai('2023-01-01T00:30:00'));
    expect(await points().balance(member.id)).toBe(0);
  });

  it('points taken back by a refund do not keep older points alive', async () => {
    const member = await memberWith(0);
    await points().apply(
      { memberId: member.id, delta: 100, kind: 'earn', source: { type: 'order', id: 'r1' } },
      shanghai('2018-03-01T12:00:00'),
    );
    await points().earnOnce(
      { memberId: member.id, delta: 60, source: { type: 'order', id: 'r2' }, note: 'later order' },
      shanghai('2019-03-01T12:00:00'),
    );
    await points().reverseEarned(
      { memberId: member.id, source: { type: 'order', id: 'r2' }, note: 'refund' },
      shanghai('2019-04-01T12:00:00'),
    );
    await points().expireDue(shanghai('2020-01-01T08:00:00'));
    expect(await points().balance(member.id)).toBe(0);
  });
});

describe('POST /api/admin/members/:id/points', () => {
  it('needs the support role, a reason and an Idempotency-Key; books once per key and is audited once', async () => {
    const member = await memberWith(0);
    const support = await mall.loginAdmin('support');
    const operator = await mall.loginAdmin('operator');
    const path = `/api/admin/members/${member.id}/points`;
    const headers = { 'Idempotency-Key': `adjust-${member.id}` };

    const forbidden = await mall.api('POST', path, { token: operator, headers, body: { delta: 10, reason: '补偿' } });
    expect(forbidden.status).toBe(403);
    const noReason = await mall.api('POST', path, { token: support, headers, body: { delta: 10 } });
    expect(noReason.status).toBe(400);
    const blankReason = await mall.api('POST', path, { token: support, headers, body: { delta: 10, reason: ' ' } });
    expect(blankReason.status).toBe(400);
    const noKey = await mall.api('POST', path, { token: support, body: { delta: 10, reason: '物流延误补偿' } });
    expect(noKey.status).toBe(400);

    const done = await mall.api('POST', path, { token: support, headers, body: { delta: 10, reason: '物流延误补偿' } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ delta: 10, balance: 10, created: true });
    const repeat = await mall.api('POST', path, {
      token: support,
      headers,
      body: { delta: 10, reason: '物流延误补偿' },
    });
    expect(repeat.body).toMatchObject({ balance: 10, created: false, entryId: done.body.entryId });
    const reused = await mall.api('POST', path, {
      token: support,
      headers,
      body: { delta: 99, reason: '物流延误补偿' },
    });
    expect(reused.status).toBe(422);

    const audits = await AdminAudit.find({ action: 'points.adjust', 'target.id': member.id }).lean();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ reason: '物流延误补偿', changes: { delta: 10, entryId: done.body.entryId } });

    const overdraw = await mall.api('POST', path, {
      token: support,
      headers: { 'Idempotency-Key': `overdraw-${member.id}` },
      body: { delta: -11, reason: '误发积分收回' },
    });
    expect(overdraw.status).toBe(409);
    expect(overdraw.body.error.code).toBe('insufficient_points');
  });

  it('answers 404 for an unknown member', async () => {
    const support = await mall.loginAdmin('support');
    const response = await mall.api('POST', '/api/admin/members/0123456789abcdef01234567/points', {
      token: support,
      headers: { 'Idempotency-Key': 'unknown-member-1' },
      body: { delta: 5, reason: '测试' },
    });
    expect(response.status).toBe(404);
  });
});
