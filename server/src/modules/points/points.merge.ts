/**
 * One-ID merge, the points part: the retired record's ledger moves to the surviving member, exactly once.
 *
 * Each durable entry of the retired record is booked on the survivor as an entry of the same kind,
 * amount, expiry and date, keyed `member-merge:<entry id>` (the ledger's unique key makes a repeat a
 * no-op), in the retired record's own order, so expiry (oldest first) and the 12-month views see the
 * same history. Then the retired record gives its balance away with one `adjust` keyed by the survivor.
 * A crash anywhere is finished by running this again (the merge job does): copied entries are found by
 * their key, and entries that appeared on the retired record meanwhile (an expiry) are copied too.
 */
import { trustedOperators } from '../../db/connection';
import type { LedgerEntryDoc } from '../../db/sequenced-ledger';
import { Member, type MemberDoc } from '../identity/member.model';
import { PointsEntry } from './points.model';
import type { PointsService } from './points.service';

export const MERGE_SOURCE = 'member-merge';

export async function movePointsMember(
  points: PointsService,
  fromId: string,
  toId: string,
): Promise<{ copied: number; given: number }> {
  if (fromId === toId) return { copied: 0, given: 0 };
  let copied = 0;
  const copyAll = async () => {
    const from = await Member.findById(fromId, { pointsSeq: 1 }).lean<MemberDoc>();
    const entries = await PointsEntry.find({
      member: fromId,
      seq: trustedOperators({ $lte: from?.pointsSeq ?? 0 }),
      'source.type': trustedOperators({ $ne: MERGE_SOURCE }),
    })
      .sort({ seq: 1 })
      .lean<LedgerEntryDoc[]>();
    for (const entry of entries) {
      if (entry.delta === 0) continue;
      const result = await points.apply(
        {
          memberId: toId,
          delta: entry.delta,
          kind: entry.kind as never,
          source: { type: MERGE_SOURCE, id: entry._id.toString() },
          note: entry.note || '会员合并转入',
          expiresAt: entry.expiresAt,
        },
        new Date(entry.createdAt),
      );
      if (result.created) copied++;
    }
  };
  await copyAll();
  const balance = await points.balance(fromId);
  let given = 0;
  if (balance > 0) {
    const out = await points.apply({
      memberId: fromId,
      delta: -balance,
      kind: 'adjust',
      source: { type: MERGE_SOURCE, id: `into:${toId}` },
      note: '会员合并：积分转入合并后的账户',
    });
    given = -out.entry.delta;
  }
  // Anything booked on the retired record between the copy and the give-away (an expiry) is copied now.
  await copyAll();
  return { copied, given };
}
