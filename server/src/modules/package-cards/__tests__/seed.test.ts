import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { trustedOperators } from '../../../db/connection';
import { seedCatalog } from '../../../seed/catalog';
import { SEED_PACKAGE_CARD_BATCH, seedPackageCards } from '../../../seed/package-cards';
import { Order } from '../../orders/order.model';
import { PackageCardBatch, PackageCardCode } from '../package-cards.model';

let mall: TestMall;
beforeAll(async () => {
  mall = await startTestMall();
  await seedCatalog();
});

describe('demo seed', () => {
  it('prints a Tmall batch of 200, 24 redeemed (12% 引流率) with 9 paid first orders; seeding again changes nothing', async () => {
    await seedPackageCards(mall.services);
    await seedPackageCards(mall.services);
    const batches = await PackageCardBatch.find({ name: SEED_PACKAGE_CARD_BATCH }).lean();
    expect(batches).toHaveLength(1);
    const batch = batches[0]!;
    expect(batch).toMatchObject({ channel: 'tmall', quantity: 200, generated: 200, redeemedCount: 24 });
    expect(await PackageCardCode.countDocuments({ batch: batch._id })).toBe(200);
    const redeemers = (
      await PackageCardCode.find({ batch: batch._id, redeemedBy: trustedOperators({ $ne: null }) }).lean()
    ).map((code) => code.redeemedBy);
    expect(redeemers).toHaveLength(24);
    const paid = await Order.countDocuments({ member: trustedOperators({ $in: redeemers }), status: 'paid' });
    expect(paid).toBe(9);
    const summary = await mall.services.channels.firstTouchSummary();
    expect(summary.find((row) => row.type === 'package_card' && row.id === batch._id.toString())?.members).toBe(24);
  }, 120_000);
});
