import { randomBytes } from 'node:crypto';
import {
  PACKAGE_CARD_ALPHABET,
  PACKAGE_CARD_BODY_LENGTH,
  packageCardCheckChar,
  packageCardCodeProblem,
} from '@siyu/shared';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWechat } from '../../../../test/fakes/wechat';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { Member } from '../../identity/member.model';
import { PointsEntry } from '../../points/points.model';
import { generateCodes } from '../codes';
import { PackageCardCode } from '../package-cards.model';
import { REDEEM_LIMITS } from '../package-cards.routes';

let mall: TestMall;
let operator: string;
let ipCounter = 0;

beforeAll(async () => {
  // Each test speaks from its own client address (X-Forwarded-For), so the per-IP guess limit of one
  // test never spills into another.
  mall = await startTestMall({ TRUST_PROXY: 'true' });
  operator = await mall.loginAdmin('operator');
});

const freshIp = () => `10.12.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;

async function createBatch(body: Record<string, unknown>) {
  const response = await mall.api('POST', '/api/admin/package-cards', {
    token: operator,
    body: { name: '天猫 12 月包裹卡', channel: 'tmall', quantity: 20, benefit: { points: 50 }, ...body },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; quantity: number; generated: number; status: string };
}

async function csvOf(batchId: string) {
  const response = await fetch(`${mall.baseUrl}/api/admin/package-cards/${batchId}/codes.csv`, {
    headers: { authorization: `Bearer ${operator}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/csv');
  const [header, ...rows] = (await response.text()).trim().split('\n');
  const columns = header!.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((value, i) => [columns[i]!, value])));
}

async function codesOf(batchId: string) {
  return (await csvOf(batchId)).map((row) => row.code!);
}

function redeem(token: string, code: string, ip: string, extra: Record<string, unknown> = {}) {
  return mall.api('POST', '/api/package-cards/redeem', {
    token,
    body: { code, ...extra },
    headers: { 'x-forwarded-for': ip },
  });
}

/** A well-formed code (right check character) that no batch printed. */
function unprintedCode() {
  return generateCodes(1)[0]!;
}

describe('package-card codes', () => {
  it('the check character catches every single-character typo and every swap of two neighbours (but A↔9)', () => {
    for (const code of generateCodes(200)) {
      expect(packageCardCodeProblem(code)).toBeNull();
      for (let i = 0; i < code.length; i++) {
        for (const char of PACKAGE_CARD_ALPHABET) {
          if (char === code[i]) continue;
          const typo = code.slice(0, i) + char + code.slice(i + 1);
          expect(packageCardCodeProblem(typo)).toBe('check');
        }
        // Luhn mod N cannot tell apart a swap of the alphabet's first and last characters (A and 9).
        const pair = new Set([code[i], code[i + 1]]);
        if (i + 1 < code.length && code[i] !== code[i + 1] && !(pair.has('A') && pair.has('9'))) {
          const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
          expect(packageCardCodeProblem(swapped)).toBe('check');
        }
      }
    }
  });

  it('codes use no 0, O, 1 or I and carry 11 random characters before the check character', () => {
    const codes = generateCodes(1000);
    for (const code of codes) {
      expect(code).toMatch(/^[A-HJ-NP-Z2-9]{12}$/);
      expect(code[PACKAGE_CARD_BODY_LENGTH]).toBe(packageCardCheckChar(code.slice(0, PACKAGE_CARD_BODY_LENGTH)));
    }
    expect(new Set(codes).size).toBe(1000);
  });
});

