/**
 * Tiers and growth.
 *
 * Tier policy:
 * - Growth (成长值) is credited when an order completes: floor(paid yuan × growth per yuan), once per
 *   order (a ledger entry keyed by the order); a refund takes that order's growth back, once.
 * - What counts for tiers is the growth earned in the last 12 months. When it reaches a higher tier's
 *   threshold the member is upgraded at once; the tier is then held for 12 months from that day.
 * - Refunds never downgrade on the spot. Downgrades happen only in the yearly review: on the
 *   anniversary of the tier date (`tierReviewAt`), the tier becomes the highest whose threshold is at
 *   most the growth earned in the 12 months before the review, and the next review is a year later
 *   (the base tier has no review). The review is one conditional update per member keyed by the
 *   review date, so running it twice, or on several instances, reviews once.
 * - Birthday points: the tier's `birthdayPoints`, once per Shanghai year on the birthday (members born
 *   on 29 February get them on 28 February in common years), keyed `{ type: 'birthday', id: <year> }`.
 */
import {
  type AdminTier,
  type AdminTierUpdate,
  benefitLines,
  DEFAULT_PRICING_SETTINGS,
  DEFAULT_TIERS,
  dayjs,
  type PricingSettings,
  PricingSettingsSchema,
  SHOP_TIMEZONE,
  type ShopPricingRules,
  type StoreMembership,
  TIER_CODES,
  type TierBenefits,
  type TierCode,
  type TierPerks,
  tierRank,
} from '@siyu/shared';
import { Types } from 'mongoose';
import { cachedValue } from '../../db/cached-value';
import { trustedOperators } from '../../db/connection';
import { createSequencedLedger, type LedgerSource, type LedgerState } from '../../db/sequenced-ledger';
import { AppError, isDuplicateKey } from '../../http/errors';
import { recordAudit } from '../audit/audit.service';
import { Member, type MemberDoc } from '../identity/member.model';
import type { PointsService } from '../points/points.service';
import { GrowthEntry, ShopSetting, TierSetting, type TierSettingDoc } from './membership.model';

const CACHE_MS = 5000;

export interface TierRow {
  code: TierCode;
  name: string;
  growthThreshold: number;
  benefits: TierPerks;
  updatedAt: Date | null;
}

/** What membership needs of a completed or refunded order. */
export interface OrderMembershipEvent {
  memberId: string;
  orderId: string;
  orderNo: string;
  /** Fen actually paid. */
  paidAmount: number;
  pointsEarned: number;
}

export interface MembershipServiceOptions {
  points: PointsService;
  clock?: () => Date;
}

function toTierRow(code: TierCode, doc: TierSettingDoc | undefined): TierRow {
  if (!doc) return { code, ...DEFAULT_TIERS[code], updatedAt: null };
  return {
    code,
    name: doc.name,
    growthThreshold: doc.growthThreshold,
    benefits: {
      discountPercent: doc.discountPercent,
      freeShippingThreshold: doc.freeShippingThreshold ?? null,
      pointsMultiplierPercent: doc.pointsMultiplierPercent,
      birthdayPoints: doc.birthdayPoints ?? 0,
    },
    updatedAt: doc.updatedAt ?? null,
  };
}

/** The highest tier whose threshold is at most `growth` (the table is ordered by rank). */
export function tierForGrowth(table: readonly TierRow[], growth: number): TierCode {
  let tier: TierCode = 'regular';
  for (const row of table) if (row.growthThreshold <= growth) tier = row.code;
  return tier;
}

const oneYearAfter = (date: Date) => dayjs(date).add(1, 'year').toDate();

/** Two first upserts of one default can race; the loser's duplicate key means "already there". */
function ignoreRacingInsert(error: unknown): { upsertedCount: number } {
  if (isDuplicateKey(error)) return { upsertedCount: 0 };
  throw error;
}

function orderSource(orderId: string): LedgerSource {
  return { type: 'order', id: orderId };
}

