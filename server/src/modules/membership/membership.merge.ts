/**
 * One-ID merge, the membership part: the retired record's growth ledger moves to the surviving member
 * exactly once (same method as points.merge.ts: each durable entry copied with its kind, amount and
 * date, keyed `member-merge:<entry id>`, then the retired record's growth taken back once), so the
 * 12-month growth that decides tiers counts the person's whole history. The survivor then holds the
 * higher of the two tiers (with that tier's dates): they were one member all along.
 */
import { TIER_CODES, type TierCode } from '@siyu/shared';
import { trustedOperators } from '../../db/connection';
import { createSequencedLedger, type LedgerEntryDoc } from '../../db/sequenced-ledger';
import { AppError } from '../../http/errors';
import { Member, type MemberDoc } from '../identity/member.model';
import { GrowthEntry } from './membership.model';

const MERGE_SOURCE = 'member-merge';
const rank = (tier: TierCode | null | undefined) => TIER_CODES.indexOf(tier ?? 'regular');

/** The growth ledger over the same collection and member fields as membership.service's (it keeps no state). */
const growth = createSequencedLedger({
  entries: GrowthEntry,
  balanceField: 'growth',
  seqField: 'growthSeq',
  insufficient: () => new AppError('internal', 'growth_negative', '成长值不能为负'),
  busy: () => new AppError('conflict', 'growth_busy', '会员账户繁忙，请稍后重试'),
});

export async function moveGrowthMember(fromId: string, toId: string): Promise<{ copied: number }> {
  if (fromId === toId) return { copied: 0 };
  let copied = 0;
  const copyAll = async () => {
    const from = await Member.findById(fromId, { growthSeq: 1 }).lean<MemberDoc>();
    const entries = await GrowthEntry.find({
      member: fromId,
      seq: trustedOperators({ $lte: from?.growthSeq ?? 0 }),
      'source.type': trustedOperators({ $ne: MERGE_SOURCE }),
    })
      .sort({ seq: 1 })
      .lean<LedgerEntryDoc[]>();
    for (const entry of entries) {
      if (entry.delta === 0) continue;
      const result = await growth.write(
        toId,
        { kind: entry.kind, source: { type: MERGE_SOURCE, id: entry._id.toString() } },
        (state) => ({
          // A take-back never goes below zero on the survivor either.
          delta: entry.delta < 0 ? -Math.min(-entry.delta, state.balance) : entry.delta,
          note: entry.note || '会员合并转入',
        }),
        new Date(entry.createdAt),
      );
      if (result?.created) copied++;
    }
  };
  await copyAll();
  await growth.write(
    fromId,
    { kind: 'reverse', source: { type: MERGE_SOURCE, id: `into:${toId}` } },
    (state) => (state.balance > 0 ? { delta: -state.balance, note: '会员合并：成长值转入合并后的账户' } : null),
    new Date(),
  );
  await copyAll();

  const [from, to] = await Promise.all([
    Member.findById(fromId, { tier: 1, tierSince: 1, tierReviewAt: 1 }).lean<MemberDoc>(),
    Member.findById(toId, { tier: 1 }).lean<MemberDoc>(),
  ]);
  if (from && to && rank(from.tier) > rank(to.tier)) {
    // Conditional on the survivor still being below, so a racing upgrade is never undone.
    await Member.updateOne(
      { _id: toId, tier: trustedOperators({ $in: TIER_CODES.filter((code) => rank(code) < rank(from.tier)) }) },
      { $set: { tier: from.tier, tierSince: from.tierSince, tierReviewAt: from.tierReviewAt } },
    );
  }
  return { copied };
}
