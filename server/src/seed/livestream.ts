/**
 * Demo lives: one upcoming (tomorrow 20:00 Shanghai) and one that ended three days ago, each with a
 * lineup from the demo catalog, and for the ended one a few sales it brought: three paid orders from two
 * demo members placed through the live's links (`from: live:<id>`), two reservations and their clicks.
 *
 * The ended live's numbers, by hand (demo members are 普通会员: list prices, ¥8 shipping under ¥99):
 *   观众小林  祁门红茶 100g × 2 = 15600 (free shipping)      paid
 *   观众小林  金骏眉 50g × 1     = 19800 (free shipping)      paid
 *   观众阿杰  正山小种 100g × 1  =  8800 + 800 shipping = 9600 paid
 *   → 3 orders, 2 paying members, GMV 45000 fen (¥450.00); 2 reservations; 2 click-throughs.
 *
 * Idempotent: lives and reservations are upserted by stable ids with `$setOnInsert`; orders are placed
 * with stable idempotency keys (a second run answers the same orders) and paying an order twice is a
 * no-op. Orders are paid by the orders service as the sandbox would confirm them: demo data only, and
 * only in demo mode (it needs `demo:` logins).
 */
import { createHash } from 'node:crypto';
import { shopDay } from '@siyu/shared';
import { Types } from 'mongoose';
import type { Services } from '../app';
import { LiveClick, LiveReservation, Livestream } from '../modules/livestream/livestream.model';

/** The catalog seed's id scheme (seed/catalog.ts), so the lineup names the seeded products. */
function seedId(key: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`siyu-seed:${key}`).digest('hex').slice(0, 24));
}

const productId = (key: string) => seedId(`product:${key}`);

export const SEEDED_LIVES = {
  upcoming: seedId('live:upcoming'),
  ended: seedId('live:ended'),
} as const;

/** 20:00 Shanghai on the day `days` from today. */
function eveningIn(days: number, now: Date): Date {
  const day = shopDay(new Date(now.getTime() + days * 86_400_000));
  return new Date(`${day}T20:00:00+08:00`);
}

export const SEEDED_ENDED_LIVE_ORDERS = [
  { buyer: '观众小林', key: 'keemun-2', product: 'keemun', size: '100g', qty: 2 },
  { buyer: '观众小林', key: 'jinjunmei-1', product: 'jinjunmei', size: '50g', qty: 1 },
  { buyer: '观众阿杰', key: 'lapsang-1', product: 'lapsang', size: '100g', qty: 1 },
] as const;

export async function seedLivestreams(services: Services, now = new Date()): Promise<string[]> {
  // Only on top of the demo catalog (its products carry the ids above).
  if (!(await services.catalog.adminGetProduct(productId('keemun').toString()).catch(() => null))) return [];
  const upcomingStart = eveningIn(1, now);
  const endedStart = eveningIn(-3, now);
  const lives = [
    {
      _id: SEEDED_LIVES.upcoming,
      title: '冬藏岩茶品鉴夜',
      description: '茶师现场冲泡大红袍与肉桂，讲透岩韵；福利品限量，会员价直播间专享。',
      startsAt: upcomingStart,
      endsAt: new Date(upcomingStart.getTime() + 2 * 3_600_000),
      products: [
        { productId: productId('maofeng'), role: 'gift' },
        { productId: productId('longjing'), role: 'traffic' },
        { productId: productId('dahongpao'), role: 'bestseller' },
        { productId: productId('rougui'), role: 'bestseller' },
        { productId: productId('shuixian'), role: 'bestseller' },
      ],
    },
    {
      _id: SEEDED_LIVES.ended,
      title: '红茶暖冬专场',
      description: '祁红、正山小种与金骏眉，一场喝懂三种红茶。',
      startsAt: endedStart,
      endsAt: new Date(endedStart.getTime() + 2 * 3_600_000),
      status: 'ended',
      products: [
        { productId: productId('keemun'), role: 'gift' },
        { productId: productId('lapsang'), role: 'traffic' },
        { productId: productId('jinjunmei'), role: 'bestseller' },
      ],
    },
  ];
  let livesAdded = 0;
  for (const live of lives) {
    const result = await Livestream.updateOne(
      { _id: live._id },
      {
        $setOnInsert: {
          cover: '',
          finderUserName: 'sphShanChaJi',
          noticeId: null,
          status: 'scheduled',
          reservationRewardPoints: 0,
          deletedAt: null,
          ...live,
        },
      },
      { upsert: true },
    );
    livesAdded += result.upsertedCount;
  }

  let ordersPaid = 0;
  const buyers = new Map<string, { id: string; tier: import('@siyu/shared').TierCode; addressId: string }>();
  for (const nickname of new Set(SEEDED_ENDED_LIVE_ORDERS.map((order) => order.buyer))) {
    let login: Awaited<ReturnType<Services['identity']['login']>>;
    try {
      login = await services.identity.login(`demo:${nickname}`);
    } catch {
      return livesAdded ? [`${livesAdded} livestreams`] : []; // not demo mode: no demo buyers
    }
    const member = login.member;
    const addresses = await services.addresses.list(member.id);
    const address =
      addresses[0] ??
      (await services.addresses.create(member.id, {
        name: nickname,
        phone: '13800138000',
        province: '浙江省',
        city: '杭州市',
        district: '西湖区',
        detail: '龙井路 1 号',
        isDefault: true,
      }));
    buyers.set(nickname, { id: member.id, tier: member.tier, addressId: address.id });
    await LiveReservation.updateOne(
      { live: SEEDED_LIVES.ended, member: new Types.ObjectId(member.id) },
      { $setOnInsert: { state: 'reserved', reservedAt: new Date(endedStart.getTime() - 86_400_000), rewardPoints: 0 } },
      { upsert: true },
    );
    const day = shopDay(endedStart);
    await LiveClick.updateOne(
      { _id: `${SEEDED_LIVES.ended.toString()}:m:${member.id}:${day}` },
      { $setOnInsert: { live: SEEDED_LIVES.ended, viewer: `m:${member.id}`, day, productId: null, at: endedStart } },
      { upsert: true },
    );
  }
  for (const order of SEEDED_ENDED_LIVE_ORDERS) {
    const buyer = buyers.get(order.buyer)!;
    const product = await services.catalog.adminGetProduct(productId(order.product).toString());
    const sku = product.skus.find((candidate) => candidate.specs.some((spec) => spec.value === order.size));
    if (!sku) continue;
    const placed = await services.orders.create(
      { id: buyer.id, tier: buyer.tier },
      {
        items: [{ skuId: sku.id, qty: order.qty }],
        addressId: buyer.addressId,
        from: `live:${SEEDED_LIVES.ended.toString()}`,
      },
      `seed-live-${order.key}`,
    );
    if (placed.status !== 'pending_payment') continue;
    const paid = await services.orders.markPaid(placed.orderNo, {
      transactionId: `SEED${createHash('sha256').update(order.key).digest('hex').slice(0, 20)}`,
      amount: placed.amounts.payable,
    });
    if (paid.outcome === 'paid') ordersPaid++;
  }
  const seeded: string[] = [];
  if (livesAdded) seeded.push(`${livesAdded} livestreams`);
  if (ordersPaid) seeded.push(`${ordersPaid} live-attributed orders`);
  return seeded;
}
