import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { seedCatalog } from '../../../seed/catalog';
import { SEEDED_CAMPAIGN_ID, seedGroupBuy } from '../../../seed/groupbuy';
import { GroupBuyCampaign } from '../groupbuy.model';
import { openGroup, pay, shopper } from './groupbuy-fixtures';

let mall: TestMall;
beforeAll(async () => {
  mall = await startTestMall();
  await seedCatalog();
});

describe('demo group-buy seed', () => {
  it('seeds one running campaign (黄山毛峰, group of 3, 24 h) once; a second run changes nothing', async () => {
    expect(await seedGroupBuy(mall.services)).toHaveLength(1);
    const first = await GroupBuyCampaign.findById(SEEDED_CAMPAIGN_ID).lean();
    expect(await seedGroupBuy(mall.services)).toEqual([]);
    expect(await GroupBuyCampaign.countDocuments()).toBe(1);
    expect((await GroupBuyCampaign.findById(SEEDED_CAMPAIGN_ID).lean())?.updatedAt).toEqual(first?.updatedAt);

    const running = await mall.api('GET', '/api/group-buys');
    expect(running.body).toHaveLength(1);
    expect(running.body[0]).toMatchObject({ title: '黄山毛峰', groupSize: 3, groupMinutes: 1440, groupPrice: 4900 });
  });

  it('a visitor can open a group on it and pay; the group opens with seats for two friends', async () => {
    const leader = await shopper(mall);
    const detail = await mall.api('GET', `/api/group-buys/${SEEDED_CAMPAIGN_ID}`);
    const opened = await openGroup(mall, leader, SEEDED_CAMPAIGN_ID.toString(), detail.body.skus[0].skuId);
    expect(opened.status).toBe(201);
    await pay(mall, leader, opened.body.order.id);
    const group = await mall.api('GET', `/api/groups/${opened.body.group.id}`);
    expect(group.body).toMatchObject({ status: 'open', seatsLeft: 2 });
  });
});
