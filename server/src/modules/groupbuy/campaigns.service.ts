/**
 * Campaigns: what an operator sets up (a product's SKUs at a group price, group size and time limit,
 * window, allotted stock, per-member limit, 拉新团) and what the storefront lists. Pausing stops new
 * groups; ending also fails every group still running (their members are refunded by the settle job).
 */
import type { GroupBuyCard, GroupBuyDetail, GroupState, TierCode } from '@siyu/shared';
import { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import { AppError, badRequest } from '../../http/errors';
import { type CampaignDoc, Group, GroupBuyCampaign, type GroupDoc } from './groupbuy.model';
import type { AdminCampaign, AdminCampaignCreate } from './groupbuy.schemas';

export interface CampaignCatalog {
  adminGetProduct(productId: string): Promise<{
    title: string;
    images: string[];
    skus: { id: string; specsText: string; price: number; active: boolean }[];
  }>;
  /** Throws (404) when the viewer may not see the product; `locked` when it is a teaser above their tier. */
  getProduct(viewer: { id: string; tier: TierCode } | undefined, productId: string): Promise<{ locked: boolean }>;
}

const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);

export const campaignNotFound = () => new AppError('not_found', 'campaign_not_found', '拼团活动不存在');

export function isRunning(campaign: Pick<CampaignDoc, 'status' | 'startsAt' | 'endsAt'>, now: Date): boolean {
  return (
    campaign.status === 'active' &&
    campaign.startsAt.getTime() <= now.getTime() &&
    campaign.endsAt.getTime() > now.getTime()
  );
}

export function cheapestSku(campaign: CampaignDoc) {
  return [...campaign.skus].sort((a, b) => a.groupPrice - b.groupPrice)[0]!;
}

export function toCard(campaign: CampaignDoc): GroupBuyCard {
  const cheapest = cheapestSku(campaign);
  return {
    id: campaign._id.toString(),
    productId: campaign.productId,
    title: campaign.title,
    image: campaign.image,
    groupSize: campaign.groupSize,
    groupMinutes: campaign.groupMinutes,
    groupPrice: cheapest.groupPrice,
    listPrice: cheapest.listPrice,
    startsAt: iso(campaign.startsAt)!,
    endsAt: iso(campaign.endsAt)!,
    stockLeft: campaign.stockLeft,
    newMembersOnly: campaign.newMembersOnly,
  };
}

function toAdmin(campaign: CampaignDoc): AdminCampaign {
  return {
    id: campaign._id.toString(),
    productId: campaign.productId,
    title: campaign.title,
    image: campaign.image,
    skus: campaign.skus.map(({ skuId, specsText, listPrice, groupPrice }) => ({
      skuId,
      specsText,
      listPrice,
      groupPrice,
    })),
    groupSize: campaign.groupSize,
    groupMinutes: campaign.groupMinutes,
    startsAt: iso(campaign.startsAt)!,
    endsAt: iso(campaign.endsAt)!,
    stock: campaign.stock,
    stockLeft: campaign.stockLeft,
    limitPerMember: campaign.limitPerMember,
    newMembersOnly: campaign.newMembersOnly,
    status: campaign.status,
    endedAt: iso(campaign.endedAt),
    createdAt: iso(campaign.createdAt)!,
  };
}

export async function loadCampaign(campaignId: string): Promise<CampaignDoc> {
  const campaign = Types.ObjectId.isValid(campaignId)
    ? await GroupBuyCampaign.findById(campaignId).lean<CampaignDoc>()
    : null;
  if (!campaign) throw campaignNotFound();
  return campaign;
}