describe('POST /api/admin/package-cards', () => {
  it('generates 10,000 unique codes in a few seconds, and the CSV has every one with its page and scene', async () => {
    const started = Date.now();
    const batch = await createBatch({ name: '天猫双 12', quantity: 10_000 });
    const elapsed = Date.now() - started;
    expect(batch).toMatchObject({ quantity: 10_000, generated: 10_000, status: 'active' });
    expect(elapsed).toBeLessThan(15_000);

    const rows = await csvOf(batch.id);
    expect(rows).toHaveLength(10_000);
    const codes = rows.map((row) => row.code!);
    expect(new Set(codes).size).toBe(10_000);
    for (const row of rows) {
      expect(packageCardCodeProblem(row.code!)).toBeNull();
      expect(row.page).toBe('packages/growth/redeem/index');
      expect(row.scene).toBe(`pc=${row.code}`);
      expect(row.scene!.length).toBeLessThanOrEqual(32);
      expect(row.scene).toMatch(/^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/);
    }
    expect(await PackageCardCode.countDocuments({ batch: batch.id })).toBe(10_000);
  }, 60_000);

  it('is for operators: a support admin gets 403 and a member token 403', async () => {
    const support = await mall.loginAdmin('support');
    const body = { name: 'x', channel: 'jd', quantity: 1, benefit: { points: 1 } };
    expect((await mall.api('POST', '/api/admin/package-cards', { token: support, body })).status).toBe(403);
    const member = await mall.loginMember();
    expect((await mall.api('POST', '/api/admin/package-cards', { token: member.token, body })).status).toBe(403);
  });

  it('refuses a batch without any benefit and a gift SKU that does not exist, writing nothing', async () => {
    const before = await mall.api('GET', '/api/admin/package-cards', { token: operator });
    const none = await mall.api('POST', '/api/admin/package-cards', {
      token: operator,
      body: { name: 'x', channel: 'jd', quantity: 5, benefit: {} },
    });
    expect(none.status).toBe(400);
    const ghost = await mall.api('POST', '/api/admin/package-cards', {
      token: operator,
      body: { name: 'x', channel: 'jd', quantity: 5, benefit: { giftSkuId: '0123456789abcdef01234567' } },
    });
    expect(ghost.status).toBe(400);
    expect(ghost.body.error.code).toBe('gift_sku_not_found');
    const after = await mall.api('GET', '/api/admin/package-cards', { token: operator });
    expect(after.body).toHaveLength(before.body.length);
  });
});

