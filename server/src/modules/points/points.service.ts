/**
 * Points are money to members: every change is one ledger entry keyed by its cause, written through
 * the sequenced ledger (see sequenced-ledger.ts for the steps, the durable step and crash repair).
 *
 * Expiry (FIFO): every credit carries `expiresAt`, the end of the next calendar year (Asia/Shanghai).
 * For an expiry date D that has passed, the part of the balance that later credits cannot explain
 * expires: amount = max(0, balance − backing(D)), where backing(D) is the sum of credits expiring
 * after D (or never), less what was taken back from those credits. It is written as one `expire`
 * entry keyed `{ type: 'expiry', id: D as YYYY-MM-DD }`, so running the job twice expires once.
 */
import {
  type AdminPointsAdjustRequest,
  POINTS_KIND_LABELS,
  type PointsKind,
  pointsExpiryFor,
  type StorePointsEntry,
  type StorePointsPage,
  shopDay,
} from '@siyu/shared';
import { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import {
  createSequencedLedger,
  type LedgerEntryDoc,
  type LedgerMismatch,
  type LedgerSource,
  type LedgerState,
} from '../../db/sequenced-ledger';
import { AppError, isDuplicateKey } from '../../http/errors';
import { auditExists, recordAudit } from '../audit/audit.service';
import { PointsEntry, PointsExpiryRun } from './points.model';

/** Kinds that only ever add, and kinds that only ever take; `adjust` goes either way. */
const CREDIT_KINDS: ReadonlySet<PointsKind> = new Set(['earn', 'refund', 'task', 'birthday']);
const DEBIT_KINDS: ReadonlySet<PointsKind> = new Set(['spend', 'reverse', 'expire']);

export interface PointsApplyInput {
  memberId: string;
  /** Positive credits, negative debits; a debit the balance cannot cover is a 409 `insufficient_points`. */
  delta: number;
  kind: PointsKind;
  /** The cause. One entry per (member, kind, source), ever: repeating a call returns the first entry. */
  source: LedgerSource;
  note?: string;
  /** Credits default to the end of the next calendar year (Asia/Shanghai); null = never expires. */
  expiresAt?: Date | null;
}

export interface PointsEntryView {
  id: string;
  memberId: string;
  seq: number;
  delta: number;
  balanceAfter: number;
  kind: PointsKind;
  source: LedgerSource;
  note: string;
  expiresAt: Date | null;
  shortfall: number;
  createdAt: Date;
}

export interface PointsApplyResult {
  entry: PointsEntryView;
  /** False when this cause had been booked before (nothing changed now). */
  created: boolean;
}

export interface PointsConsistencyReport {
  ok: boolean;
  mismatches: LedgerMismatch[];
}

export function toPointsEntryView(entry: LedgerEntryDoc): PointsEntryView {
  return {
    id: entry._id.toString(),
    memberId: entry.member.toString(),
    seq: entry.seq,
    delta: entry.delta,
    balanceAfter: entry.balanceAfter,
    kind: entry.kind as PointsKind,
    source: { type: entry.source.type, id: entry.source.id },
    note: entry.note ?? '',
    expiresAt: entry.expiresAt ?? null,
    shortfall: entry.shortfall ?? 0,
    createdAt: entry.createdAt,
  };
}

function toStoreEntry(entry: LedgerEntryDoc): StorePointsEntry {
  const kind = entry.kind as PointsKind;
  return {
    id: entry._id.toString(),
    delta: entry.delta,
    balanceAfter: entry.balanceAfter,
    kind,
    kindLabel: POINTS_KIND_LABELS[kind],
    note: entry.note ?? '',
    expiresAt: entry.expiresAt ? new Date(entry.expiresAt).toISOString() : null,
    createdAt: new Date(entry.createdAt).toISOString(),
  };
}

function memberObjectId(memberId: string | Types.ObjectId): Types.ObjectId {
  if (memberId instanceof Types.ObjectId) return memberId;
  if (!Types.ObjectId.isValid(memberId) || !/^[0-9a-f]{24}$/i.test(memberId)) {
    throw new AppError('not_found', 'member_not_found', '会员不存在');
  }
  return new Types.ObjectId(memberId);
}

export interface PointsServiceOptions {
  /** The service's idea of now (tests pass a fixed clock; methods also take `now`). */
  clock?: () => Date;
}

export function createPointsService(options: PointsServiceOptions = {}) {
  const clock = options.clock ?? (() => new Date());
  const ledger = createSequencedLedger({
    entries: PointsEntry,
    balanceField: 'pointsBalance',
    seqField: 'pointsSeq',
    insufficient: (state, delta) =>
      new AppError('conflict', 'insufficient_points', `积分不足：需要 ${-delta} 积分，当前 ${state.balance} 积分`, {
        balance: state.balance,
        required: -delta,
      }),
    busy: () => new AppError('conflict', 'points_busy', '积分账户繁忙，请稍后重试'),
  });

  function checkSign(kind: PointsKind, delta: number): void {
    if (!Number.isSafeInteger(delta)) throw new RangeError(`points must be whole numbers, got ${delta}`);
    if (CREDIT_KINDS.has(kind) && delta < 0) throw new RangeError(`a ${kind} entry cannot be negative (${delta})`);
    if (DEBIT_KINDS.has(kind) && delta > 0) throw new RangeError(`a ${kind} entry cannot be positive (${delta})`);
  }

  /** Credits expiring after D (or never), less what was taken back from them, as of `state`. */
  async function backingAfter(memberId: Types.ObjectId, expiryDate: Date, state: LedgerState): Promise<number> {
    const [row] = await PointsEntry.aggregate<{ sum: number }>([
      {
        $match: {
          member: memberId,
          seq: { $lte: state.seq },
          $and: [
            { $or: [{ delta: { $gt: 0 } }, { kind: 'reverse' }] },
            { $or: [{ expiresAt: { $gt: expiryDate } }, { expiresAt: null }] },
          ],
        },
      },
      { $group: { _id: null, sum: { $sum: '$delta' } } },
    ]);
    return row?.sum ?? 0;
  }

  async function expireFor(memberId: Types.ObjectId, expiryDate: Date, now: Date) {
    return ledger.write(
      memberId,
      { kind: 'expire', source: { type: 'expiry', id: shopDay(expiryDate) } },
      async (state) => {
        const amount = Math.max(0, state.balance - (await backingAfter(memberId, expiryDate, state)));
        return amount > 0 ? { delta: -amount, note: `${shopDay(expiryDate)} 到期积分` } : null;
      },
      now,
    );
  }

  const service = {
    /**
     * Books one cause: `apply({ memberId, delta, kind, source })`. Exactly once per (member, kind,
     * source); a repeat answers the first entry with `created: false`. Throws 409 `insufficient_points`
     * for a debit the balance cannot cover, 409 `points_busy` after ~20 lost races.
     */
    async apply(input: PointsApplyInput, now: Date = clock()): Promise<PointsApplyResult> {
      checkSign(input.kind, input.delta);
      const memberId = memberObjectId(input.memberId);
      const expiresAt = input.expiresAt !== undefined ? input.expiresAt : input.delta > 0 ? pointsExpiryFor(now) : null;
      const result = await ledger.write(
        memberId,
        { kind: input.kind, source: input.source },
        () => ({ delta: input.delta, note: input.note ?? '', expiresAt }),
        now,
      );
      return { entry: toPointsEntryView(result!.entry), created: result!.created };
    },

    /** The durable balance. */
    async balance(memberId: string): Promise<number> {
      return (await ledger.readState(memberObjectId(memberId))).balance;
    },

    /**
     * Credits the points an order earned, unless that order was already refunded (its `reverse` entry
     * exists): a late or repeated "completed" after a refund credits nothing.
     */
    async earnOnce(
      input: { memberId: string; source: LedgerSource; delta: number; note: string },
      now: Date = clock(),
    ): Promise<PointsApplyResult | null> {
      checkSign('earn', input.delta);
      const memberId = memberObjectId(input.memberId);
      const result = await ledger.write(
        memberId,
        { kind: 'earn', source: input.source },
        async (state) =>
          (await ledger.durable(memberId, { kind: 'reverse', source: input.source }, state))
            ? null
            : { delta: input.delta, note: input.note, expiresAt: pointsExpiryFor(now) },
        now,
      );
      return result && { entry: toPointsEntryView(result.entry), created: result.created };
    },

    /**
     * Takes back what `earnOnce` credited for this source, once. A balance that cannot cover it goes to
     * 0 and the rest is recorded as `shortfall` (never negative). When nothing had been credited a
     * zero entry is written, which also stops any later credit for the same source.
     */
    async reverseEarned(
      input: { memberId: string; source: LedgerSource; note: string },
      now: Date = clock(),
    ): Promise<PointsApplyResult> {
      return service.reverseCredit({ ...input, kind: 'earn' }, now);
    },

    /**
     * Takes back a credit of any kind (an order's earned points, a task reward whose order was
     * refunded), once: a `reverse` entry keyed by the credit's source. Short balances go to 0 with the
     * rest recorded as `shortfall`; with nothing credited a zero entry is written.
     */
    async reverseCredit(
      input: { memberId: string; kind: PointsKind; source: LedgerSource; note: string },
      now: Date = clock(),
    ): Promise<PointsApplyResult> {
      const memberId = memberObjectId(input.memberId);
      const credit = { kind: input.kind, source: input.source };
      await ledger.find(memberId, credit); // settle an orphaned credit first
      const result = await ledger.write(
        memberId,
        { kind: 'reverse', source: input.source },
        async (state) => {
          const earned = await ledger.durable(memberId, credit, state);
          if (!earned) return { delta: 0, note: `${input.note}（未发放积分）` };
          const taken = Math.min(state.balance, earned.delta);
          return { delta: -taken, note: input.note, expiresAt: earned.expiresAt, shortfall: earned.delta - taken };
        },
        now,
      );
      return { entry: toPointsEntryView(result!.entry), created: result!.created };
    },

    /**
     * Books a cause whose amount depends on the balance or the ledger (task caps): `build` runs against
     * the state the entry is guarded by, again on every retry, and answers the draft or null.
     */
    async applyComputed(
      input: { memberId: string; kind: PointsKind; source: LedgerSource },
      build: (
        state: LedgerState,
        memberId: Types.ObjectId,
      ) => Promise<{ delta: number; note?: string } | null> | { delta: number; note?: string } | null,
      now: Date = clock(),
    ): Promise<PointsApplyResult | null> {
      const memberId = memberObjectId(input.memberId);
      const result = await ledger.write(
        memberId,
        { kind: input.kind, source: input.source },
        async (state) => {
          const draft = await build(state, memberId);
          if (!draft) return null;
          checkSign(input.kind, draft.delta);
          return { ...draft, expiresAt: draft.delta > 0 ? pointsExpiryFor(now) : null };
        },
        now,
      );
      return result && { entry: toPointsEntryView(result.entry), created: result.created };
    },

    /**
     * Durable credits of one kind and source type since a moment (task caps). Pass the state a build
     * runs against to count exactly what that build is guarded by.
     */
    async countCredits(
      input: { memberId: string | Types.ObjectId; kind: PointsKind; sourceType: string; since: Date },
      state?: LedgerState,
    ): Promise<number> {
      const id = memberObjectId(input.memberId);
      const seq = state?.seq ?? (await ledger.readState(id)).seq;
      return PointsEntry.countDocuments({
        member: id,
        kind: input.kind,
        'source.type': input.sourceType,
        delta: trustedOperators({ $gt: 0 }),
        seq: trustedOperators({ $lte: seq }),
        createdAt: trustedOperators({ $gte: input.since }),
      });
    },

    /** The durable entry of a cause, or null. */
    async findEntry(memberId: string, kind: PointsKind, source: LedgerSource): Promise<PointsEntryView | null> {
      const entry = await ledger.find(memberObjectId(memberId), { kind, source });
      return entry && toPointsEntryView(entry);
    },

    /** Points that expire next (FIFO), if any. */
    async expiringSoon(memberId: string, now: Date = clock()): Promise<{ amount: number; at: Date } | null> {
      const id = memberObjectId(memberId);
      const state = await ledger.readState(id);
      if (state.balance <= 0) return null;
      const dates = (
        (await PointsEntry.distinct('expiresAt', {
          member: id,
          seq: trustedOperators({ $lte: state.seq }),
          delta: trustedOperators({ $gt: 0 }),
          expiresAt: trustedOperators({ $gt: now }),
        })) as Date[]
      )
        .map((date) => new Date(date))
        .sort((a, b) => a.getTime() - b.getTime());
      for (const date of dates.slice(0, 5)) {
        const amount = Math.max(0, state.balance - (await backingAfter(id, date, state)));
        if (amount > 0) return { amount, at: date };
      }
      return null;
    },

    /** GET /api/me/points: balance, what expires next, and a page of the ledger (newest first). */
    async history(
      memberId: string,
      query: { page: number; pageSize: number },
      now: Date = clock(),
    ): Promise<StorePointsPage> {
      const id = memberObjectId(memberId);
      const state = await ledger.readState(id);
      // Zero entries (a refund of an order that had earned nothing, a capped invite) are bookkeeping only.
      const filter = { member: id, seq: trustedOperators({ $lte: state.seq }), delta: trustedOperators({ $ne: 0 }) };
      const [total, entries, expiring] = await Promise.all([
        PointsEntry.countDocuments(filter),
        PointsEntry.find(filter)
          .sort({ seq: -1 })
          .skip((query.page - 1) * query.pageSize)
          .limit(query.pageSize)
          .lean<LedgerEntryDoc[]>(),
        service.expiringSoon(memberId, now),
      ]);
      return {
        balance: state.balance,
        expiringSoon: expiring && { amount: expiring.amount, at: expiring.at.toISOString() },
        page: query.page,
        pageSize: query.pageSize,
        total,
        items: entries.map(toStoreEntry),
      };
    },

    /**
     * An admin's manual adjustment. The Idempotency-Key is the cause, so a retried request books once;
     * the same key with another amount is a 422. Audited once per entry (a retry repairs a lost audit).
     */
    async adjust(
      input: AdminPointsAdjustRequest & { adminId: string; memberId: string; idempotencyKey: string },
      now: Date = clock(),
    ) {
      const result = await service.apply(
        {
          memberId: input.memberId,
          delta: input.delta,
          kind: 'adjust',
          source: { type: 'admin', id: input.idempotencyKey },
          note: input.reason,
        },
        now,
      );
      if (!result.created && result.entry.delta !== input.delta) {
        throw new AppError('unprocessable', 'idempotency_key_reused', '该 Idempotency-Key 已用于另一笔调整');
      }
      const audited =
        result.created || (await auditExists({ action: 'points.adjust', 'changes.entryId': result.entry.id }));
      if (result.created || !audited) {
        await recordAudit({
          admin: input.adminId,
          action: 'points.adjust',
          target: { type: 'member', id: input.memberId },
          reason: input.reason,
          changes: { entryId: result.entry.id, delta: input.delta, balanceAfter: result.entry.balanceAfter },
        });
      }
      return {
        entryId: result.entry.id,
        delta: result.entry.delta,
        balanceAfter: result.entry.balanceAfter,
        balance: await service.balance(input.memberId),
        created: result.created,
      };
    },

    /**
     * The expiry job: for each expiry date D that has passed (oldest first), every member with credits
     * expiring at D gets one `expire` entry for what later credits do not back. Safe to run twice and
     * on several instances: the entry is keyed by D, and each D remembers how far it got.
     */
    async expireDue(now: Date = clock()): Promise<{ members: number; points: number }> {
      const dates = (
        (await PointsEntry.distinct('expiresAt', {
          expiresAt: trustedOperators({ $lte: now }),
          delta: trustedOperators({ $gt: 0 }),
        })) as Date[]
      )
        .map((date) => new Date(date))
        .sort((a, b) => a.getTime() - b.getTime());
      let members = 0;
      let points = 0;
      for (const date of dates) {
        const day = shopDay(date);
        // Entries are ObjectId-ordered by insertion time; five minutes of margin covers clock skew.
        const watermark = Types.ObjectId.createFromTime(Math.floor(Date.now() / 1000) - 300);
        const run = await PointsExpiryRun.findById(day).lean();
        const candidates = (await PointsEntry.distinct('member', {
          expiresAt: date,
          delta: trustedOperators({ $gt: 0 }),
          ...(run ? { _id: trustedOperators({ $gte: run.watermark }) } : {}),
        })) as Types.ObjectId[];
        let failed = false;
        for (const memberId of candidates) {
          try {
            const result = await expireFor(memberId, date, now);
            if (result?.created) {
              members++;
              points -= result.entry.delta;
            }
          } catch {
            failed = true; // this member is retried on the next run (the watermark does not move)
          }
        }
        if (!failed) {
          await PointsExpiryRun.updateOne({ _id: day }, { $set: { watermark, ranAt: now } }, { upsert: true }).catch(
            (error) => {
              if (!isDuplicateKey(error)) throw error;
            },
          );
        }
      }
      return { members, points };
    },

    /** Settles entries orphaned by a crash between writing an entry and moving the balance. */
    async repairOrphans(now: Date = clock()): Promise<number> {
      return ledger.repairOrphans(new Date(now.getTime() - 2 * 86_400_000), new Date(now.getTime() - 60_000));
    },

    /** balance == ledger sum, seqs 1..S, no orphans, never negative — for every member. */
    async checkConsistency(options: { orphanGraceMs?: number } = {}): Promise<PointsConsistencyReport> {
      const mismatches = await ledger.checkConsistency(options.orphanGraceMs ?? 0);
      return { ok: mismatches.length === 0, mismatches };
    },

    ledger,
  };
  return service;
}

export type PointsService = ReturnType<typeof createPointsService>;
