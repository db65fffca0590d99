/**
 * The member's wallet: issuing coupons (every channel goes through `issue`), listing them, moving them
 * with a merged member, expiring them, and the three moves an order makes (lock, give back, use).
 *
 * Issuing is two single-document steps and two unique keys, no transaction:
 *   1. the template's `remaining` is taken by a guarded `$inc` (`remaining > 0`): the quantity holds;
 *   2. the member coupon is inserted with a free `slot` (1..perMemberLimit, unique per template and
 *      member: the per-member limit holds) and its `grantKey` (unique per template and member: a grant
 *      repeated returns the first coupon).
 * When step 2 does not happen (a replay, the limit reached) step 1 is given back. A crash between the
 * two leaves `remaining` one lower than it should be: one coupon fewer to hand out, never one too many.
 *
 * An order moves a coupon `available → locked` (lockedBy = order), `locked → used` when it is paid, and
 * `locked → available` when it is cancelled, times out or fails. Each move is one conditional update
 * whose filter names the order, so one coupon can never be locked by two orders, and a give-back that
 * runs twice (cancel racing the timeout job) returns it once.
 */
import {
  COUPON_REFUSAL_TEXT,
  type CouponChannel,
  couponStateRefusal,
  type StoreMemberCoupon,
  type StoreWallet,
  type StoreWelcome,
  TIER_NAMES,
  type TierCode,
  tierAtLeast,
  type WalletTab,
} from '@siyu/shared';
import { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import { Member } from '../identity/member.model';
import {
  CouponMember,
  CouponTemplate,
  type CouponTemplateDoc,
  MemberCoupon,
  type MemberCouponDoc,
} from './coupon.model';
import { toPricingCoupon, toStoreMemberCoupon } from './coupon-views';

export interface IssueGrant {
  channel: CouponChannel;
  /** Names the grant: issuing again with the same (template, member, key) returns the first coupon. */
  key: string;
}

export function objectId(id: string | Types.ObjectId, code: string, message: string): Types.ObjectId {
  if (id instanceof Types.ObjectId) return id;
  if (!/^[0-9a-f]{24}$/i.test(id)) throw new AppError('not_found', code, message);
  return new Types.ObjectId(id);
}

const templateId = (id: string | Types.ObjectId) => objectId(id, 'coupon_template_not_found', '优惠券不存在');
const memberId = (id: string | Types.ObjectId) => objectId(id, 'member_not_found', '会员不存在');

export interface WalletOptions {
  clock: () => Date;
  /** A fully refunded order gives its coupon back (default false: the coupon stays used). */
  returnCouponOnRefund: boolean;
  /** Days after registration in which a first paid order counts as a first-order conversion (default 3). */
  firstOrderWindowDays?: number;
  /** The orders module's own answer (read on each use: orders are created after coupons). */
  paidOrders?: () => { hasPaidOrder(memberId: string, exceptOrderId?: string): Promise<boolean> } | undefined;
}

export function createWallet(options: WalletOptions) {
  const { clock } = options;

  async function loadTemplate(id: string | Types.ObjectId): Promise<CouponTemplateDoc> {
    const template = await CouponTemplate.findById(templateId(id)).lean<CouponTemplateDoc>();
    if (!template) throw new AppError('not_found', 'coupon_template_not_found', '优惠券不存在');
    return template;
  }

  function validityFor(template: CouponTemplateDoc, now: Date): { validFrom: Date; validUntil: Date } {
    if (template.validDays) {
      return { validFrom: now, validUntil: new Date(now.getTime() + template.validDays * 86_400_000) };
    }
    return { validFrom: template.startsAt ?? now, validUntil: template.endsAt ?? now };
  }

  async function freeSlot(template: CouponTemplateDoc, member: Types.ObjectId): Promise<number | null> {
    const held = await MemberCoupon.find({ template: template._id, member }, { slot: 1 }).lean();
    const used = new Set(held.map((coupon) => coupon.slot));
    for (let slot = 1; slot <= template.perMemberLimit; slot++) if (!used.has(slot)) return slot;
    return null;
  }

  async function giveBackQuantity(template: CouponTemplateDoc): Promise<void> {
    await CouponTemplate.updateOne({ _id: template._id }, { $inc: { remaining: 1, issued: -1 } });
  }

  /**
   * Issues one coupon of `template` to `member` under a grant. `grantKey` of null means "the next slot"
   * (the claim center: the per-member limit is the only bound, the key is `claim:<slot>`).
   */
  async function issueInto(
    member: Types.ObjectId,
    template: CouponTemplateDoc,
    channel: CouponChannel,
    grantKey: string | null,
  ): Promise<MemberCouponDoc> {
    const replay = async () =>
      grantKey
        ? MemberCoupon.findOne({ template: template._id, member, grantKey }).lean<MemberCouponDoc>()
        : Promise.resolve(null);
    const first = await replay();
    if (first) return first;
    const now = clock();
    if (template.status !== 'active') throw new AppError('conflict', 'coupon_ended', '该优惠券已停止发放');
    if (!template.channels.includes(channel)) {
      throw new AppError('conflict', 'coupon_channel_closed', '该优惠券不能通过此方式领取');
    }
    if (!template.validDays && template.endsAt && template.endsAt.getTime() <= now.getTime()) {
      throw new AppError('conflict', 'coupon_ended', '该优惠券活动已结束');
    }
    let slot = await freeSlot(template, member);
    if (slot === null) throw limitReached(template);
    const taken = await CouponTemplate.updateOne(
      { _id: template._id, status: 'active', remaining: trustedOperators({ $gt: 0 }) },
      { $inc: { remaining: -1, issued: 1 } },
    );
    if (taken.modifiedCount !== 1) throw new AppError('conflict', 'coupon_sold_out', '优惠券已被领完');
    try {
      for (let attempt = 0; attempt <= template.perMemberLimit + 2; attempt++) {
        try {
          const created = await MemberCoupon.create({
            member,
            template: template._id,
            name: template.name,
            kind: template.kind,
            amountOff: template.amountOff,
            threshold: template.threshold,
            percentOff: template.percentOff,
            maxOff: template.maxOff,
            scope: template.scope,
            minTier: template.minTier,
            newMembersOnly: template.newMembersOnly,
            stackWithMemberPrice: template.stackWithMemberPrice,
            channel,
            slot,
            grantKey: grantKey ?? `claim:${slot}`,
            ...validityFor(template, now),
            status: 'available',
          });
          return created.toObject() as MemberCouponDoc;
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          // Either this grant was issued by a racing call (answer with it), or the slot was just taken.
          const raced = await replay();
          if (raced) {
            await giveBackQuantity(template);
            return raced;
          }
          slot = await freeSlot(template, member);
          if (slot === null) break;
        }
      }
    } catch (error) {
      await giveBackQuantity(template);
      throw error;
    }
    await giveBackQuantity(template);
    throw limitReached(template);
  }

  function limitReached(template: CouponTemplateDoc): AppError {
    return new AppError('conflict', 'coupon_limit_reached', `每人限领 ${template.perMemberLimit} 张，已领满`);
  }

  async function hasPaidBefore(member: string | Types.ObjectId, exceptOrderId?: string): Promise<boolean> {
    const id = memberId(member);
    const record = await CouponMember.findById(id).lean();
    if (record?.firstPaidOrderId && record.firstPaidOrderId !== exceptOrderId) return true;
    // Orders paid before a subscriber recorded them (or before coupons existed) count too.
    return (await options.paidOrders?.()?.hasPaidOrder(id.toString(), exceptOrderId)) ?? false;
  }

  async function couponsOf(member: Types.ObjectId, statuses: string[]): Promise<MemberCouponDoc[]> {
    return MemberCoupon.find({ member, status: trustedOperators({ $in: statuses }) })
      .sort({ validUntil: 1, _id: 1 })
      .limit(200)
      .lean<MemberCouponDoc[]>();
  }

  /** The member's first paid order ends their new-member offers; later ones change nothing. */
  async function recordPaid(order: { id: string; memberId: string; paidAt: Date }): Promise<void> {
    const member = memberId(order.memberId);
    try {
      await CouponMember.updateOne(
        { _id: member, firstPaidOrderId: null },
        { $set: { firstPaidOrderId: order.id, firstPaidAt: order.paidAt } },
        { upsert: true },
      );
    } catch (error) {
      // The record exists with a first order already: nothing to do.
      if (!isDuplicateKey(error)) throw error;
    }
    // The first-order window: judged once the first paid order is known, from the registration moment.
    const record = await CouponMember.findById(member).lean();
    const windowMs = (options.firstOrderWindowDays ?? 3) * 86_400_000;
    if (
      record?.firstPaidAt &&
      record.welcomeIssuedAt &&
      !record.convertedInWindow &&
      record.firstPaidAt.getTime() - record.welcomeIssuedAt.getTime() <= windowMs
    ) {
      await CouponMember.updateOne({ _id: member, convertedInWindow: false }, { $set: { convertedInWindow: true } });
    }
  }

  return {
    loadTemplate,
    hasPaidBefore,

    /** The cross-module contract: issue one coupon under a named grant (idempotent per template, member, key). */
    async issue(member: string, template: string, grant: IssueGrant): Promise<StoreMemberCoupon> {
      if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(grant.key)) {
        throw new AppError('bad_request', 'coupon_grant_key_invalid', '发券编号无效');
      }
      // Coupons go to members who exist (a push may name anyone); identity's collection is only read.
      if (!(await Member.exists({ _id: memberId(member), status: 'active' }))) {
        throw new AppError('not_found', 'member_not_found', '会员不存在');
      }
      const doc = await issueInto(
        memberId(member),
        await loadTemplate(template),
        grant.channel,
        `${grant.channel}:${grant.key}`,
      );
      return toStoreMemberCoupon(doc);
    },

    /** 领券中心: the member takes the next coupon of a claimable template, within its per-member limit. */
    async claim(viewer: { id: string; tier: TierCode }, id: string): Promise<StoreMemberCoupon> {
      const template = await loadTemplate(id);
      const member = memberId(viewer.id);
      if (!template.channels.includes('claim')) {
        throw new AppError('conflict', 'coupon_channel_closed', '该优惠券不在领券中心发放');
      }
      if (template.minTier && !tierAtLeast(viewer.tier, template.minTier)) {
        throw new AppError('conflict', 'coupon_tier_too_low', `等级不足：${TIER_NAMES[template.minTier]}及以上可领`);
      }
      if (template.newMembersOnly && (await hasPaidBefore(member))) {
        throw new AppError('conflict', 'coupon_new_members_only', '仅限新会员领取');
      }
      return toStoreMemberCoupon(await issueInto(member, template, 'claim', null));
    },

    /** 我的优惠券: one tab, and how many each tab has. */
    async wallet(viewerId: string, tab: WalletTab): Promise<StoreWallet> {
      const member = memberId(viewerId);
      const now = clock();
      const all = await MemberCoupon.find({ member }, { status: 1, validUntil: 1 }).lean();
      const tabOf = (coupon: { status: string; validUntil: Date }): WalletTab =>
        coupon.status === 'used'
          ? 'used'
          : coupon.status === 'expired' || (coupon.status === 'available' && coupon.validUntil <= now)
            ? 'expired'
            : 'available';
      const counts = { available: 0, used: 0, expired: 0 };
      for (const coupon of all) counts[tabOf(coupon)] += 1;
      const docs = await MemberCoupon.find({ member })
        .sort(tab === 'available' ? { validUntil: 1, _id: 1 } : { updatedAt: -1, _id: -1 })
        .limit(500)
        .lean<MemberCouponDoc[]>();
      const items = docs
        .filter((coupon) => tabOf(coupon) === tab)
        .slice(0, 100)
        .map((coupon) => {
          const view = toStoreMemberCoupon(coupon);
          // Not flipped by the job yet, but past its date: shown as it is.
          return tab === 'expired' && view.status === 'available' ? { ...view, status: 'expired' as const } : view;
        });
      return { items, counts };
    },

    async getCoupon(viewerId: string, couponId: string): Promise<StoreMemberCoupon> {
      const coupon = await MemberCoupon.findOne({
        _id: objectId(couponId, 'coupon_not_found', '优惠券不存在'),
        member: memberId(viewerId),
      }).lean<MemberCouponDoc>();
      if (!coupon) throw new AppError('not_found', 'coupon_not_found', '优惠券不存在');
      return toStoreMemberCoupon(coupon);
    },

    /** Templates → how many of each this member holds (any state). */
    async heldCounts(viewerId: string, templateIds: Types.ObjectId[]): Promise<Map<string, number>> {
      const held = await MemberCoupon.find(
        { member: memberId(viewerId), template: trustedOperators({ $in: templateIds }) },
        { template: 1 },
      ).lean();
      const counts = new Map<string, number>();
      for (const coupon of held)
        counts.set(coupon.template.toString(), (counts.get(coupon.template.toString()) ?? 0) + 1);
      return counts;
    },

    /** identity's onMemberCreated: the welcome pack, once (each coupon keyed `welcome:welcome`). */
    async issueWelcomePack(memberIdText: string): Promise<StoreMemberCoupon[]> {
      const member = memberId(memberIdText);
      const templates = await CouponTemplate.find({ status: 'active', channels: 'welcome' })
        .sort({ sort: -1, _id: 1 })
        .lean<CouponTemplateDoc[]>();
      const issued: StoreMemberCoupon[] = [];
      for (const template of templates) {
        try {
          issued.push(toStoreMemberCoupon(await issueInto(member, template, 'welcome', 'welcome:welcome')));
        } catch (error) {
          // A pack coupon that ran out or ended is skipped; registration never fails over a coupon.
          if (!(error instanceof AppError)) throw error;
        }
      }
      await CouponMember.updateOne(
        { _id: member },
        { $setOnInsert: { welcomeIssuedAt: clock() } },
        { upsert: true },
      ).catch((error) => {
        if (!isDuplicateKey(error)) throw error;
      });
      return issued;
    },

    /** The 新人礼 pop-up: the welcome coupons until the member has seen them. */
    async welcome(viewerId: string): Promise<StoreWelcome> {
      const member = memberId(viewerId);
      const [record, coupons] = await Promise.all([
        CouponMember.findById(member).lean(),
        MemberCoupon.find({ member, channel: 'welcome' }).sort({ _id: 1 }).lean<MemberCouponDoc[]>(),
      ]);
      const views = coupons.map(toStoreMemberCoupon);
      return {
        show: views.length > 0 && !record?.welcomeSeenAt,
        coupons: views,
        worth: views.reduce(
          (total, coupon) => total + (coupon.kind === 'percent' ? coupon.maxOff : coupon.amountOff),
          0,
        ),
      };
    },

    async markWelcomeSeen(viewerId: string): Promise<void> {
      const member = memberId(viewerId);
      await CouponMember.updateOne({ _id: member, welcomeSeenAt: null }, { $set: { welcomeSeenAt: clock() } });
      await CouponMember.updateOne(
        { _id: member },
        { $setOnInsert: { welcomeSeenAt: clock() } },
        { upsert: true },
      ).catch((error) => {
        if (!isDuplicateKey(error)) throw error;
      });
    },

    /** The member's coupons as the pricing function takes them: those they could use now or that an order holds. */
    async forCheckout(viewerId: string) {
      const coupons = await couponsOf(memberId(viewerId), ['available', 'locked']);
      return coupons.map(toPricingCoupon);
    },

    /** One coupon of the member for an order (any state), or null when it is not theirs. */
    async ownCoupon(viewerId: string, couponId: string) {
      if (!/^[0-9a-f]{24}$/i.test(couponId)) return null;
      const coupon = await MemberCoupon.findOne({ _id: couponId, member: memberId(viewerId) }).lean<MemberCouponDoc>();
      return coupon ? toPricingCoupon(coupon) : null;
    },

    /**
     * Locks the coupon for the order: one conditional update from `available` within its dates. Calling
     * it again for the same order is a no-op; any other state is a 409 with the reason.
     */
    async lock(order: { id: string; memberId: string; couponId: string; tier: TierCode }): Promise<void> {
      const now = clock();
      const id = objectId(order.couponId, 'coupon_not_found', '优惠券不存在');
      const member = memberId(order.memberId);
      const locked = await MemberCoupon.updateOne(
        {
          _id: id,
          member,
          status: 'available',
          validFrom: trustedOperators({ $lte: now }),
          validUntil: trustedOperators({ $gt: now }),
        },
        { $set: { status: 'locked', lockedBy: order.id, lockedAt: now } },
      );
      if (locked.modifiedCount === 1) return;
      const coupon = await MemberCoupon.findOne({ _id: id, member }).lean<MemberCouponDoc>();
      if (!coupon) throw new AppError('not_found', 'coupon_not_found', '优惠券不存在');
      if (coupon.status === 'locked' && coupon.lockedBy === order.id) return;
      const refusal = couponStateRefusal(toPricingCoupon(coupon), {
        now,
        tier: order.tier,
        firstOrder: true,
        orderId: order.id,
      });
      const code = refusal?.code ?? 'coupon_locked';
      throw new AppError('conflict', code, `优惠券不可用：${refusal?.message ?? COUPON_REFUSAL_TEXT.coupon_locked}`);
    },

    /** Returns the coupon the order holds, once: the filter names the order, the update clears it. */
    async giveBack(order: { id: string; couponId: string }, reason: 'failed' | 'cancelled' | 'refunded') {
      if (!/^[0-9a-f]{24}$/i.test(order.couponId)) return;
      if (reason === 'refunded') {
        // Documented choice: a fully refunded order keeps its coupon used unless the shop says otherwise.
        if (!options.returnCouponOnRefund) return;
        await MemberCoupon.updateOne(
          { _id: order.couponId, status: 'used', usedBy: order.id },
          { $set: { status: 'available', usedBy: null, usedAt: null } },
        );
      }
      await MemberCoupon.updateOne(
        { _id: order.couponId, status: 'locked', lockedBy: order.id },
        { $set: { status: 'available', lockedBy: null, lockedAt: null } },
      );
    },

    /** The order was paid: its coupon is used (guarded by the order holding it). */
    async markUsed(order: { id: string; couponId: string }): Promise<void> {
      if (!/^[0-9a-f]{24}$/i.test(order.couponId)) return;
      await MemberCoupon.updateOne(
        { _id: order.couponId, status: 'locked', lockedBy: order.id },
        { $set: { status: 'used', usedBy: order.id, usedAt: clock() } },
      );
    },

    recordPaid,

    /**
     * The first-order window for analytics: members who registered in [from, to) and how many of them
     * paid a first order within the window (default 3 days) of registering.
     */
    async firstOrderConversion(from: Date, to: Date): Promise<{ registered: number; converted: number }> {
      const registeredIn = { welcomeIssuedAt: trustedOperators({ $gte: from, $lt: to }) };
      const [registered, converted] = await Promise.all([
        CouponMember.countDocuments(registeredIn),
        CouponMember.countDocuments({ ...registeredIn, convertedInWindow: true }),
      ]);
      return { registered, converted };
    },

    /** Due coupons that nobody holds become `expired` (a locked one waits for its order). */
    async expireDue(now = clock()): Promise<number> {
      const result = await MemberCoupon.updateMany(
        { status: 'available', validUntil: trustedOperators({ $lte: now }) },
        { $set: { status: 'expired', expiredAt: now } },
      );
      return result.modifiedCount;
    },

    /**
     * One-ID merge: the coupons of `from` become `to`'s, outside `to`'s per-member limits, except a grant
     * `to` already holds (the same template and grant: a second welcome pack, the same claim slot), which
     * stays with the retired record: one person, one grant. Each move is a conditional update on
     * `member: from`, so repeating the merge moves nothing twice. The earlier first paid order is kept.
     */
    async moveMember(fromIdText: string, toIdText: string): Promise<{ moved: number; kept: number }> {
      const from = memberId(fromIdText);
      const to = memberId(toIdText);
      if (from.equals(to)) return { moved: 0, kept: 0 };
      let moved = 0;
      let kept = 0;
      for (const coupon of await MemberCoupon.find({ member: from }, { _id: 1, template: 1, grantKey: 1 }).lean()) {
        if (await MemberCoupon.exists({ template: coupon.template, member: to, grantKey: coupon.grantKey })) {
          kept += 1;
          continue;
        }
        const result = await MemberCoupon.updateOne(
          { _id: coupon._id, member: from },
          {
            $set: {
              member: to,
              movedFrom: from,
              slot: `moved:${coupon._id.toString()}`,
              grantKey: `moved:${coupon._id.toString()}`,
            },
          },
        );
        moved += result.modifiedCount;
      }
      const source = await CouponMember.findById(from).lean();
      if (source?.firstPaidOrderId && source.firstPaidAt) {
        await recordPaid({ id: source.firstPaidOrderId, memberId: toIdText, paidAt: source.firstPaidAt });
        await CouponMember.updateOne(
          { _id: to, firstPaidAt: trustedOperators({ $gt: source.firstPaidAt }) },
          { $set: { firstPaidOrderId: source.firstPaidOrderId, firstPaidAt: source.firstPaidAt } },
        );
      }
      if (source?.welcomeSeenAt) {
        await CouponMember.updateOne(
          { _id: to, welcomeSeenAt: null },
          { $set: { welcomeSeenAt: source.welcomeSeenAt } },
        );
      }
      return { moved, kept };
    },
  };
}

export type Wallet = ReturnType<typeof createWallet>;
