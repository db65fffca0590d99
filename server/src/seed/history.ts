/**
 * Ninety days of believable history for the operator dashboard: members who registered over the last
 * three months, their orders placed, paid, shipped and completed through the real order flow at the
 * time they happened (every service takes `now`), a few refunds, then the analytics rebuild.
 *
 * Deterministic (a fixed pseudo-random sequence) and idempotent: members log in by stable demo codes,
 * orders carry stable idempotency keys, and the whole step is skipped once its last member exists.
 * Demo mode only (it needs `demo:` logins). Refunds here are booked as settled without WeChat Pay:
 * these are demo orders that were never paid with money.
 */
import { createHash } from 'node:crypto';
import type { TierCode } from '@siyu/shared';
import { Types } from 'mongoose';
import type { Services } from '../app';
import { trustedOperators } from '../db/connection';
import { Sku } from '../modules/catalog/catalog.model';
import { Member } from '../modules/identity/member.model';

const MEMBERS = 28;
const DAYS = 90;
const DAY_MS = 86_400_000;

/** A small LCG: the same history on every machine. */
function sequence(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const nickname = (index: number) => `老茶客${String(index + 1).padStart(2, '0')}`;

export async function seedHistory(services: Services, now = new Date()): Promise<string[]> {
  const lastCode = `demo:${nickname(MEMBERS - 1)}`;
  try {
    const last = await services.identity.login(lastCode);
    const existing = await Member.findById(last.member.id, { createdAt: 1 }).lean<{ createdAt: Date }>();
    if (existing && existing.createdAt.getTime() < now.getTime() - DAY_MS) return [];
  } catch {
    return []; // not demo mode
  }
  const random = sequence(20_261_201);
  const skus = (
    await Sku.find(
      {
        active: true,
        pointsPrice: null,
        price: trustedOperators({ $gte: 3000 }),
        stock: trustedOperators({ $gt: 20 }),
      },
      { _id: 1 },
    ).lean()
  ).map((sku) => ({ skuId: sku._id.toString() }));
  if (!skus.length) return [];

  let orders = 0;
  let refunds = 0;
  for (let index = 0; index < MEMBERS; index++) {
    const registeredAt = new Date(now.getTime() - Math.floor((DAYS - 1) * random() + 1) * DAY_MS - 3_600_000);
    const login = await services.identity.login(`demo:${nickname(index)}`);
    const memberId = login.member.id;
    // History starts when the member registered (identity's own document, backdated for the demo only).
    await Member.collection.updateOne({ _id: new Types.ObjectId(memberId) }, { $set: { createdAt: registeredAt } });
    const addresses = await services.addresses.list(memberId);
    const address =
      addresses[0] ??
      (await services.addresses.create(memberId, {
        name: nickname(index),
        phone: '13800138000',
        province: '浙江省',
        city: '杭州市',
        district: '西湖区',
        detail: `文三路 ${index + 1} 号`,
        isDefault: true,
      }));
    // 70% order within days of registering; of those, half come back for a second or third order.
    const orderCount = random() < 0.3 ? 0 : random() < 0.5 ? 1 : 2 + Math.floor(random() * 2);
    let at = new Date(registeredAt.getTime() + Math.floor(random() * 3 * DAY_MS));
    for (let n = 0; n < orderCount && at.getTime() < now.getTime() - 4 * DAY_MS; n++) {
      const sku = skus[Math.floor(random() * skus.length)]!;
      const key = `seed-history-${index}-${n}`;
      const viewer = { id: memberId, tier: 'regular' as TierCode };
      const placed = await services.orders
        .create(
          viewer,
          { items: [{ skuId: sku.skuId, qty: 1 + Math.floor(random() * 2) }], addressId: address.id },
          key,
          {},
          at,
        )
        .catch(() => null); // a members-only tier product, a purchase limit: this one is skipped
      if (placed?.status === 'pending_payment') {
        const paidAt = new Date(at.getTime() + 120_000);
        await services.orders.markPaid(
          placed.orderNo,
          {
            transactionId: `SEEDH${createHash('sha256').update(key).digest('hex').slice(0, 20)}`,
            amount: placed.amounts.payable,
          },
          paidAt,
        );
        if (random() < 0.1) {
          await services.orders.startRefund(placed.id, '不想要了（演示数据）', new Date(paidAt.getTime() + DAY_MS));
          await services.orders.finishRefund(
            placed.orderNo,
            { refundId: `SEEDR-${key}` },
            new Date(paidAt.getTime() + DAY_MS + 600_000),
          );
          refunds++;
        } else {
          await services.orders.ship(
            placed.id,
            { carrier: '顺丰速运', trackingNo: `SF${String(1e11 + index * 100 + n)}` },
            new Date(paidAt.getTime() + DAY_MS),
          );
          await services.orders.complete({ _id: placed.id }, 'auto', new Date(paidAt.getTime() + 4 * DAY_MS));
        }
        orders++;
      }
      at = new Date(at.getTime() + Math.floor((10 + random() * 25) * DAY_MS));
    }
  }
  await services.analytics.rebuild(now);
  return [`${MEMBERS} members with ${orders} orders over ${DAYS} days (${refunds} refunded)`];
}
