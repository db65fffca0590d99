/** Templates: operators create and edit them; the claim center and the product page list the claimable ones. */
import {
  type CouponChannel,
  inCouponScope,
  type StoreCouponCenter,
  type StoreCouponTemplate,
  type TierCode,
  tierAtLeast,
} from '@siyu/shared';
import { trustedOperators } from '../../db/connection';
import { AppError } from '../../http/errors';
import { Product, Sku } from '../catalog/catalog.model';
import { CouponTemplate, type CouponTemplateDoc, NewMemberSku } from './coupon.model';
import { ruleView, scopeOf, templateValidityText, toAdminCoupon } from './coupon-views';
import type { AdminCoupon, AdminCouponCreate, AdminCouponPatch } from './coupons.schemas';
import type { Wallet } from './wallet.service';

const DEFAULT_CHANNELS: CouponChannel[] = ['push', 'redeem', 'package_card'];

function channelsFrom(
  claimable: boolean | undefined,
  channels: CouponChannel[] | undefined,
  current?: CouponChannel[],
) {
  const base = new Set(channels ?? current?.filter((channel) => channel !== 'claim') ?? DEFAULT_CHANNELS);
  base.delete('claim');
  const claim = claimable ?? current?.includes('claim') ?? false;
  if (claim) base.add('claim');
  return [...base];
}

export function createTemplates(wallet: Wallet, clock: () => Date) {
  return {
    async create(input: AdminCouponCreate, seedKey?: string): Promise<AdminCoupon> {
      const created = await CouponTemplate.create({
        name: input.name,
        description: input.description ?? '',
        kind: input.kind,
        amountOff: input.kind === 'percent' ? 0 : (input.amountOff ?? 0),
        threshold: input.kind === 'amount' ? 0 : (input.threshold ?? 0),
        percentOff: input.kind === 'percent' ? (input.percentOff ?? 0) : 0,
        maxOff: input.kind === 'percent' ? (input.maxOff ?? 0) : 0,
        scope: input.scope ?? { type: 'all' },
        minTier: input.minTier ?? null,
        newMembersOnly: input.newMembersOnly ?? false,
        stackWithMemberPrice: input.stackWithMemberPrice ?? true,
        startsAt: input.startsAt ? new Date(input.startsAt) : null,
        endsAt: input.endsAt ? new Date(input.endsAt) : null,
        validDays: input.validDays ?? null,
        quantity: input.quantity,
        remaining: input.quantity,
        issued: 0,
        perMemberLimit: input.perMemberLimit,
        channels: channelsFrom(input.claimable, input.channels),
        sort: input.sort ?? 0,
        seedKey: seedKey ?? null,
      });
      return toAdminCoupon(created.toObject() as CouponTemplateDoc);
    },

    async get(id: string): Promise<AdminCoupon> {
      return toAdminCoupon(await wallet.loadTemplate(id));
    },

    async list(query: { status?: 'active' | 'ended' | undefined; page: number; pageSize: number }) {
      const filter = query.status ? { status: query.status } : {};
      const [docs, total] = await Promise.all([
        CouponTemplate.find(filter)
          .sort({ createdAt: -1, _id: -1 })
          .skip((query.page - 1) * query.pageSize)
          .limit(query.pageSize)
          .lean<CouponTemplateDoc[]>(),
        CouponTemplate.countDocuments(filter),
      ]);
      return { items: docs.map(toAdminCoupon), total, page: query.page, pageSize: query.pageSize };
    },

    /** Edits what can change without touching issued coupons; quantity moves `remaining` by the same guarded step. */
    async update(id: string, patch: AdminCouponPatch): Promise<AdminCoupon> {
      const template = await wallet.loadTemplate(id);
      const set: Record<string, unknown> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.sort !== undefined) set.sort = patch.sort;
      if (patch.claimable !== undefined || patch.channels !== undefined) {
        set.channels = channelsFrom(patch.claimable, patch.channels, template.channels);
      }
      if (Object.keys(set).length) await CouponTemplate.updateOne({ _id: template._id }, { $set: set });
      if (patch.quantity !== undefined && patch.quantity !== template.quantity) {
        const delta = patch.quantity - template.quantity;
        // Lowering the quantity takes from what is left, never from coupons already issued.
        const changed = await CouponTemplate.updateOne(
          {
            _id: template._id,
            quantity: template.quantity,
            remaining: trustedOperators({ $gte: Math.max(0, -delta) }),
          },
          { $inc: { quantity: delta, remaining: delta } },
        );
        if (changed.modifiedCount !== 1) {
          throw new AppError('conflict', 'coupon_quantity_below_issued', '发放总量不能低于已发放数量，请刷新后重试');
        }
      }
      return toAdminCoupon(await wallet.loadTemplate(id));
    },

    /**
     * 领券中心 (and the 领券 row of a product page with `productId`): active claimable templates, what is
     * left of each and whether this member may claim one now.
     */
    async center(
      viewer: { id: string; tier: TierCode } | undefined,
      productId: string | undefined,
    ): Promise<StoreCouponCenter> {
      const now = clock();
      let templates = await CouponTemplate.find({ status: 'active', channels: 'claim' })
        .sort({ sort: -1, _id: 1 })
        .limit(100)
        .lean<CouponTemplateDoc[]>();
      templates = templates.filter((template) => template.validDays || (template.endsAt && template.endsAt > now));
      let newMemberSkuIds: string[] = [];
      if (productId) {
        const product = await Product.findById(productId, { categoryId: 1 }).lean();
        const line = { productId, categoryId: product?.categoryId?.toString() };
        templates = templates.filter((template) => inCouponScope(scopeOf(template), line));
        newMemberSkuIds = (await NewMemberSku.find({ productId }, { _id: 1 }).lean()).map((sku) => sku._id);
      }
      const held = viewer
        ? await wallet.heldCounts(
            viewer.id,
            templates.map((template) => template._id),
          )
        : new Map<string, number>();
      const paidBefore = viewer ? await wallet.hasPaidBefore(viewer.id) : false;
      const items: StoreCouponTemplate[] = templates.map((template) => {
        const claimed = held.get(template._id.toString()) ?? 0;
        const blocked: StoreCouponTemplate['claimBlockedBy'] = !viewer
          ? 'login'
          : claimed >= template.perMemberLimit
            ? 'limit_reached'
            : template.remaining <= 0
              ? 'sold_out'
              : template.minTier && !tierAtLeast(viewer.tier, template.minTier)
                ? 'tier_too_low'
                : template.newMembersOnly && paidBefore
                  ? 'new_members_only'
                  : null;
        return {
          id: template._id.toString(),
          name: template.name,
          description: template.description ?? '',
          ...ruleView(template),
          validityText: templateValidityText(template),
          remaining: template.remaining,
          claimed,
          perMemberLimit: template.perMemberLimit,
          claimBlockedBy: blocked,
        };
      });
      return { items, newMemberSkuIds };
    },

    /** Flags (or unflags) a SKU as new members only. */
    async setNewMemberSku(skuId: string, newMembersOnly: boolean) {
      if (newMembersOnly) {
        const sku = await Sku.findById(skuId, { product: 1 }).lean();
        if (!sku) throw new AppError('not_found', 'sku_not_found', '规格不存在');
        await NewMemberSku.updateOne({ _id: skuId }, { $set: { productId: sku.product.toString() } }, { upsert: true });
      } else {
        await NewMemberSku.deleteOne({ _id: skuId });
      }
      return { skuId, newMembersOnly };
    },
  };
}

export type Templates = ReturnType<typeof createTemplates>;
