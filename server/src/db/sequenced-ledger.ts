/**
 * An append-only ledger beside a balance on the member document, exact without transactions.
 * Points and growth both use it.
 *
 * The member holds a balance B and a sequence number S. A write (`write`):
 *   1. reads (B, S); a debit that would take B below 0 is refused (409);
 *   2. inserts the entry `{ member, seq: S+1, delta, balanceAfter: B+delta, kind, source }`. Two unique
 *      indexes guard it: (member, seq), so two writers cannot both take the next slot, and
 *      (member, kind, source.type, source.id), so one cause is booked once, ever;
 *   3. moves the member with one guarded atomic update `{ _id, S, B } → $inc { B: delta, S: 1 }`.
 *      THIS step makes the write durable: an entry counts only once its seq <= the member's seq.
 * If step 3 finds the member moved, the entry is deleted (only while still beyond the member's seq)
 * and the write starts over with a small jittered backoff.
 *
 * A crash between 2 and 3 leaves an orphan: an entry whose seq is beyond the member's. Whoever meets it
 * next (a write for the same cause, a write that needs that seq, the repair job) settles it: finishes
 * step 3 with the orphan's own values when the guard still holds, else deletes it. A finished orphan was
 * valid when written (its balance check ran against the same B, since B only changes with S).
 *
 * Invariant: balance == sum(delta of entries with seq <= S), seqs are exactly 1..S, and no entry with
 * seq > S outlives a settle.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Model, Schema, type Types } from 'mongoose';
import { AppError, isDuplicateKey } from '../http/errors';
import { Member } from '../modules/identity/member.model';
import { trustedOperators } from './connection';

export interface LedgerSource {
  type: string;
  id: string;
}

/** A ledger entry as read with lean(). */
export interface LedgerEntryDoc {
  _id: Types.ObjectId;
  member: Types.ObjectId;
  seq: number;
  delta: number;
  balanceAfter: number;
  kind: string;
  source: LedgerSource;
  note: string;
  /** Points only: when this credit stops counting (see points expiry). */
  expiresAt: Date | null;
  /** A take-back that found too small a balance records here what it could not take. */
  shortfall: number;
  createdAt: Date;
}

export interface LedgerState {
  balance: number;
  seq: number;
}

export interface LedgerDraft {
  delta: number;
  note?: string;
  expiresAt?: Date | null;
  shortfall?: number;
}

/** The schema both ledgers share; models own their indexes. */
export function ledgerEntrySchema(kinds: readonly string[], collection: string) {
  const schema = new Schema(
    {
      member: { type: Schema.Types.ObjectId, required: true },
      seq: { type: Number, required: true, min: 1 },
      delta: { type: Number, required: true },
      balanceAfter: { type: Number, required: true, min: 0 },
      kind: { type: String, enum: kinds, required: true },
      source: {
        type: new Schema(
          { type: { type: String, required: true }, id: { type: String, required: true } },
          { _id: false },
        ),
        required: true,
      },
      note: { type: String, default: '' },
      expiresAt: { type: Date, default: null },
      shortfall: { type: Number, default: 0 },
      createdAt: { type: Date, required: true },
    },
    { collection, versionKey: false },
  );
  schema.index({ member: 1, seq: 1 }, { unique: true });
  schema.index({ member: 1, kind: 1, 'source.type': 1, 'source.id': 1 }, { unique: true });
  schema.index({ createdAt: 1 });
  return schema;
}

export interface SequencedLedgerOptions {
  entries: Model<LedgerEntryDoc>;
  balanceField: 'pointsBalance' | 'growth';
  seqField: 'pointsSeq' | 'growthSeq';
  /** The error for a debit the balance cannot cover. */
  insufficient: (state: LedgerState, delta: number) => AppError;
  /** The error after too many lost races. */
  busy: () => AppError;
  maxAttempts?: number;
}

export interface LedgerKey {
  kind: string;
  source: LedgerSource;
}

export interface LedgerWriteResult {
  entry: LedgerEntryDoc;
  /** False when the cause had already been booked: the existing entry is returned. */
  created: boolean;
}

export type SequencedLedger = ReturnType<typeof createSequencedLedger>;

