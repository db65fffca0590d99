import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { Member } from '../../identity/member.model';

let mall: TestMall;
let operator: string;
beforeAll(async () => {
  mall = await startTestMall();
  operator = await mall.loginAdmin('operator');
});

async function couponTemplate(quantity = 1000) {
  const template = await mall.api('POST', '/api/admin/coupons', {
    token: operator,
    body: {
      name: `回访券 ${randomUUID().slice(0, 4)}`,
      kind: 'amount',
      amountOff: 500,
      validDays: 14,
      quantity,
      perMemberLimit: 5,
    },
  });
  expect(template.status, JSON.stringify(template.body)).toBe(201);
  return template.body.id as string;
}

describe('tags and segments', () => {
  it('tags a member by hand, and a segment by rule (tier + tag) selects exactly the matching members', async () => {
    const [a, b, c] = await Promise.all([mall.loginMember(), mall.loginMember(), mall.loginMember()]);
    await Member.updateOne({ _id: a.id }, { $set: { tier: 'gold' } });
    await Member.updateOne({ _id: b.id }, { $set: { tier: 'gold' } });
    const tag = `茶友${randomUUID().slice(0, 4)}`;
    for (const member of [a, c]) {
      const tagged = await mall.api('POST', `/api/admin/members/${member.id}/tags`, { token: operator, body: { tag } });
      expect(tagged.body).toMatchObject([{ tag, source: 'manual' }]);
    }
    const segment = await mall.api('POST', '/api/admin/segments', {
      token: operator,
      body: { name: '金卡茶友', rule: { tiers: ['gold'], tags: [tag] } },
    });
    expect(segment.status).toBe(201);
    const members = await mall.api('GET', `/api/admin/segments/${segment.body.id}/members`, { token: operator });
    expect(members.body.total).toBe(1);
    expect(members.body.items.map((item: any) => item.id)).toEqual([a.id]);

    // rule tags: everyone in the segment gets the segment's tag
    const ruleTag = `高价值${randomUUID().slice(0, 4)}`;
    const applied = await mall.api('POST', `/api/admin/segments/${segment.body.id}/tag`, {
      token: operator,
      body: { tag: ruleTag },
    });
    expect(applied.body).toEqual({ tagged: 1 });
    const tags = await mall.api('GET', `/api/admin/members/${a.id}/tags`, { token: operator });
    expect(tags.body.map((item: any) => [item.tag, item.source])).toContainEqual([
      ruleTag,
      `segment:${segment.body.id}`,
    ]);
    await mall.api('DELETE', `/api/admin/members/${c.id}/tags/${encodeURIComponent(tag)}`, { token: operator });
    expect((await mall.api('GET', `/api/admin/members/${c.id}/tags`, { token: operator })).body).toEqual([]);
  });

  it('a segment by acquisition channel: members whose first touch is a package-card batch', async () => {
    const batch = await mall.api('POST', '/api/admin/package-cards', {
      token: operator,
      body: { name: '抖音 1 月', channel: 'douyin', quantity: 3, benefit: { points: 10 } },
    });
    const csv = await fetch(`${mall.baseUrl}/api/admin/package-cards/${batch.body.id}/codes.csv`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    const code = (await csv.text()).split('\n')[1]!.split(',')[1]!;
    const member = await mall.loginMember();
    await mall.loginMember(); // organic
    expect((await mall.api('POST', '/api/package-cards/redeem', { token: member.token, body: { code } })).status).toBe(
      200,
    );
    const segment = await mall.api('POST', '/api/admin/segments', {
      token: operator,
      body: { name: '抖音包裹卡', rule: { packageCardBatchId: batch.body.id } },
    });
    const members = await mall.api('GET', `/api/admin/segments/${segment.body.id}/members`, { token: operator });
    expect(members.body.items.map((item: any) => item.id)).toEqual([member.id]);
    const never = await mall.api('POST', '/api/admin/segments', {
      token: operator,
      body: { name: '下过单', rule: { firstTouch: 'package_card', orderedWithinDays: 30 } },
    });
    const quiet = await mall.api('GET', `/api/admin/segments/${never.body.id}/members`, { token: operator });
    expect(quiet.body.total, JSON.stringify(quiet.body)).toBe(0);
  });

  it('pushing a coupon to a segment issues it once per member, however often the push is repeated', async () => {
    const tag = `回访${randomUUID().slice(0, 4)}`;
    const members = await Promise.all([mall.loginMember(), mall.loginMember(), mall.loginMember()]);
    for (const member of members) {
      await mall.api('POST', `/api/admin/members/${member.id}/tags`, { token: operator, body: { tag } });
    }
    const segment = await mall.api('POST', '/api/admin/segments', {
      token: operator,
      body: { name: '回访人群', rule: { tags: [tag] } },
    });
    const templateId = await couponTemplate();
    const push = (key: string) =>
      mall.api('POST', `/api/admin/segments/${segment.body.id}/push-coupon`, {
        token: operator,
        headers: { 'Idempotency-Key': key },
        body: { templateId },
      });
    const answers = await Promise.all([push('push-0001-abc'), push('push-0001-abc')]);
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect((await push('push-0001-abc')).body).toMatchObject({ members: 3, issued: 3, refused: 0 });
    for (const member of members) {
      const wallet = await mall.api('GET', '/api/me/coupons', { token: member.token });
      expect(wallet.body.items.filter((coupon: any) => coupon.templateId === templateId)).toHaveLength(1);
    }
    const reused = await mall.api('POST', `/api/admin/segments/${segment.body.id}/push-coupon`, {
      token: operator,
      headers: { 'Idempotency-Key': 'push-0001-abc' },
      body: { templateId: await couponTemplate() },
    });
    expect(reused.status).toBe(422);
  });
});