function checkOrderEvent(order: OrderMembershipEvent): Types.ObjectId {
  if (!Types.ObjectId.isValid(order.memberId)) throw new AppError('not_found', 'member_not_found', '会员不存在');
  if (!Number.isSafeInteger(order.paidAmount) || order.paidAmount < 0) {
    throw new RangeError(`paidAmount must be whole fen, got ${order.paidAmount}`);
  }
  if (!Number.isSafeInteger(order.pointsEarned) || order.pointsEarned < 0) {
    throw new RangeError(`pointsEarned must be a whole number, got ${order.pointsEarned}`);
  }
  return new Types.ObjectId(order.memberId);
}

export function createMembershipService(options: MembershipServiceOptions) {
  const { points } = options;
  const clock = options.clock ?? (() => new Date());
  // Read on every order and priced page; one load at a time, cleared by this instance's own changes.
  const tiersCache = cachedValue(async () => {
    const docs = new Map(
      (await TierSetting.find({}).lean<TierSettingDoc[]>()).map((doc) => [doc._id as TierCode, doc] as const),
    );
    return TIER_CODES.map((code) => toTierRow(code, docs.get(code)));
  }, CACHE_MS);
  const settingsCache = cachedValue(async () => {
    const doc = await ShopSetting.findById('pricing').lean();
    const parsed = PricingSettingsSchema.safeParse({ ...DEFAULT_PRICING_SETTINGS, ...(doc?.value as object) });
    return parsed.success ? parsed.data : DEFAULT_PRICING_SETTINGS;
  }, CACHE_MS);

  const growth = createSequencedLedger({
    entries: GrowthEntry,
    balanceField: 'growth',
    seqField: 'growthSeq',
    // Growth is only ever taken back up to what the balance holds, so this cannot happen.
    insufficient: () => new AppError('internal', 'growth_negative', '成长值不能为负'),
    busy: () => new AppError('conflict', 'growth_busy', '会员账户繁忙，请稍后重试'),
  });

  function tierTable(): Promise<TierRow[]> {
    return tiersCache.get();
  }

  async function tierRow(code: TierCode): Promise<TierRow> {
    return (await tierTable()).find((row) => row.code === code)!;
  }

  function settings(): Promise<PricingSettings> {
    return settingsCache.get();
  }

  /** Growth earned in the 12 months up to `now` (durable entries, refunds included). */
  async function qualifyingGrowth(memberId: Types.ObjectId, now: Date, state?: LedgerState): Promise<number> {
    const seq = state?.seq ?? (await growth.readState(memberId)).seq;
    const since = dayjs(now).tz(SHOP_TIMEZONE).subtract(12, 'month').toDate();
    const [row] = await GrowthEntry.aggregate<{ sum: number }>([
      { $match: { member: memberId, seq: { $lte: seq }, createdAt: { $gt: since, $lte: now } } },
      { $group: { _id: null, sum: { $sum: '$delta' } } },
    ]);
    return Math.max(0, row?.sum ?? 0);
  }

  /** Upgrades at once when the last 12 months' growth reaches a higher tier; never downgrades. */
  async function evaluateUpgrade(memberId: Types.ObjectId, now: Date): Promise<TierCode> {
    const member = await Member.findById(memberId, { tier: 1 }).lean<MemberDoc>();
    if (!member) throw new AppError('not_found', 'member_not_found', '会员不存在');
    const current = member.tier ?? 'regular';
    const target = tierForGrowth(await tierTable(), await qualifyingGrowth(memberId, now));
    if (tierRank(target) <= tierRank(current)) return current;
    // Conditional on still being below the target, so a racing upgrade or review is never undone.
    await Member.updateOne(
      {
        _id: memberId,
        tier: trustedOperators({ $in: TIER_CODES.filter((code) => tierRank(code) < tierRank(target)) }),
      },
      { $set: { tier: target, tierSince: now, tierReviewAt: oneYearAfter(now) } },
    );
    return target;
  }

  const service = {
    /** The benefits priceOrder applies for a tier. */
    async benefitsFor(tier: TierCode): Promise<TierBenefits> {
      const row = await tierRow(tier);
      return {
        code: tier,
        discountPercent: row.benefits.discountPercent,
        freeShippingThreshold: row.benefits.freeShippingThreshold,
        pointsMultiplierPercent: row.benefits.pointsMultiplierPercent,
      };
    },

    /** The shop's pricing rules for priceOrder (cached 5 s; an admin change here clears it at once). */
    async pricingRules(): Promise<ShopPricingRules> {
      const { growthPerYuan: _growth, ...rules } = await settings();
      return rules;
    },

    async pricingSettings(): Promise<PricingSettings> {
      return settings();
    },

    async updatePricingSettings(adminId: string, input: PricingSettings, now: Date = clock()) {
      const before = await settings();
      await ShopSetting.updateOne({ _id: 'pricing' }, { $set: { value: input, updatedAt: now } }, { upsert: true });
      settingsCache.clear();
      await recordAudit({
        admin: adminId,
        action: 'settings.pricing',
        target: { type: 'settings', id: 'pricing' },
        changes: { before, after: input },
      });
      return settings();
    },

    async listTiers(): Promise<AdminTier[]> {
      return (await tierTable()).map((row) => ({
        code: row.code,
        name: row.name,
        growthThreshold: row.growthThreshold,
        benefits: row.benefits,
        updatedAt: row.updatedAt ? row.updatedAt.toISOString() : null,
      }));
    },

    /** Thresholds must increase with rank (the base tier's is 0), else 400 and nothing changes. */
    async updateTier(adminId: string, code: TierCode, input: AdminTierUpdate, now: Date = clock()) {
      tiersCache.clear();
      const table = (await tierTable()).map((row) => (row.code === code ? { ...row, ...input } : row));
      if (table[0]!.growthThreshold !== 0) {
        throw new AppError('bad_request', 'tier_threshold_invalid', '普通会员的成长值门槛必须为 0');
      }
      for (let index = 1; index < table.length; index++) {
        if (table[index]!.growthThreshold <= table[index - 1]!.growthThreshold) {
          throw new AppError(
            'bad_request',
            'tier_threshold_order',
            `等级门槛须逐级递增：${table[index]!.name}（${table[index]!.growthThreshold}）须高于${table[index - 1]!.name}（${table[index - 1]!.growthThreshold}）`,
          );
        }
      }
      await TierSetting.updateOne(
        { _id: code },
        {
          $set: {
            name: input.name,
            growthThreshold: input.growthThreshold,
            ...input.benefits,
            updatedAt: now,
          },
        },
        { upsert: true },
      );
      tiersCache.clear();
      await recordAudit({
        admin: adminId,
        action: 'tier.update',
        target: { type: 'tier', id: code },
        changes: input,
      });
      return (await service.listTiers()).find((tier) => tier.code === code)!;
    },

    /** Writes the default tiers and pricing settings that are not stored yet (seed; repeatable). */
    async ensureDefaults(): Promise<number> {
      let inserted = 0;
      for (const code of TIER_CODES) {
        const tier = DEFAULT_TIERS[code];
        const result = await TierSetting.updateOne(
          { _id: code },
          {
            $setOnInsert: {
              name: tier.name,
              growthThreshold: tier.growthThreshold,
              ...tier.benefits,
              updatedAt: null,
            },
          },
          { upsert: true },
        ).catch(ignoreRacingInsert);
        inserted += result.upsertedCount ?? 0;
      }
      const pricing = await ShopSetting.updateOne(
        { _id: 'pricing' },
        { $setOnInsert: { value: DEFAULT_PRICING_SETTINGS, updatedAt: null } },
        { upsert: true },
      ).catch(ignoreRacingInsert);
      inserted += pricing.upsertedCount ?? 0;
      tiersCache.clear();
      settingsCache.clear();
      return inserted;
    },

    /** identity's onMemberCreated: the base tier starts on the day the member registers. */
    async onMemberCreated(member: Pick<MemberDoc, '_id' | 'createdAt'>): Promise<void> {
      await Member.updateOne(
        { _id: member._id, tierSince: null },
        { $set: { tierSince: member.createdAt ?? clock() } },
      );
    },

    /**
     * An order completed (the `membership` order subscriber). Idempotent and safe to call again after a
     * failure (each step is keyed by the order): credits the growth and upgrades the tier when a
     * threshold is crossed. Nothing is credited for an order already refunded. Points and tasks react
     * to the same event through their own subscribers.
     */
    async creditGrowth(order: OrderMembershipEvent, now: Date = clock()): Promise<void> {
      const memberId = checkOrderEvent(order);
      const source = orderSource(order.orderId);
      // A refunded order (its growth take-back is always recorded, even as 0) counts for nothing.
      if (await growth.find(memberId, { kind: 'reverse', source })) return;
      const { growthPerYuan } = await settings();
      const growthEarned = Math.floor((order.paidAmount * growthPerYuan) / 100);
      await growth.write(
        memberId,
        { kind: 'earn', source },
        async (state) => {
          if (growthEarned <= 0) return null;
          if (await growth.durable(memberId, { kind: 'reverse', source }, state)) return null;
          return { delta: growthEarned, note: `订单 ${order.orderNo}` };
        },
        now,
      );
      await evaluateUpgrade(memberId, now);
    },

    /**
     * An order was refunded. Idempotent: takes back that order's growth once, only what had been
     * credited. The tier is not lowered here; see the yearly review.
     */
    async reverseGrowth(order: OrderMembershipEvent, now: Date = clock()): Promise<void> {
      const memberId = checkOrderEvent(order);
      const source = orderSource(order.orderId);
      const note = `订单 ${order.orderNo} 退款`;
      await growth.find(memberId, { kind: 'earn', source }); // settle an orphaned credit first
      await growth.write(
        memberId,
        { kind: 'reverse', source },
        async (state) => {
          const earned = await growth.durable(memberId, { kind: 'earn', source }, state);
          if (!earned) return { delta: 0, note: `${note}（未计成长值）` };
          const taken = Math.min(state.balance, earned.delta);
          return { delta: -taken, note, shortfall: earned.delta - taken };
        },
        now,
      );
    },

    /**
     * After-sales refunded part of a completed order: takes back `share(earned)` of that order's growth,
     * once per refund (`ref`), only what the balance holds (the rest recorded as shortfall). The tier is
     * not lowered here, as with whole refunds.
     */
    async reverseGrowthShare(
      input: { memberId: string; orderId: string; orderNo: string; ref: string; share: (earned: number) => number },
      now: Date = clock(),
    ): Promise<void> {
      if (!Types.ObjectId.isValid(input.memberId)) throw new AppError('not_found', 'member_not_found', '会员不存在');
      const memberId = new Types.ObjectId(input.memberId);
      const source = orderSource(input.orderId);
      const note = `订单 ${input.orderNo} 售后退款`;
      await growth.find(memberId, { kind: 'earn', source }); // settle an orphaned credit first
      await growth.write(
        memberId,
        { kind: 'reverse', source: { type: 'order_refund', id: `${input.orderId}:${input.ref}` } },
        async (state) => {
          const earned = await growth.durable(memberId, { kind: 'earn', source }, state);
          const wanted = earned ? Math.max(0, input.share(earned.delta)) : 0;
          if (wanted === 0) return { delta: 0, note: `${note}（未计成长值）` };
          const taken = Math.min(state.balance, wanted);
          return { delta: -taken, note, shortfall: wanted - taken };
        },
        now,
      );
    },

    /** GET /api/me/membership. */
    async myMembership(memberId: string, now: Date = clock()): Promise<StoreMembership> {
      if (!Types.ObjectId.isValid(memberId)) throw new AppError('not_found', 'member_not_found', '会员不存在');
      const id = new Types.ObjectId(memberId);
      const member = await Member.findById(id).lean<MemberDoc>();
      if (!member) throw new AppError('not_found', 'member_not_found', '会员不存在');
      const table = await tierTable();
      const current = table.find((row) => row.code === (member.tier ?? 'regular'))!;
      const next = table.find((row) => tierRank(row.code) === tierRank(current.code) + 1) ?? null;
      const recent = await qualifyingGrowth(id, now);
      return {
        tier: { code: current.code, name: current.name },
        growth: recent,
        lifetimeGrowth: member.growth ?? 0,
        tierSince: member.tierSince ? new Date(member.tierSince).toISOString() : null,
        reviewAt: member.tierReviewAt ? new Date(member.tierReviewAt).toISOString() : null,
        next: next && {
          code: next.code,
          name: next.name,
          growthThreshold: next.growthThreshold,
          growthNeeded: Math.max(0, next.growthThreshold - recent),
        },
        benefits: { now: benefitLines(current.benefits), next: next ? benefitLines(next.benefits) : null },
        privateProductsNote:
          current.code === 'regular'
            ? `升级${next?.name ?? '银卡'}即可解锁会员专享商品`
            : `已为你解锁${current.name}及以下等级的会员专享商品`,
      };
    },

    /**
     * The yearly review job (see the policy above). Each member whose review date has passed gets the
     * tier their last 12 months of growth hold, in one update conditional on the review date it read.
     */
    async reviewTiers(now: Date = clock()): Promise<{ reviewed: number; downgraded: number }> {
      const table = await tierTable();
      let reviewed = 0;
      let downgraded = 0;
      const skipped: Types.ObjectId[] = [];
      for (;;) {
        const due = await Member.find(
          {
            status: 'active',
            tierReviewAt: trustedOperators({ $lte: now }),
            ...(skipped.length ? { _id: trustedOperators({ $nin: skipped }) } : {}),
          },
          { tier: 1, tierReviewAt: 1 },
        )
          .limit(200)
          .lean<MemberDoc[]>();
        if (due.length === 0) break;
        for (const member of due) {
          const reviewAt = member.tierReviewAt!;
          const target = tierForGrowth(table, await qualifyingGrowth(member._id, now));
          let nextReview: Date | null = null;
          if (target !== 'regular') {
            nextReview = oneYearAfter(reviewAt);
            while (nextReview <= now) nextReview = oneYearAfter(nextReview);
          }
          const result = await Member.updateOne(
            { _id: member._id, tierReviewAt: reviewAt, tier: member.tier },
            {
              $set: {
                tier: target,
                tierReviewAt: nextReview,
                ...(target !== member.tier ? { tierSince: now } : {}),
              },
            },
          );
          if (result.matchedCount === 1) {
            reviewed++;
            if (tierRank(target) < tierRank(member.tier)) downgraded++;
          } else {
            skipped.push(member._id); // changed meanwhile (an upgrade, another instance): leave it be
          }
        }
      }
      return { reviewed, downgraded };
    },

    /** The birthday job: the tier's birthday points, once per member per Shanghai year. */
    async creditBirthdays(now: Date = clock()): Promise<{ credited: number }> {
      const local = dayjs(now).tz(SHOP_TIMEZONE);
      const year = local.year();
      const monthDay = local.format('MM-DD');
      const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
      const days = monthDay === '02-28' && !leap ? ['02-28', '02-29'] : [monthDay];
      let credited = 0;
      const failed: Types.ObjectId[] = [];
      for (;;) {
        const batch = await Member.find(
          {
            status: 'active',
            birthday: trustedOperators({ $regex: `^\\d{4}-(${days.join('|')})$` }),
            birthdayPointsYear: trustedOperators({ $ne: year }),
            ...(failed.length ? { _id: trustedOperators({ $nin: failed }) } : {}),
          },
          { tier: 1 },
        )
          .limit(200)
          .lean<MemberDoc[]>();
        if (batch.length === 0) break;
        for (const member of batch) {
          try {
            const row = await tierRow(member.tier ?? 'regular');
            if (row.benefits.birthdayPoints > 0) {
              const result = await points.apply(
                {
                  memberId: member._id.toString(),
                  delta: row.benefits.birthdayPoints,
                  kind: 'birthday',
                  source: { type: 'birthday', id: String(year) },
                  note: `${year} 年生日礼（${row.name}）`,
                },
                now,
              );
              if (result.created) credited++;
            }
            await Member.updateOne({ _id: member._id }, { $set: { birthdayPointsYear: year } });
          } catch {
            failed.push(member._id); // retried on the next run
          }
        }
      }
      return { credited };
    },

    /** Growth == growth ledger sum for every member (used by scripts/check-consistency.ts). */
    async checkGrowthConsistency(options: { orphanGraceMs?: number } = {}) {
      const mismatches = await growth.checkConsistency(options.orphanGraceMs ?? 0);
      return { ok: mismatches.length === 0, mismatches };
    },

    async repairGrowthOrphans(now: Date = clock()): Promise<number> {
      return growth.repairOrphans(new Date(now.getTime() - 2 * 86_400_000), new Date(now.getTime() - 60_000));
    },
  };
  return service;
}

export type MembershipService = ReturnType<typeof createMembershipService>;
