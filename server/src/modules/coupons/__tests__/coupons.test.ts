import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { setTier } from '../../catalog/__tests__/fixtures';
import { CouponTemplate, MemberCoupon, RedeemCode } from '../coupon.model';
import { createTemplate, operator, over99minus20, tenOff } from './fixtures';

let mall: TestMall;

beforeAll(async () => {
  mall = await startTestMall({ COUPON_REDEEM_RATE_PER_MEMBER: '10', COUPON_REDEEM_RATE_PER_IP: '1000' });
});

const claim = (token: string, templateId: string) => mall.api('POST', `/api/coupons/${templateId}/claim`, { token });

describe('templates', () => {
  it('an operator creates 满减, 折扣 and 无门槛 templates; bad combinations are 400 and write nothing; support may not', async () => {
    const token = await operator(mall);
    const threshold = await createTemplate(mall, { ...over99minus20, name: '满99减20' });
    expect(threshold).toMatchObject({ title: '满99减20', remaining: 100 });
    const percent = await createTemplate(mall, { kind: 'percent', percentOff: 15, maxOff: 3000 });
    expect(percent.title).toBe('8.5折 最高减30');
    const before = await CouponTemplate.countDocuments();
    const bad = [
      { kind: 'threshold', amountOff: 2000 }, // no threshold
      { kind: 'threshold', amountOff: 3000, threshold: 2000 }, // off above threshold
      { kind: 'percent' }, // no percent
      {
        kind: 'amount',
        amountOff: 1000,
        validDays: 3,
        startsAt: '2026-12-01T00:00:00Z',
        endsAt: '2026-12-09T00:00:00Z',
      },
      {
        kind: 'amount',
        amountOff: 1000,
        validDays: undefined,
        startsAt: '2026-12-09T00:00:00Z',
        endsAt: '2026-12-01T00:00:00Z',
      },
    ];
    for (const body of bad) {
      const response = await mall.api('POST', '/api/admin/coupons', {
        token,
        body: { name: '坏券', quantity: 10, perMemberLimit: 1, validDays: 7, ...body },
      });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    expect(await CouponTemplate.countDocuments()).toBe(before);
    const support = await mall.loginAdmin('support');
    expect((await mall.api('GET', '/api/admin/coupons', { token: support })).status).toBe(403);
  });

  it('lowering the quantity below what was issued is refused; raising it adds to what is left', async () => {
    const template = await createTemplate(mall, { ...tenOff, quantity: 2 });
    const member = await mall.loginMember();
    expect((await claim(member.token, template.id)).status).toBe(201);
    const token = await operator(mall);
    const tooLow = await mall.api('PATCH', `/api/admin/coupons/${template.id}`, { token, body: { quantity: 0 } });
    expect(tooLow.status).toBe(400);
    const one = await mall.api('PATCH', `/api/admin/coupons/${template.id}`, { token, body: { quantity: 1 } });
    expect(one.body).toMatchObject({ quantity: 1, issued: 1, remaining: 0 });
    const more = await mall.api('PATCH', `/api/admin/coupons/${template.id}`, { token, body: { quantity: 5 } });
    expect(more.body).toMatchObject({ quantity: 5, issued: 1, remaining: 4 });
  });
});

describe('claiming and issuing', () => {
  it('when eight members race for the last three coupons, exactly three get one and the rest get 409 coupon_sold_out', async () => {
    const template = await createTemplate(mall, { ...tenOff, quantity: 3 });
    const members = await Promise.all(Array.from({ length: 8 }, () => mall.loginMember()));
    const results = await Promise.all(members.map((member) => claim(member.token, template.id)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    const lost = results.filter((r) => r.status !== 201);
    expect(lost.every((r) => r.status === 409 && r.body.error.code === 'coupon_sold_out')).toBe(true);
    expect(await MemberCoupon.countDocuments({ template: template.id })).toBe(3);
    expect((await CouponTemplate.findById(template.id).lean())!).toMatchObject({ remaining: 0, issued: 3 });
  });

  it('when one member taps claim ten times at once on a limit of 2, they hold two and the quantity counts two', async () => {
    const template = await createTemplate(mall, { ...tenOff, quantity: 50, perMemberLimit: 2 });
    const member = await mall.loginMember();
    const results = await Promise.all(Array.from({ length: 10 }, () => claim(member.token, template.id)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    for (const r of results.filter((r) => r.status !== 201)) expect(r.body.error.code).toBe('coupon_limit_reached');
    expect(await MemberCoupon.countDocuments({ template: template.id, member: member.id })).toBe(2);
    expect((await CouponTemplate.findById(template.id).lean())!).toMatchObject({ remaining: 48, issued: 2 });
  });

  it('issue() is idempotent per (template, member, key), also when the repeats race', async () => {
    const template = await createTemplate(mall, { ...tenOff, perMemberLimit: 3, channels: ['package_card'] });
    const member = await mall.loginMember();
    const grant = { channel: 'package_card' as const, key: 'card-0001' };
    const raced = await Promise.all(
      Array.from({ length: 6 }, () => mall.services.coupons.issue(member.id, template.id, grant)),
    );
    expect(new Set(raced.map((coupon) => coupon.id)).size).toBe(1);
    const other = await mall.services.coupons.issue(member.id, template.id, { ...grant, key: 'card-0002' });
    expect(other.id).not.toBe(raced[0]!.id);
    expect((await CouponTemplate.findById(template.id).lean())!.issued).toBe(2);
    await expect(
      mall.services.coupons.issue(member.id, template.id, { channel: 'welcome', key: 'x' }),
    ).rejects.toMatchObject({ status: 409, code: 'coupon_channel_closed' });
  });

  it('a gold-only coupon is refused to a regular member with 409 coupon_tier_too_low and shows why in the claim center', async () => {
    const template = await createTemplate(mall, { ...tenOff, minTier: 'gold', name: '金卡专享' });
    const member = await mall.loginMember();
    const refused = await claim(member.token, template.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('coupon_tier_too_low');
    const center = await mall.api('GET', '/api/coupons', { token: member.token });
    expect(center.body.items.find((item: { id: string }) => item.id === template.id).claimBlockedBy).toBe(
      'tier_too_low',
    );
    await setTier(member.id, 'gold');
    expect((await claim(member.token, template.id)).status).toBe(201);
  });

  it('an ended template issues nothing more: 409 coupon_ended', async () => {
    const template = await createTemplate(mall, tenOff);
    await mall.api('PATCH', `/api/admin/coupons/${template.id}`, {
      token: await operator(mall),
      body: { status: 'ended' },
    });
    const member = await mall.loginMember();
    expect((await claim(member.token, template.id)).body.error.code).toBe('coupon_ended');
  });

  it('the claim center for a product lists only coupons that apply to it; visitors see them with claimBlockedBy login', async () => {
    const category = await mall.services.catalog.createCategory({ name: '券测试分类' });
    const product = await mall.services.catalog.createProduct('000000000000000000000000', {
      title: '券测试茶',
      categoryId: category.id,
      status: 'on_sale',
      visibility: 'public',
      skus: [{ specs: [{ name: '规格', value: '50g' }], price: 990, stock: 10 }],
    });
    const forCategory = await createTemplate(mall, {
      ...tenOff,
      scope: { type: 'categories', categoryIds: [category.id] },
    });
    const elsewhere = await createTemplate(mall, {
      ...tenOff,
      scope: { type: 'products', productIds: ['0123456789abcdef01234567'] },
    });
    const visitor = await mall.api('GET', `/api/coupons?productId=${product.id}`);
    const ids = visitor.body.items.map((item: { id: string }) => item.id);
    expect(ids).toContain(forCategory.id);
    expect(ids).not.toContain(elsewhere.id);
    expect(visitor.body.items.every((item: { claimBlockedBy: string }) => item.claimBlockedBy === 'login')).toBe(true);
  });
});

describe('the welcome pack', () => {
  it('a new member gets every welcome template once at registration; logging in again issues nothing more; the pop-up shows once', async () => {
    const ten = await createTemplate(mall, { ...tenOff, name: '新人无门槛', claimable: false, channels: ['welcome'] });
    const full = await createTemplate(mall, {
      ...over99minus20,
      name: '新人满减',
      claimable: false,
      channels: ['welcome'],
    });
    const nickname = `newbie${Date.now()}`;
    const member = await mall.loginMember(nickname);
    await mall.loginMember(nickname);
    const wallet = await mall.api('GET', '/api/me/coupons', { token: member.token });
    const welcomeIds = wallet.body.items
      .filter((c: { channel: string }) => c.channel === 'welcome')
      .map((c: { templateId: string }) => c.templateId);
    expect(welcomeIds.sort()).toEqual([ten.id, full.id].sort());
    const welcome = await mall.api('GET', '/api/me/coupons/welcome', { token: member.token });
    expect(welcome.body).toMatchObject({ show: true, worth: 3000 });
    expect((await mall.api('POST', '/api/me/coupons/welcome/seen', { token: member.token })).status).toBe(204);
    expect((await mall.api('GET', '/api/me/coupons/welcome', { token: member.token })).body.show).toBe(false);
    // End the pack so the other tests' members start without it.
    await mall.api('PATCH', `/api/admin/coupons/${ten.id}`, { token: await operator(mall), body: { status: 'ended' } });
    await mall.api('PATCH', `/api/admin/coupons/${full.id}`, {
      token: await operator(mall),
      body: { status: 'ended' },
    });
  });
});

describe('redeem codes', () => {
  it('a batch has unique codes, exports as CSV, and the same code by two members at once goes to one of them', async () => {
    const template = await createTemplate(mall, {
      ...tenOff,
      claimable: false,
      channels: ['redeem'],
      perMemberLimit: 5,
    });
    const token = await operator(mall);
    const batch = await mall.api('POST', `/api/admin/coupons/${template.id}/redeem-batches`, {
      token,
      body: { count: 5, name: '门店兑换' },
    });
    expect(batch.status).toBe(201);
    const csv = await fetch(`${mall.baseUrl}${batch.body.csvPath}`, { headers: { authorization: `Bearer ${token}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = (await csv.text()).trim().split('\n');
    expect(rows[0]).toBe('code,redeemed,redeemed_at');
    const codes = rows.slice(1).map((row) => row.split(',')[0]!);
    expect(new Set(codes).size).toBe(5);
    expect((await fetch(`${mall.baseUrl}${batch.body.csvPath}`)).status).toBe(401);

    const [a, b] = await Promise.all([mall.loginMember(), mall.loginMember()]);
    const code = codes[0]!;
    const results = await Promise.all(
      [a, b].map((member) => mall.api('POST', '/api/me/coupons/redeem', { token: member.token, body: { code } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('redeem_code_used');
    expect(await MemberCoupon.countDocuments({ template: template.id })).toBe(1);
    // Lower case with a dash is the same code; the winner redeeming again gets the same coupon back.
    const winner = results[0]!.status === 201 ? a : b;
    const again = await mall.api('POST', '/api/me/coupons/redeem', {
      token: winner.token,
      body: { code: `${code.slice(0, 4).toLowerCase()}-${code.slice(4)}` },
    });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(results.find((r) => r.status === 201)!.body.id);
    expect((await RedeemCode.findById(code).lean())!.coupon?.toString()).toBe(again.body.id);
  });

  it('thirty wrong codes in a row: the guesser is stopped with 429 and Retry-After', async () => {
    const guesser = await mall.loginMember();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let attempt = 0; attempt < 30; attempt++) {
      const response = await mall.api('POST', '/api/me/coupons/redeem', {
        token: guesser.token,
        body: { code: `WRONG${String(attempt).padStart(6, '0')}` },
      });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    // 10 attempts per member per 10-minute window: the first ten are answered, the rest refused. (A run that
    // straddles a window boundary gets ten more answers at most.)
    expect(statuses[0]).toBe(404);
    expect(statuses.every((status) => status === 404 || status === 429)).toBe(true);
    expect(statuses.filter((status) => status === 404).length).toBeLessThanOrEqual(20);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(10);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});

describe('expiry and merging', () => {
  it('the expiry job turns due available coupons into expired, leaves locked ones to their order, and runs twice harmlessly', async () => {
    const template = await createTemplate(mall, { ...tenOff, validDays: 1, perMemberLimit: 2 });
    const member = await mall.loginMember();
    const first = await claim(member.token, template.id);
    const second = await claim(member.token, template.id);
    await MemberCoupon.updateOne({ _id: second.body.id }, { $set: { status: 'locked', lockedBy: 'some-order' } });
    const later = new Date(Date.now() + 2 * 86_400_000);
    expect(await mall.services.coupons.expireDue(later)).toBeGreaterThanOrEqual(1);
    await mall.services.coupons.expireDue(later);
    expect((await MemberCoupon.findById(first.body.id).lean())!.status).toBe('expired');
    expect((await MemberCoupon.findById(second.body.id).lean())!.status).toBe('locked');
    const expiredTab = await mall.api('GET', '/api/me/coupons?status=expired', { token: member.token });
    expect(expiredTab.body.items.map((c: { id: string }) => c.id)).toEqual([first.body.id]);
    expect(expiredTab.body.counts.expired).toBe(1);
  });

  it('moveMember hands the coupons to the surviving member, keeps back a grant they already hold, and repeating it moves nothing', async () => {
    const claimed = await createTemplate(mall, { ...tenOff });
    const pushed = await createTemplate(mall, { ...tenOff, perMemberLimit: 5 });
    const [from, to] = await Promise.all([mall.loginMember(), mall.loginMember()]);
    await claim(from.token, claimed.id);
    await claim(to.token, claimed.id);
    await mall.services.coupons.issue(from.id, pushed.id, { channel: 'push', key: 'p-1' });
    await mall.services.coupons.issue(from.id, pushed.id, { channel: 'push', key: 'p-2' });
    await mall.services.coupons.issue(to.id, pushed.id, { channel: 'push', key: 'p-2' });
    // The pushed p-1 moves; the claim slot and p-2 are grants `to` holds already (one person, one grant).
    expect(await mall.services.coupons.moveMember(from.id, to.id)).toEqual({ moved: 1, kept: 2 });
    expect(await mall.services.coupons.moveMember(from.id, to.id)).toEqual({ moved: 0, kept: 2 });
    const wallet = await mall.api('GET', '/api/me/coupons', { token: to.token });
    const held = (id: string) => wallet.body.items.filter((c: { templateId: string }) => c.templateId === id).length;
    expect([held(claimed.id), held(pushed.id)]).toEqual([1, 2]);
    expect((await claim(to.token, claimed.id)).body.error.code).toBe('coupon_limit_reached');
  });
});

describe('admin push', () => {
  it('pushes to the members named, once per push key, and says who could not get one', async () => {
    const template = await createTemplate(mall, { ...tenOff, claimable: false, perMemberLimit: 3 });
    const [a, b] = await Promise.all([mall.loginMember(), mall.loginMember()]);
    const ghost = '0123456789abcdef01234567';
    const push = (key: string) =>
      mall.api('POST', `/api/admin/coupons/${template.id}/push`, {
        token: operatorToken,
        body: { memberIds: [a.id, b.id, ghost], key },
      });
    const operatorToken = await operator(mall);
    const first = await push('winter-1');
    expect(first.body).toEqual({
      issued: 2,
      failed: [{ memberId: ghost, code: 'member_not_found', message: '会员不存在' }],
    });
    await push('winter-1');
    expect(await MemberCoupon.countDocuments({ template: template.id })).toBe(2);
    await push('winter-2');
    expect(await MemberCoupon.countDocuments({ template: template.id, member: a.id })).toBe(2);
    // A push cannot reach a template that is not open to pushes.
    const claimOnly = await createTemplate(mall, { ...tenOff, channels: [] });
    const closed = await mall.api('POST', `/api/admin/coupons/${claimOnly.id}/push`, {
      token: operatorToken,
      body: { memberIds: [a.id], key: 'x' },
    });
    expect(closed.body.failed[0].code).toBe('coupon_channel_closed');
  });
});