export function createCampaignsService(deps: {
  catalog: CampaignCatalog;
  /** Fails the running groups of an ended campaign (the outcomes side owns group transitions). */
  failRunningGroups(campaignId: string, now: Date): Promise<number>;
  joinableGroups(campaign: CampaignDoc, now: Date): Promise<GroupDoc[]>;
  groupFace(group: GroupDoc): { nickname: string; avatar: string };
}) {
  async function visibleTo(viewer: { id: string; tier: TierCode } | undefined, campaign: CampaignDoc) {
    try {
      return !(await deps.catalog.getProduct(viewer, campaign.productId)).locked;
    } catch (error) {
      if (error instanceof AppError && (error.type === 'not_found' || error.type === 'forbidden')) return false;
      throw error;
    }
  }

  async function setStatus(campaignId: string, from: CampaignDoc['status'][], to: CampaignDoc['status'], now: Date) {
    const updated = await GroupBuyCampaign.findOneAndUpdate(
      { _id: (await loadCampaign(campaignId))._id, status: trustedOperators({ $in: from }) },
      { $set: { status: to, ...(to === 'ended' ? { endedAt: now } : {}) } },
      { new: true },
    ).lean<CampaignDoc>();
    if (!updated) {
      const current = await loadCampaign(campaignId);
      if (current.status === to) return current;
      throw new AppError('conflict', 'campaign_illegal_transition', `活动${STATUS_TEXT[current.status]}，无法操作`);
    }
    return updated;
  }

  return {
    async createCampaign(adminId: string, input: AdminCampaignCreate): Promise<AdminCampaign> {
      const product = await deps.catalog.adminGetProduct(input.productId);
      const skus = input.skus.map((requested) => {
        const sku = product.skus.find((candidate) => candidate.id === requested.skuId);
        if (!sku?.active) throw badRequest('campaign_sku_invalid', '规格不属于该商品或已停用', requested);
        if (requested.groupPrice >= sku.price)
          throw badRequest('campaign_price_invalid', '团购价须低于原价', { skuId: sku.id, price: sku.price });
        return { skuId: sku.id, groupPrice: requested.groupPrice, listPrice: sku.price, specsText: sku.specsText };
      });
      const created = await GroupBuyCampaign.create({
        productId: input.productId,
        title: product.title,
        image: product.images[0] ?? '',
        skus,
        groupSize: input.groupSize,
        groupMinutes: input.groupMinutes,
        startsAt: new Date(input.startsAt),
        endsAt: new Date(input.endsAt),
        stock: input.stock,
        stockLeft: input.stock,
        limitPerMember: input.limitPerMember ?? 0,
        newMembersOnly: input.newMembersOnly ?? false,
        createdBy: adminId,
      });
      return toAdmin(created.toObject() as CampaignDoc);
    },

    async listCampaigns(query: { status?: CampaignDoc['status'] | undefined; page: number; pageSize: number }) {
      const filter = query.status ? { status: query.status } : {};
      const [items, total] = await Promise.all([
        GroupBuyCampaign.find(filter, { stockHolders: 0 })
          .sort({ createdAt: -1 })
          .skip((query.page - 1) * query.pageSize)
          .limit(query.pageSize)
          .lean<CampaignDoc[]>(),
        GroupBuyCampaign.countDocuments(filter),
      ]);
      return { items: items.map(toAdmin), total, page: query.page, pageSize: query.pageSize };
    },

    async getCampaign(campaignId: string): Promise<AdminCampaign> {
      const campaign = await loadCampaign(campaignId);
      const groups = await Group.find({ campaignId }, { state: 1 }).lean<Pick<GroupDoc, 'state'>[]>();
      const counts: Partial<Record<GroupState, number>> = {};
      for (const group of groups) counts[group.state] = (counts[group.state] ?? 0) + 1;
      return { ...toAdmin(campaign), groups: counts };
    },

    async pauseCampaign(campaignId: string, now = new Date()) {
      return toAdmin(await setStatus(campaignId, ['active'], 'paused', now));
    },

    async resumeCampaign(campaignId: string, now = new Date()) {
      return toAdmin(await setStatus(campaignId, ['paused'], 'active', now));
    },

    /** Ends the campaign and fails its running groups; a repeat finishes what a crash cut short. */
    async endCampaign(campaignId: string, now = new Date()) {
      const ended = await setStatus(campaignId, ['active', 'paused', 'ended'], 'ended', now);
      await deps.failRunningGroups(campaignId, now);
      return toAdmin(ended);
    },

    // ---------- store ----------

    async listRunning(
      viewer: { id: string; tier: TierCode } | undefined,
      productId?: string,
      now = new Date(),
    ): Promise<GroupBuyCard[]> {
      const campaigns = await GroupBuyCampaign.find(
        {
          ...(productId ? { productId } : {}),
          status: 'active',
          startsAt: trustedOperators({ $lte: now }),
          endsAt: trustedOperators({ $gt: now }),
        },
        { stockHolders: 0 },
      )
        .sort({ endsAt: 1 })
        .limit(50)
        .lean<CampaignDoc[]>();
      const visible = await Promise.all(campaigns.map((campaign) => visibleTo(viewer, campaign)));
      return campaigns.filter((_, index) => visible[index]).map(toCard);
    },

    async campaignDetail(
      viewer: { id: string; tier: TierCode } | undefined,
      campaignId: string,
      now = new Date(),
    ): Promise<GroupBuyDetail> {
      const campaign = await loadCampaign(campaignId);
      if (!(await visibleTo(viewer, campaign))) throw campaignNotFound();
      const groups = await deps.joinableGroups(campaign, now);
      return {
        ...toCard(campaign),
        status: campaign.status,
        running: isRunning(campaign, now),
        limitPerMember: campaign.limitPerMember,
        skus: campaign.skus.map(({ skuId, specsText, listPrice, groupPrice }) => ({
          skuId,
          specsText,
          listPrice,
          groupPrice,
        })),
        groups: groups.map((group) => ({
          id: group._id.toString(),
          leader: deps.groupFace(group),
          seatsLeft: group.groupSize - group.seatCount,
          deadline: iso(group.deadline)!,
        })),
      };
    },
  };
}

const STATUS_TEXT: Record<CampaignDoc['status'], string> = { active: '进行中', paused: '已暂停', ended: '已结束' };
