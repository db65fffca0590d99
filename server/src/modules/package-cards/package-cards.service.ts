/**
 * Package cards (包裹卡): print batches of unguessable codes, redeem one for the batch's benefit.
 *
 * Redeeming is a sequence of single-document steps, each safe to repeat, so a retry of the same code by
 * the same member finishes whatever a crash left undone:
 *   1. the per-member-per-batch record `<batch>:<member>` is inserted (`claiming`): the unique _id is
 *      what makes "once per member per batch" hold under concurrency;
 *   2. the code moves `redeemedBy: null → member` by a conditional update: "once per code";
 *      (the loser of a race on the same code removes its own step-1 record and gets 409);
 *   3. the benefits, each keyed by the code: the coupon (`package_card:<code>`, the only step that can
 *      refuse: then steps 2 and 1 are undone and the member gets the coupon module's 409), points
 *      (ledger source `package_card:<code>`), the gift grant (`<member>:<sku>`), the acquisition touch,
 *      the marketplace buyer id;
 *   4. the record becomes `granted` (conditional), and only that transition counts the redemption.
 * A step-1 record still `claiming` after CLAIM_STALE_MS whose code is not held by its member is a crash
 * leftover: the member's next code may take it over (conditional on the old code).
 */
import {
  formatPackageCardCode,
  MARKETPLACES,
  type Marketplace,
  normalizePackageCardCode,
  PACKAGE_CARD_CHANNEL_NAMES,
  PACKAGE_CARD_PAGE,
  packageCardCodeProblem,
  type StoreGiftAccess,
  type StorePackageCardRedemption,
} from '@siyu/shared';
import { Types } from 'mongoose';
import type { WechatClient } from '../../adapters/wechat';
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import { recordAudit } from '../audit/audit.service';
import { Product, Sku } from '../catalog/catalog.model';
import type { ChannelsService } from '../channels/channels.service';
import type { IdentityService } from '../identity/identity.service';
import type { PointsService } from '../points/points.service';
import { generateCodes, pathOf, sceneOf } from './codes';
import {
  GiftGrant,
  type GiftGrantDoc,
  PackageCardBatch,
  type PackageCardBatchDoc,
  PackageCardCode,
  type PackageCardCodeDoc,
  PackageCardRedemption,
  type PackageCardRedemptionDoc,
} from './package-cards.model';
import type { AdminPackageCardBatch, AdminPackageCardBatchCreate } from './package-cards.schemas';
import { placeholderMiniProgramCode } from './placeholder-code';

export const CLAIM_STALE_MS = 60_000;
const INSERT_CHUNK = 5000;

/** What package cards need from the coupons module (common contract: `coupons.issue`). */
export interface CouponIssuer {
  issue(
    memberId: string,
    templateId: string,
    grant: { channel: 'package_card'; key: string },
  ): Promise<{ id: string; name?: string }>;
}

export interface PackageCardsServiceOptions {
  points: PointsService;
  identity: IdentityService;
  channels: ChannelsService;
  /** The coupons service, once wired (read on each use: it is created alongside). */
  coupons: () => CouponIssuer | undefined;
  /** The WeChat client in production; without it (demo mode) QR images are local placeholders. */
  wechat?: WechatClient;
  clock?: () => Date;
}

const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);

export function toAdminBatch(batch: PackageCardBatchDoc): AdminPackageCardBatch {
  return {
    id: batch._id.toString(),
    name: batch.name,
    channel: batch.channel,
    quantity: batch.quantity,
    generated: batch.generated,
    status: batch.status,
    benefit: {
      couponTemplateId: batch.benefit?.couponTemplateId ?? null,
      points: batch.benefit?.points ?? 0,
      giftSkuId: batch.benefit?.giftSkuId ?? null,
      giftTitle: batch.benefit?.giftTitle ?? null,
      wecomText: batch.benefit?.wecomText ?? null,
    },
    validFrom: iso(batch.validFrom),
    validUntil: iso(batch.validUntil),
    linkBuyerId: batch.linkBuyerId ?? false,
    redeemedCount: batch.redeemedCount ?? 0,
    redemptionRate: batch.quantity ? Math.round(((batch.redeemedCount ?? 0) / batch.quantity) * 10_000) / 10_000 : 0,
    page: PACKAGE_CARD_PAGE,
    createdAt: new Date(batch.createdAt).toISOString(),
  };
}