describe('POST /api/package-cards/redeem', () => {
  it('grants the points once; the same member repeating the same code gets the same answer and nothing more', async () => {
    const batch = await createBatch({ benefit: { points: 88, wecomText: '添加顾问微信 shanchaji01 领新人礼' } });
    const [code] = await codesOf(batch.id);
    const member = await mall.loginMember();
    const ip = freshIp();
    const first = await redeem(member.token, code!.replace(/(.{4})/g, '$1-').toLowerCase(), ip);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({
      batch: { id: batch.id, channel: 'tmall' },
      points: 88,
      wecomText: '添加顾问微信 shanchaji01 领新人礼',
      nextStep: { kind: 'add_wecom' },
    });
    const again = await redeem(member.token, code!, ip);
    expect(again.status).toBe(200);
    const entries = await PointsEntry.find({ member: member.id, 'source.type': 'package_card' }).lean();
    expect(entries.map((entry) => entry.delta)).toEqual([88]);
    const mine = await mall.api('GET', '/api/me/package-cards', { token: member.token });
    expect(mine.body).toHaveLength(1);
    const listed = await mall.api('GET', `/api/admin/package-cards/${batch.id}`, { token: operator });
    expect(listed.body).toMatchObject({ redeemedCount: 1, redemptionRate: 0.05 });
  });

  it('when two members redeem the same code at once, exactly one gets it and the other gets 409', async () => {
    const batch = await createBatch({});
    const codes = await codesOf(batch.id);
    for (const code of codes.slice(0, 3)) {
      const [a, b] = await Promise.all([mall.loginMember(), mall.loginMember()]);
      const answers = await Promise.all([redeem(a.token, code, freshIp()), redeem(b.token, code, freshIp())]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
      expect(answers.find((answer) => answer.status === 409)!.body.error.code).toBe('package_card_used');
      const credited = await PointsEntry.countDocuments({ 'source.type': 'package_card', 'source.id': code });
      expect(credited).toBe(1);
      // The loser may still redeem another code of the batch: its claim was released.
      const loser = answers[0]!.status === 409 ? a : b;
      expect((await redeem(loser.token, codes[10 + codes.indexOf(code)]!, freshIp())).status).toBe(200);
    }
  });

  it('a member redeeming a second code of the same batch gets 409, even when both are sent at once', async () => {
    const batch = await createBatch({});
    const codes = await codesOf(batch.id);
    const member = await mall.loginMember();
    const ip = freshIp();
    expect((await redeem(member.token, codes[0]!, ip)).status).toBe(200);
    const second = await redeem(member.token, codes[1]!, ip);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('package_card_batch_redeemed');
    // the refused code is still unused
    expect(await PackageCardCode.findById(codes[1]).lean()).toMatchObject({ redeemedBy: null });

    const other = await mall.loginMember();
    const both = await Promise.all([redeem(other.token, codes[2]!, ip), redeem(other.token, codes[3]!, ip)]);
    expect(both.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const points = await PointsEntry.countDocuments({ member: other.id, 'source.type': 'package_card' });
    expect(points).toBe(1);
  });

  it('30 wrong guesses by one member end in 429 with Retry-After', async () => {
    const member = await mall.loginMember();
    const ip = freshIp();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 30; i++) {
      const answer = await redeem(member.token, unprintedCode(), ip);
      statuses.push(answer.status);
      if (answer.status === 429) retryAfter = answer.headers.get('retry-after');
    }
    expect(statuses.slice(0, REDEEM_LIMITS.perMember.limit).every((status) => status === 404)).toBe(true);
    expect(statuses.slice(REDEEM_LIMITS.perMember.limit).every((status) => status === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('guesses from one address across many members end in 429 too', async () => {
    const ip = freshIp();
    const members = await Promise.all(Array.from({ length: 7 }, () => mall.loginMember()));
    let limited = 0;
    for (let i = 0; i < REDEEM_LIMITS.perIp.limit + 5; i++) {
      const answer = await redeem(members[i % members.length]!.token, unprintedCode(), ip);
      if (answer.status === 429) limited++;
    }
    expect(limited).toBe(5);
  });

  it('a code with a wrong check character is refused with 400 before any database lookup', async () => {
    const batch = await createBatch({});
    const [code] = await codesOf(batch.id);
    const wrongCheck =
      code!.slice(0, -1) + PACKAGE_CARD_ALPHABET[(PACKAGE_CARD_ALPHABET.indexOf(code!.at(-1)!) + 1) % 32];
    const member = await mall.loginMember();
    const ip = freshIp();
    const touched: string[] = [];
    mongoose.set('debug', (collection: string) => {
      touched.push(collection);
    });
    let answers: number[];
    try {
      answers = [];
      for (let i = 0; i < REDEEM_LIMITS.perMember.limit + 10; i++) {
        answers.push((await redeem(member.token, wrongCheck, ip)).status);
      }
    } finally {
      mongoose.set('debug', false);
    }
    expect(new Set(answers)).toEqual(new Set([400]));
    // Only the bearer-token check reads the database; no code, batch, redemption or guess counter was touched.
    expect(touched).toContain('members');
    expect(touched.filter((name) => name.startsWith('package_card') || name === 'rate_windows')).toEqual([]);
    // Typos do not count as guesses: the real code still redeems.
    expect((await redeem(member.token, code!, ip)).status).toBe(200);
    const bad = await redeem(member.token, 'O0I1-ABCD', ip);
    expect(bad.status).toBe(400);
  });

  it('a disabled or expired batch refuses with 409 and spends nothing', async () => {
    const expired = await createBatch({
      validUntil: new Date(Date.now() - 60_000).toISOString(),
      validFrom: new Date(Date.now() - 3_600_000).toISOString(),
    });
    const [code] = await codesOf(expired.id);
    const member = await mall.loginMember();
    const answer = await redeem(member.token, code!, freshIp());
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('package_card_expired');
    expect(await PackageCardCode.findById(code).lean()).toMatchObject({ redeemedBy: null });

    const batch = await createBatch({});
    const [other] = await codesOf(batch.id);
    await mall.api('PATCH', `/api/admin/package-cards/${batch.id}`, { token: operator, body: { status: 'disabled' } });
    const disabled = await redeem(member.token, other!, freshIp());
    expect(disabled.body.error.code).toBe('package_card_batch_inactive');
  });

  it('links the marketplace buyer id when the batch asks for it (One-ID), and asks for it first', async () => {
    const batch = await createBatch({ channel: 'jd', linkBuyerId: true });
    const [code, second] = await codesOf(batch.id);
    const member = await mall.loginMember();
    const ip = freshIp();
    const missing = await redeem(member.token, code!, ip);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'buyer_id_required', details: { platform: 'jd' } });
    const buyerId = `jd_${randomBytes(4).toString('hex')}`;
    expect((await redeem(member.token, code!, ip, { buyerId })).status).toBe(200);
    const me = await mall.api('GET', '/api/me', { token: member.token });
    expect(me.body.marketplaces).toEqual([{ platform: 'jd', buyerId }]);
    // Someone else claiming the same buyer id still gets the card's benefit; the id stays with its holder.
    const other = await mall.loginMember();
    expect((await redeem(other.token, second!, freshIp(), { buyerId })).status).toBe(200);
    const theirs = await mall.api('GET', '/api/me', { token: other.token });
    expect(theirs.body.marketplaces).toEqual([]);
  });

  it('a coupon benefit lands in the wallet once; when the coupon has run out the card is refused and stays unspent', async () => {
    const template = await mall.api('POST', '/api/admin/coupons', {
      token: operator,
      body: {
        name: '包裹卡专享 满50减10',
        kind: 'threshold',
        amountOff: 1000,
        threshold: 5000,
        validDays: 30,
        quantity: 1,
        perMemberLimit: 1,
      },
    });
    expect(template.status, JSON.stringify(template.body)).toBe(201);
    const batch = await createBatch({ benefit: { couponTemplateId: template.body.id } });
    const [code, second] = await codesOf(batch.id);
    const member = await mall.loginMember();
    const ip = freshIp();
    const answer = await redeem(member.token, code!, ip);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.coupon).toMatchObject({ templateId: template.body.id, title: '包裹卡专享 满50减10' });
    expect(answer.body.nextStep.kind).toBe('use_coupon');
    expect((await redeem(member.token, code!, ip)).status).toBe(200); // a retry issues nothing more
    const wallet = await mall.api('GET', '/api/me/coupons', { token: member.token });
    expect(wallet.body.items.map((coupon: any) => coupon.templateId)).toEqual([template.body.id]);
    expect(wallet.body.items[0].id).toBe(answer.body.coupon.memberCouponId);

    const other = await mall.loginMember();
    const refused = await redeem(other.token, second!, freshIp());
    expect(refused.status).toBe(409);
    expect(await PackageCardCode.findById(second).lean()).toMatchObject({ redeemedBy: null });
    expect(
      (await mall.api('GET', `/api/admin/package-cards/${batch.id}`, { token: operator })).body.redeemedCount,
    ).toBe(1);
  });

  it('a gift SKU benefit gives the redeemer access to that SKU, once', async () => {
    const owner = await mall.loginAdmin('owner');
    const category = await mall.api('POST', '/api/admin/categories', { token: owner, body: { name: '回购礼' } });
    const product = await mall.api('POST', '/api/admin/products', {
      token: owner,
      body: {
        title: '回购礼 山茶花护手霜 5ml',
        categoryId: category.body.id,
        status: 'on_sale',
        skus: [{ specs: [], price: 1, stock: 100 }],
      },
    });
    expect(product.status, JSON.stringify(product.body)).toBe(201);
    const giftSku = { _id: product.body.skus[0].id as string };
    const batch = await createBatch({ benefit: { giftSkuId: giftSku._id } });
    const [code] = await codesOf(batch.id);
    const member = await mall.loginMember();
    const answer = await redeem(member.token, code!, freshIp());
    expect(answer.status).toBe(200);
    expect(answer.body.gift).toMatchObject({ skuId: giftSku._id });
    expect(answer.body.nextStep.kind).toBe('buy_gift');
    const gifts = await mall.api('GET', '/api/me/gifts', { token: member.token });
    expect(gifts.body).toMatchObject([{ skuId: giftSku._id, status: 'available' }]);
    await mall.services.packageCards.takeGift(member.id, giftSku._id, 'order-1');
    await mall.services.packageCards.takeGift(member.id, giftSku._id, 'order-1'); // repeat: same order
    await expect(mall.services.packageCards.takeGift(member.id, giftSku._id, 'order-2')).rejects.toMatchObject({
      code: 'gift_already_used',
    });
    await mall.services.packageCards.giveBackGift(member.id, giftSku._id, 'order-1');
    await mall.services.packageCards.takeGift(member.id, giftSku._id, 'order-2');
    const stranger = await mall.loginMember();
    await expect(mall.services.packageCards.takeGift(stranger.id, giftSku._id, 'order-3')).rejects.toMatchObject({
      code: 'gift_access_required',
    });
  });
});

describe('acquisition channel', () => {
  it('the first package card sets the first touch; a later card of another batch is history and never overwrites it', async () => {
    const a = await createBatch({ name: 'A' });
    const b = await createBatch({ name: 'B', channel: 'douyin' });
    const [codeA] = await codesOf(a.id);
    const [codeB] = await codesOf(b.id);
    const member = await mall.loginMember();
    expect((await redeem(member.token, codeA!, freshIp())).status).toBe(200);
    expect((await redeem(member.token, codeB!, freshIp())).status).toBe(200);
    const source = await mall.api('GET', `/api/admin/members/${member.id}/source`, { token: operator });
    expect(source.body.first).toMatchObject({ type: 'package_card', id: a.id });
    expect(source.body.history.map((touch: any) => [touch.type, touch.id])).toEqual([
      ['organic', null],
      ['package_card', a.id],
      ['package_card', b.id],
    ]);
  });

  it('an invited member came by invite, and a package card afterwards does not change that', async () => {
    const inviter = await mall.loginMember();
    const { body: inviterView } = await mall.api('GET', '/api/me', { token: inviter.token });
    const login = await mall.api('POST', '/api/auth/wechat-login', {
      body: { code: `demo:inv${randomBytes(3).toString('hex')}`, inviteCode: inviterView.inviteCode },
    });
    expect(login.status).toBe(200);
    const batch = await createBatch({});
    const [code] = await codesOf(batch.id);
    expect((await redeem(login.body.accessToken, code!, freshIp())).status).toBe(200);
    const source = await mall.services.channels.sourceOf(login.body.member.id);
    expect(source.first).toMatchObject({ type: 'invite', id: inviter.id });
    expect(source.history.map((touch) => touch.type)).toEqual(['invite', 'package_card']);
  });

  it('a member who registered organically long ago stays organic; concurrent touches settle on one first touch', async () => {
    const member = await mall.loginMember();
    const registered = await Member.findById(member.id).lean();
    const later = new Date(new Date(registered!.createdAt).getTime() + 25 * 3_600_000);
    await mall.services.channels.recordTouch(member.id, { type: 'live', id: 'live-1', at: later });
    expect((await mall.services.channels.sourceOf(member.id)).first.type).toBe('organic');

    const fresh = await mall.loginMember();
    const at = new Date();
    await Promise.all([
      mall.services.channels.recordTouch(fresh.id, { type: 'live', id: 'live-2', at }),
      mall.services.channels.recordTouch(fresh.id, { type: 'groupbuy', id: 'group-2', at }),
      mall.services.channels.recordTouch(fresh.id, { type: 'live', id: 'live-2', at }),
    ]);
    const settled = await mall.services.channels.sourceOf(fresh.id);
    expect(['live', 'groupbuy']).toContain(settled.first.type);
    expect(settled.history).toHaveLength(3); // organic, live-2 once, group-2
    await mall.services.channels.recordTouch(fresh.id, { type: 'package_card', id: 'x', at: new Date() });
    expect((await mall.services.channels.sourceOf(fresh.id)).first).toEqual(settled.first);
  });
});

describe('mini-program code image', () => {
  it('in demo mode draws a placeholder PNG locally for a printed code, and 404s for a code of another batch', async () => {
    const batch = await createBatch({});
    const [code] = await codesOf(batch.id);
    const image = await fetch(`${mall.baseUrl}/api/admin/package-cards/${batch.id}/codes/${code}/qr.png`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await image.arrayBuffer());
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const other = await createBatch({});
    const miss = await fetch(`${mall.baseUrl}/api/admin/package-cards/${other.id}/codes/${code}/qr.png`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(miss.status).toBe(404);
  });

  describe('with WeChat configured', () => {
    let fake: Awaited<ReturnType<typeof startFakeWechat>>;
    let wechatMall: TestMall;
    beforeAll(async () => {
      fake = await startFakeWechat();
      fake.publishedPages.add('packages/growth/redeem/index');
      wechatMall = await startTestMall({
        WECHAT_APPID: fake.appid,
        WECHAT_SECRET: fake.secret,
        WECHAT_API_BASE: fake.baseUrl,
      });
    });
    afterAll(() => fake.close());

    it("asks getwxacodeunlimit for the redeem page with the code's scene and answers the image bytes", async () => {
      const admin = await wechatMall.loginAdmin('operator');
      const created = await wechatMall.api('POST', '/api/admin/package-cards', {
        token: admin,
        body: { name: '京东', channel: 'jd', quantity: 3, benefit: { points: 5 } },
      });
      const batchId = created.body.id as string;
      const code = (await PackageCardCode.findOne({ batch: batchId }).lean())!._id;
      const image = await fetch(`${wechatMall.baseUrl}/api/admin/package-cards/${batchId}/codes/${code}/qr.png`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await image.arrayBuffer()).toString('latin1')).toContain(`wxacode:pc=${code}`);
      expect(fake.wxaCodes).toEqual([{ scene: `pc=${code}`, page: 'packages/growth/redeem/index' }]);
    });
  });
});