export function createSequencedLedger(options: SequencedLedgerOptions) {
  const { entries, balanceField, seqField } = options;
  const maxAttempts = options.maxAttempts ?? 20;

  const keyFilter = (memberId: Types.ObjectId | string, key: LedgerKey) => ({
    member: memberId,
    kind: key.kind,
    'source.type': key.source.type,
    'source.id': key.source.id,
  });

  async function readState(memberId: Types.ObjectId | string): Promise<LedgerState> {
    const member = await Member.findById(memberId, { [balanceField]: 1, [seqField]: 1 }).lean<
      Record<string, unknown>
    >();
    if (!member) throw new AppError('not_found', 'member_not_found', '会员不存在');
    const balance = member[balanceField];
    const seq = member[seqField];
    if (typeof balance === 'number' && typeof seq === 'number') return { balance, seq };
    // A member saved before the ledger existed: start it at zero, once.
    await Member.updateOne(
      { _id: memberId, [seqField]: trustedOperators({ $exists: false }) },
      { $set: { [seqField]: 0, [balanceField]: 0 } },
    );
    return readState(memberId);
  }

  /** Step 3: the guarded move that makes an entry at seq S+1 durable. */
  async function commit(memberId: Types.ObjectId | string, state: LedgerState, delta: number): Promise<boolean> {
    const moved = await Member.findOneAndUpdate(
      { _id: memberId, [seqField]: state.seq, [balanceField]: state.balance },
      { $inc: { [balanceField]: delta, [seqField]: 1 } },
      // No projection: FerretDB 1.x does not implement findAndModify's `fields`.
      { new: true, lean: true },
    );
    return moved !== null;
  }

  /**
   * Makes sure an entry is either durable or gone: an orphan (seq beyond the member's) is finished when
   * the member still stands where it was written, else deleted. Safe to run by many at once.
   */
  async function settle(entry: LedgerEntryDoc): Promise<'committed' | 'deleted'> {
    const state = await readState(entry.member);
    if (entry.seq <= state.seq) return 'committed';
    if (entry.seq === state.seq + 1 && state.balance === entry.balanceAfter - entry.delta) {
      if (await commit(entry.member, state, entry.delta)) return 'committed';
    }
    const now = await readState(entry.member);
    if (entry.seq <= now.seq) return 'committed'; // someone finished it meanwhile (seq is unique per member)
    await entries.deleteOne({ _id: entry._id, seq: trustedOperators({ $gt: now.seq }) });
    return 'deleted';
  }

  /**
   * Books one cause exactly once. `build` sees the state the entry will be written against and answers
   * the draft (or null: nothing to book); it runs again on every retry, so anything it reads from the
   * ledger (entries with seq <= state.seq) is consistent with the balance it is guarded by.
   */
  async function write(
    memberId: string | Types.ObjectId,
    key: LedgerKey,
    build: (state: LedgerState) => Promise<LedgerDraft | null> | LedgerDraft | null,
    now: Date,
  ): Promise<LedgerWriteResult | null> {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0) await sleep(Math.min(5 * attempt, 40) + Math.floor(Math.random() * 10 * attempt));
      const state = await readState(memberId);
      const existing = await entries.findOne(keyFilter(memberId, key)).lean<LedgerEntryDoc>();
      if (existing) {
        if (existing.seq <= state.seq) return { entry: existing, created: false };
        // An orphan of this very cause (a crash, or a writer between steps 2 and 3): settle, look again.
        await settle(existing);
        continue;
      }
      const draft = await build(state);
      if (!draft) return null;
      if (!Number.isSafeInteger(draft.delta))
        throw new RangeError(`ledger delta must be a whole number: ${draft.delta}`);
      if (draft.delta < 0 && state.balance + draft.delta < 0) throw options.insufficient(state, draft.delta);
      let entry: LedgerEntryDoc;
      try {
        const created = await entries.create({
          member: memberId,
          seq: state.seq + 1,
          delta: draft.delta,
          balanceAfter: state.balance + draft.delta,
          kind: key.kind,
          source: key.source,
          note: draft.note ?? '',
          expiresAt: draft.expiresAt ?? null,
          shortfall: draft.shortfall ?? 0,
          createdAt: now,
        });
        entry = created.toObject() as LedgerEntryDoc;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // Either the next seq is taken (settle whoever holds it) or this cause was just booked by a
        // concurrent call (the existing-entry check above picks it up on the next turn).
        const blocking = await entries.findOne({ member: memberId, seq: state.seq + 1 }).lean<LedgerEntryDoc>();
        if (blocking) await settle(blocking);
        continue;
      }
      if (await commit(memberId, state, draft.delta)) return { entry, created: true };
      const after = await readState(memberId);
      if (entry.seq <= after.seq && (await entries.exists({ _id: entry._id }))) {
        return { entry, created: true }; // a concurrent settle finished our entry for us
      }
      await entries.deleteOne({ _id: entry._id, seq: trustedOperators({ $gt: after.seq }) });
    }
    throw options.busy();
  }

  /** The durable entry of a cause, settling an orphan first; null when the cause was never booked. */
  async function find(memberId: string | Types.ObjectId, key: LedgerKey): Promise<LedgerEntryDoc | null> {
    const entry = await entries.findOne(keyFilter(memberId, key)).lean<LedgerEntryDoc>();
    if (!entry) return null;
    return (await settle(entry)) === 'committed' ? entry : null;
  }

  /**
   * The entry of a cause that is durable in the state a build runs against (seq <= state.seq). Builds
   * use this, not a read from before the write, so a concurrent booking of that cause forces a rebuild.
   */
  async function durable(
    memberId: string | Types.ObjectId,
    key: LedgerKey,
    state: LedgerState,
  ): Promise<LedgerEntryDoc | null> {
    return entries
      .findOne({ ...keyFilter(memberId, key), seq: trustedOperators({ $lte: state.seq }) })
      .lean<LedgerEntryDoc>();
  }

  /** Settles orphans written between `since` and `before` (for the repair job). */
  async function repairOrphans(since: Date, before: Date): Promise<number> {
    const members = await entries.distinct('member', { createdAt: trustedOperators({ $gte: since, $lt: before }) });
    let repaired = 0;
    for (const memberId of members as Types.ObjectId[]) {
      const state = await readState(memberId).catch(() => null);
      if (!state) continue;
      const orphans = await entries
        .find({ member: memberId, seq: trustedOperators({ $gt: state.seq }) })
        .lean<LedgerEntryDoc[]>();
      for (const orphan of orphans.filter((entry) => entry.createdAt < before)) {
        await settle(orphan);
        repaired++;
      }
    }
    return repaired;
  }

  /**
   * Checks the invariant for every member: balance == sum of durable deltas, seqs exactly 1..S, no
   * orphans (entries written less than `orphanGraceMs` ago count as in flight, not as mismatches).
   */
  async function checkConsistency(orphanGraceMs = 0, now = new Date()): Promise<LedgerMismatch[]> {
    const groups = await entries.aggregate<{ _id: Types.ObjectId; sum: number; count: number; seqSum: number }>([
      { $group: { _id: '$member', sum: { $sum: '$delta' }, count: { $sum: 1 }, seqSum: { $sum: '$seq' } } },
    ]);
    const byMember = new Map(groups.map((group) => [group._id.toString(), group]));
    const members = await Member.find(
      { $or: [{ [seqField]: trustedOperators({ $gt: 0 }) }, { [balanceField]: trustedOperators({ $ne: 0 }) }] },
      { [balanceField]: 1, [seqField]: 1 },
    ).lean<Record<string, unknown>[]>();
    const seen = new Set<string>();
    const mismatches: LedgerMismatch[] = [];
    const inspect = async (memberId: string, balance: number, seq: number) => {
      const group = byMember.get(memberId);
      const sum = group?.sum ?? 0;
      const count = group?.count ?? 0;
      const seqSum = group?.seqSum ?? 0;
      // count == S and the seqs summing to S(S+1)/2 proves they are exactly 1..S (they are unique).
      if (sum === balance && count === seq && seqSum === (seq * (seq + 1)) / 2 && balance >= 0) return;
      const all = await entries.find({ member: memberId }).sort({ seq: 1 }).lean<LedgerEntryDoc[]>();
      const durable = all.filter((entry) => entry.seq <= seq);
      const orphans = all.filter((entry) => entry.seq > seq);
      const inFlight = orphans.filter((entry) => now.getTime() - new Date(entry.createdAt).getTime() < orphanGraceMs);
      const durableSum = durable.reduce((total, entry) => total + entry.delta, 0);
      const problems: string[] = [];
      if (durableSum !== balance) problems.push(`balance ${balance} != ledger sum ${durableSum}`);
      if (durable.length !== seq) problems.push(`seq ${seq} but ${durable.length} durable entries`);
      if (orphans.length > inFlight.length) problems.push(`${orphans.length - inFlight.length} orphan entries`);
      if (balance < 0) problems.push(`negative balance ${balance}`);
      if (problems.length) {
        mismatches.push({
          memberId,
          balance,
          seq,
          ledgerSum: durableSum,
          entries: durable.length,
          orphans: orphans.length - inFlight.length,
          problems,
        });
      }
    };
    for (const member of members) {
      const memberId = String(member._id);
      seen.add(memberId);
      await inspect(memberId, Number(member[balanceField] ?? 0), Number(member[seqField] ?? 0));
    }
    for (const memberId of byMember.keys()) {
      if (seen.has(memberId)) continue;
      const member = await Member.findById(memberId, { [balanceField]: 1, [seqField]: 1 }).lean<
        Record<string, unknown>
      >();
      await inspect(memberId, Number(member?.[balanceField] ?? 0), Number(member?.[seqField] ?? 0));
    }
    return mismatches;
  }

  return { readState, write, find, durable, settle, repairOrphans, checkConsistency };
}

export interface LedgerMismatch {
  memberId: string;
  balance: number;
  seq: number;
  ledgerSum: number;
  entries: number;
  orphans: number;
  problems: string[];
}