/**
 * A typed or scanned code, checked without looking anything up: a code with a wrong check character
 * is a typo (or a guess) and never reaches the database or the guess counters.
 */
export function parseCode(input: string): string {
  const code = normalizePackageCardCode(input);
  const problem = packageCardCodeProblem(code);
  if (problem) {
    throw new AppError(
      'bad_request',
      'package_card_code_invalid',
      problem === 'check' ? '兑换码有误，请核对卡片上的字符' : '兑换码格式不正确（12 位字母数字，不含 0、O、1、I）',
      { problem },
    );
  }
  return code;
}

export function createPackageCardsService(options: PackageCardsServiceOptions) {
  const clock = options.clock ?? (() => new Date());

  async function batchOf(batchId: string | Types.ObjectId): Promise<PackageCardBatchDoc> {
    const batch = Types.ObjectId.isValid(batchId)
      ? await PackageCardBatch.findById(batchId).lean<PackageCardBatchDoc>()
      : null;
    if (!batch) throw new AppError('not_found', 'package_card_batch_not_found', '包裹卡批次不存在');
    return batch;
  }

  /** Writes codes `from..quantity-1` of a batch; repeatable (seqs already written are skipped). */
  async function generate(batch: PackageCardBatchDoc): Promise<PackageCardBatchDoc> {
    let from = batch.generated;
    while (from < batch.quantity) {
      const to = Math.min(batch.quantity, from + INSERT_CHUNK);
      let missing = Array.from({ length: to - from }, (_, i) => from + i);
      for (let round = 0; missing.length > 0; round++) {
        if (round > 5) throw new Error('package-card code generation keeps colliding');
        const codes = generateCodes(missing.length);
        const docs = missing.map((seq, i) => ({
          _id: codes[i]!,
          batch: batch._id,
          seq,
          redeemedBy: null,
          redeemedAt: null,
        }));
        let failed = false;
        try {
          await PackageCardCode.insertMany(docs, { ordered: false, lean: true });
        } catch (error) {
          // Duplicate keys: a seq written before a crash (fine) or, rarely, a code another batch holds.
          if (!isDuplicateKey(error) && !(error as { writeErrors?: unknown[] }).writeErrors) throw error;
          failed = true;
        }
        if (!failed) break;
        const written = await PackageCardCode.find(
          { batch: batch._id, seq: trustedOperators({ $gte: from, $lt: to }) },
          { seq: 1 },
        ).lean<Pick<PackageCardCodeDoc, 'seq'>[]>();
        const have = new Set(written.map((doc) => doc.seq));
        missing = missing.filter((seq) => !have.has(seq));
      }
      await PackageCardBatch.updateOne(
        { _id: batch._id, generated: trustedOperators({ $lt: to }) },
        { $set: { generated: to } },
      );
      from = to;
    }
    const done = await PackageCardBatch.findOneAndUpdate(
      { _id: batch._id, status: 'generating' },
      { $set: { status: 'active' } },
      { new: true },
    ).lean<PackageCardBatchDoc>();
    return done ?? (await batchOf(batch._id));
  }

  function assertRedeemable(batch: PackageCardBatchDoc, now: Date) {
    if (batch.status !== 'active') {
      throw new AppError('conflict', 'package_card_batch_inactive', '该批次包裹卡已停用');
    }
    if (batch.validFrom && now < batch.validFrom) {
      throw new AppError('conflict', 'package_card_not_started', '该包裹卡尚未到兑换时间');
    }
    if (batch.validUntil && now > batch.validUntil) {
      throw new AppError('conflict', 'package_card_expired', '该包裹卡已过兑换期');
    }
  }

  /** Step 1: the member's record for this batch, or 409 when another code of the batch is theirs. */
  async function claimForMember(batch: PackageCardBatchDoc, memberId: Types.ObjectId, code: string, now: Date) {
    const id = `${batch._id.toString()}:${memberId.toString()}`;
    try {
      await PackageCardRedemption.create({ _id: id, batch: batch._id, member: memberId, code, createdAt: now });
      return;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const existing = await PackageCardRedemption.findById(id).lean<PackageCardRedemptionDoc>();
    if (!existing) return claimForMember(batch, memberId, code, now);
    if (existing.code === code) return; // a retry of this very redemption
    if (existing.state === 'claiming' && now.getTime() - new Date(existing.createdAt).getTime() > CLAIM_STALE_MS) {
      const held = await PackageCardCode.exists({ _id: existing.code, redeemedBy: memberId });
      if (!held) {
        const taken = await PackageCardRedemption.updateOne(
          { _id: id, code: existing.code, state: 'claiming' },
          { $set: { code, createdAt: now } },
        );
        if (taken.modifiedCount === 1) return;
      }
    }
    throw new AppError('conflict', 'package_card_batch_redeemed', '你已兑换过这一批的包裹卡，每人限兑一次', {
      batchId: batch._id.toString(),
    });
  }

  async function releaseMemberClaim(batch: PackageCardBatchDoc, memberId: Types.ObjectId, code: string) {
    await PackageCardRedemption.deleteOne({
      _id: `${batch._id.toString()}:${memberId.toString()}`,
      code,
      state: 'claiming',
    });
  }

  /** Step 2: the code itself, once. */
  async function claimCode(code: string, memberId: Types.ObjectId, now: Date): Promise<boolean> {
    const claimed = await PackageCardCode.updateOne(
      { _id: code, redeemedBy: null },
      { $set: { redeemedBy: memberId, redeemedAt: now } },
    );
    if (claimed.modifiedCount === 1) return true;
    return Boolean(await PackageCardCode.exists({ _id: code, redeemedBy: memberId }));
  }

  function marketplaceOf(batch: PackageCardBatchDoc): Marketplace | null {
    return (MARKETPLACES as readonly string[]).includes(batch.channel) ? (batch.channel as Marketplace) : null;
  }

  function nextStepOf(batch: PackageCardBatchDoc, coupon: boolean): StorePackageCardRedemption['nextStep'] {
    if (batch.benefit.giftProductId) {
      return {
        kind: 'buy_gift',
        label: `去领 ${batch.benefit.giftTitle ?? '回购礼'}`,
        path: `/packages/shop/product/index?id=${batch.benefit.giftProductId}`,
      };
    }
    if (coupon) return { kind: 'use_coupon', label: '去使用优惠券', path: '/pages/category/index' };
    if (batch.benefit.wecomText) return { kind: 'add_wecom', label: '添加专属顾问', path: '' };
    return { kind: 'shop', label: '去逛逛', path: '/pages/home/index' };
  }

  function viewOf(batch: PackageCardBatchDoc, redemption: PackageCardRedemptionDoc): StorePackageCardRedemption {
    const coupon = batch.benefit.couponTemplateId
      ? {
          templateId: batch.benefit.couponTemplateId,
          memberCouponId: redemption.memberCouponId ?? null,
          title: redemption.couponTitle ?? '优惠券',
        }
      : null;
    return {
      code: formatPackageCardCode(redemption.code),
      batch: { id: batch._id.toString(), name: batch.name, channel: batch.channel },
      coupon,
      points: redemption.points ?? 0,
      gift:
        batch.benefit.giftSkuId && batch.benefit.giftProductId
          ? {
              skuId: batch.benefit.giftSkuId,
              productId: batch.benefit.giftProductId,
              title: batch.benefit.giftTitle ?? '回购礼',
            }
          : null,
      wecomText: batch.benefit.wecomText ?? null,
      nextStep: nextStepOf(batch, Boolean(coupon)),
      redeemedAt: new Date(redemption.grantedAt ?? redemption.createdAt).toISOString(),
    };
  }

  const service = {
    parseCode,

    // ---------- admin ----------

    /** Creates a batch and generates its codes (10,000 in a few seconds); answers the ready batch. */
    async createBatch(adminId: string, input: AdminPackageCardBatchCreate): Promise<AdminPackageCardBatch> {
      let gift: { skuId: string; productId: string; title: string } | null = null;
      if (input.benefit.giftSkuId) {
        const sku = await Sku.findById(input.benefit.giftSkuId, { product: 1, active: 1 }).lean<{
          _id: Types.ObjectId;
          product: Types.ObjectId;
          active: boolean;
        }>();
        const product = sku
          ? await Product.findById(sku.product, { title: 1, name: 1 }).lean<Record<string, unknown>>()
          : null;
        if (!sku || !product) throw new AppError('bad_request', 'gift_sku_not_found', '赠品 SKU 不存在');
        gift = {
          skuId: sku._id.toString(),
          productId: sku.product.toString(),
          title: String(product.title ?? product.name ?? '回购礼'),
        };
      }
      const created = await PackageCardBatch.create({
        name: input.name,
        channel: input.channel,
        quantity: input.quantity,
        benefit: {
          couponTemplateId: input.benefit.couponTemplateId ?? null,
          points: input.benefit.points ?? 0,
          giftSkuId: gift?.skuId ?? null,
          giftProductId: gift?.productId ?? null,
          giftTitle: gift?.title ?? null,
          wecomText: input.benefit.wecomText ?? null,
        },
        validFrom: input.validFrom ? new Date(input.validFrom) : null,
        validUntil: input.validUntil ? new Date(input.validUntil) : null,
        linkBuyerId: input.linkBuyerId ?? false,
        createdBy: Types.ObjectId.isValid(adminId) ? adminId : null,
      });
      const batch = await generate(created.toObject() as PackageCardBatchDoc);
      // The demo seed creates its batch without an admin.
      if (Types.ObjectId.isValid(adminId)) {
        await recordAudit({
          admin: adminId,
          action: 'package_card.batch_create',
          target: { type: 'package_card_batch', id: batch._id.toString() },
          changes: { name: input.name, channel: input.channel, quantity: input.quantity },
        });
      }
      return toAdminBatch(batch);
    },

    /** Finishes generating a batch whose creation was cut short (repeatable). */
    async resumeGeneration(batchId: string): Promise<AdminPackageCardBatch> {
      const batch = await batchOf(batchId);
      return toAdminBatch(batch.status === 'generating' ? await generate(batch) : batch);
    },

    async listBatches(): Promise<AdminPackageCardBatch[]> {
      const batches = await PackageCardBatch.find({}).sort({ createdAt: -1 }).limit(200).lean<PackageCardBatchDoc[]>();
      return batches.map(toAdminBatch);
    },

    async getBatch(batchId: string): Promise<AdminPackageCardBatch> {
      return toAdminBatch(await batchOf(batchId));
    },

    async updateBatch(
      adminId: string,
      batchId: string,
      patch: { status?: 'active' | 'disabled'; validUntil?: string },
    ) {
      const batch = await batchOf(batchId);
      if (patch.status && batch.status === 'generating') {
        throw new AppError('conflict', 'package_card_batch_generating', '批次仍在生成兑换码');
      }
      const set: Record<string, unknown> = {};
      if (patch.status) set.status = patch.status;
      if (patch.validUntil) set.validUntil = new Date(patch.validUntil);
      const updated = await PackageCardBatch.findOneAndUpdate(
        { _id: batch._id },
        { $set: set },
        { new: true },
      ).lean<PackageCardBatchDoc>();
      await recordAudit({
        admin: adminId,
        action: 'package_card.batch_update',
        target: { type: 'package_card_batch', id: batchId },
        changes: patch,
      });
      return toAdminBatch(updated!);
    },

    /**
     * The printer's file: one row per code with the mini-program page and its `wxacode.getUnlimited`
     * scene, and the path with the code as a query. Yields CSV lines (header first) in seq order.
     */
    async *codesCsv(batchId: string): AsyncGenerator<string> {
      const batch = await batchOf(batchId);
      yield 'seq,code,printed,page,scene,path\n';
      const step = 2000;
      for (let from = 0; from < batch.generated; from += step) {
        const docs = await PackageCardCode.find(
          { batch: batch._id, seq: trustedOperators({ $gte: from, $lt: from + step }) },
          { seq: 1 },
        ).lean<Pick<PackageCardCodeDoc, '_id' | 'seq'>[]>();
        docs.sort((a, b) => a.seq - b.seq);
        yield docs
          .map(
            (doc) =>
              `${doc.seq + 1},${doc._id},${formatPackageCardCode(doc._id)},${PACKAGE_CARD_PAGE},${sceneOf(doc._id)},${pathOf(doc._id)}\n`,
          )
          .join('');
      }
    },

    /** The mini-program code image of one code: WeChat's `getwxacodeunlimit`, or a local placeholder in demo mode. */
    async codeImage(batchId: string, code: string): Promise<{ contentType: string; bytes: Buffer }> {
      const normalized = parseCode(code);
      const batch = await batchOf(batchId);
      if (!(await PackageCardCode.exists({ _id: normalized, batch: batch._id }))) {
        throw new AppError('not_found', 'package_card_not_found', '该批次中没有这个兑换码');
      }
      if (!options.wechat) return { contentType: 'image/png', bytes: placeholderMiniProgramCode(sceneOf(normalized)) };
      return options.wechat.unlimitedMiniProgramCode({ scene: sceneOf(normalized), page: PACKAGE_CARD_PAGE });
    },

    // ---------- member ----------

    /** Redeems a code (already checked by `parseCode`) for a member; see the header for the steps. */
    async redeem(memberId: string, code: string, input: { buyerId?: string } = {}, now: Date = clock()) {
      const member = new Types.ObjectId(memberId);
      const codeDoc = await PackageCardCode.findById(code).lean<PackageCardCodeDoc>();
      if (!codeDoc) throw new AppError('not_found', 'package_card_not_found', '兑换码不存在，请核对卡片');
      if (codeDoc.redeemedBy && !codeDoc.redeemedBy.equals(member)) {
        throw new AppError('conflict', 'package_card_used', '该兑换码已被使用');
      }
      const batch = await batchOf(codeDoc.batch);
      assertRedeemable(batch, now);
      const marketplace = batch.linkBuyerId ? marketplaceOf(batch) : null;
      if (marketplace && !input.buyerId) {
        throw new AppError(
          'bad_request',
          'buyer_id_required',
          `请填写你的${PACKAGE_CARD_CHANNEL_NAMES[batch.channel]}账号，用于合并会员权益`,
          { platform: marketplace },
        );
      }

      await claimForMember(batch, member, code, now);
      if (!(await claimCode(code, member, now))) {
        await releaseMemberClaim(batch, member, code);
        throw new AppError('conflict', 'package_card_used', '该兑换码已被使用');
      }

      const set: Record<string, unknown> = {};
      const templateId = batch.benefit.couponTemplateId;
      if (templateId) {
        const coupons = options.coupons();
        if (!coupons) throw new AppError('unavailable', 'coupons_unavailable', '优惠券服务暂不可用，请稍后再试');
        try {
          const issued = await coupons.issue(memberId, templateId, {
            channel: 'package_card',
            key: `package_card:${code}`,
          });
          set.memberCouponId = issued.id;
          set.couponTitle = issued.name ?? '优惠券';
        } catch (error) {
          if (error instanceof AppError && error.type === 'conflict') {
            // The coupon ran out: this card is not spent, so the member (or another) can try again later.
            await PackageCardCode.updateOne(
              { _id: code, redeemedBy: member },
              { $set: { redeemedBy: null, redeemedAt: null } },
            );
            await releaseMemberClaim(batch, member, code);
          }
          throw error;
        }
      }
      if (batch.benefit.points > 0) {
        await options.points.apply(
          {
            memberId,
            delta: batch.benefit.points,
            kind: 'task',
            source: { type: 'package_card', id: code },
            note: `包裹卡兑换（${batch.name}）`,
          },
          now,
        );
        set.points = batch.benefit.points;
      }
      if (batch.benefit.giftSkuId && batch.benefit.giftProductId) {
        await GiftGrant.updateOne(
          { _id: `${memberId}:${batch.benefit.giftSkuId}` },
          {
            $setOnInsert: {
              member,
              skuId: batch.benefit.giftSkuId,
              productId: batch.benefit.giftProductId,
              title: batch.benefit.giftTitle ?? '回购礼',
              sourceCode: code,
              grantedAt: now,
              usedBy: null,
            },
          },
          { upsert: true },
        ).catch((error) => {
          if (!isDuplicateKey(error)) throw error;
        });
      }
      await options.channels.recordTouch(memberId, { type: 'package_card', id: batch._id.toString(), at: now });
      if (marketplace && input.buyerId) {
        try {
          await options.identity.linkMarketplace(memberId, marketplace, input.buyerId);
          set.buyerLink = 'linked';
        } catch (error) {
          if (!(error instanceof AppError && error.code === 'marketplace_id_taken')) throw error;
          set.buyerLink = 'taken';
        }
      }

      const redemptionId = `${batch._id.toString()}:${memberId}`;
      const granted = await PackageCardRedemption.findOneAndUpdate(
        { _id: redemptionId, code, state: 'claiming' },
        { $set: { ...set, state: 'granted', grantedAt: now } },
        { new: true },
      ).lean<PackageCardRedemptionDoc>();
      if (granted) await PackageCardBatch.updateOne({ _id: batch._id }, { $inc: { redeemedCount: 1 } });
      const redemption =
        granted ?? (await PackageCardRedemption.findById(redemptionId).lean<PackageCardRedemptionDoc>());
      return viewOf(batch, redemption!);
    },

    /** The member's redemptions, newest first. */
    async myRedemptions(memberId: string): Promise<StorePackageCardRedemption[]> {
      const records = await PackageCardRedemption.find({ member: memberId, state: 'granted' })
        .sort({ createdAt: -1 })
        .limit(50)
        .lean<PackageCardRedemptionDoc[]>();
      const batches = new Map(
        (
          await PackageCardBatch.find({ _id: trustedOperators({ $in: records.map((record) => record.batch) }) }).lean<
            PackageCardBatchDoc[]
          >()
        ).map((batch) => [batch._id.toString(), batch]),
      );
      return records.flatMap((record) => {
        const batch = batches.get(record.batch.toString());
        return batch ? [viewOf(batch, record)] : [];
      });
    },

    /** Gift SKUs the member may buy because of a card (and whether each was used). */
    async myGifts(memberId: string): Promise<StoreGiftAccess[]> {
      const grants = await GiftGrant.find({ member: memberId }).lean<GiftGrantDoc[]>();
      return grants.map((grant) => ({
        skuId: grant.skuId,
        productId: grant.productId,
        title: grant.title,
        status: grant.usedBy ? 'used' : 'available',
        grantedAt: new Date(grant.grantedAt).toISOString(),
      }));
    },

    /** Which of these SKUs only a gift grant opens (some batch's gift SKU); one indexed query. */
    async giftSkusAmong(skuIds: readonly string[]): Promise<Set<string>> {
      if (skuIds.length === 0) return new Set();
      const ids = await PackageCardBatch.distinct('benefit.giftSkuId', {
        'benefit.giftSkuId': trustedOperators({ $in: [...skuIds] }),
      });
      return new Set(ids.filter((id): id is string => typeof id === 'string' && id.length > 0));
    },

    /**
     * Takes the member's grant for a gift SKU for an order (conditional: `usedBy` null → order), or
     * answers 403 when the member has none. Repeatable for the same order.
     */
    async takeGift(memberId: string, skuId: string, orderId: string): Promise<void> {
      const id = `${memberId}:${skuId}`;
      const taken = await GiftGrant.updateOne({ _id: id, usedBy: null }, { $set: { usedBy: orderId } });
      if (taken.modifiedCount === 1) return;
      const grant = await GiftGrant.findById(id).lean<GiftGrantDoc>();
      if (grant?.usedBy === orderId) return;
      throw new AppError(
        'forbidden',
        grant ? 'gift_already_used' : 'gift_access_required',
        grant ? '这份回购礼你已经领过了' : '回购礼仅限兑换包裹卡的会员购买',
      );
    },

    /** Gives a grant back when its order fails or is cancelled; a no-op otherwise. */
    async giveBackGift(memberId: string, skuId: string, orderId: string): Promise<void> {
      await GiftGrant.updateOne({ _id: `${memberId}:${skuId}`, usedBy: orderId }, { $set: { usedBy: null } });
    },
  };
  return service;
}

export type PackageCardsService = ReturnType<typeof createPackageCardsService>;
