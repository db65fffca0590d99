/**
 * Acquisition channels: every member's first touch (package-card batch, invite, live, group-buy share or
 * organic) and the later touches as history. Other modules report touches through `recordTouch`; the
 * first touch is decided by single-document conditional updates, so concurrent touches cannot both win
 * and nothing ever overwrites a settled first touch.
 */
import { TOUCH_TYPE_NAMES, type TouchType } from '@siyu/shared';
import { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import { isDuplicateKey } from '../../http/errors';
import { MemberSource, type MemberSourceDoc, type TouchDoc } from './channels.model';

/** A real touch this soon after registration is where the member came from (they registered on the way). */
export const PROVISIONAL_HOURS = 24;

export interface Touch {
  type: TouchType;
  id?: string;
  at: Date;
}

export interface MemberSourceView {
  memberId: string;
  first: { type: TouchType; typeName: string; id: string | null; at: string };
  history: { type: TouchType; typeName: string; id: string | null; at: string }[];
}

const toTouchDoc = (touch: Touch): TouchDoc => ({
  key: `${touch.type}:${touch.id ?? ''}`,
  type: touch.type,
  id: touch.id ?? null,
  at: touch.at,
});

/** A touch key as a field name (no dots, no leading `$`). */
const seenKey = (key: string) => encodeURIComponent(key).replace(/\./g, '%2E').replace(/%/g, '~');

const viewOf = (touch: TouchDoc) => ({
  type: touch.type,
  typeName: TOUCH_TYPE_NAMES[touch.type],
  id: touch.id ?? null,
  at: new Date(touch.at).toISOString(),
});

function objectId(memberId: string | Types.ObjectId): Types.ObjectId {
  return memberId instanceof Types.ObjectId ? memberId : new Types.ObjectId(memberId);
}

export function createChannelsService() {
  /** Inserts the member's source document if it does not exist; answers whether this call inserted it. */
  async function insertFirst(memberId: Types.ObjectId, touch: TouchDoc, settled: boolean): Promise<boolean> {
    try {
      const result = await MemberSource.updateOne(
        { _id: memberId },
        {
          $setOnInsert: {
            first: touch,
            settled,
            registeredAt: settled ? null : touch.at,
            history: [touch],
            seen: { [seenKey(touch.key)]: true },
          },
        },
        { upsert: true },
      );
      return result.upsertedCount > 0;
    } catch (error) {
      if (isDuplicateKey(error)) return false; // a concurrent first touch won the insert
      throw error;
    }
  }

  const service = {
    /**
     * Records a touch. The first touch wins (set once); a provisional organic first touch from
     * registration is replaced by a real touch within PROVISIONAL_HOURS; every distinct touch is kept
     * in the history once. Repeating a call changes nothing.
     */
    async recordTouch(memberId: string | Types.ObjectId, touch: Touch): Promise<void> {
      const id = objectId(memberId);
      const doc = toTouchDoc(touch);
      const settled = touch.type !== 'organic';
      if (await insertFirst(id, doc, settled)) return;
      // Organic is only ever a member's starting point, never a later touch.
      if (!settled) return;
      const since = new Date(touch.at.getTime() - PROVISIONAL_HOURS * 3_600_000);
      await MemberSource.updateOne(
        { _id: id, settled: false, registeredAt: trustedOperators({ $gte: since }) },
        { $set: { first: doc, settled: true } },
      );
      // `seen.<key>` marks a touch already in the history: an `$exists` guard behaves the same on every
      // engine (FerretDB 1.x matches `$ne` on array paths differently from MongoDB).
      const seen = `seen.${seenKey(doc.key)}`;
      await MemberSource.updateOne(
        { _id: id, [seen]: trustedOperators({ $exists: false }) },
        { $push: { history: doc }, $set: { [seen]: true } },
      );
    },

    /** identity's onMemberCreated: an invited member came by invite, everyone else is organic for now. */
    async onMemberCreated(member: { _id: Types.ObjectId; invitedBy?: Types.ObjectId | null; createdAt?: Date }) {
      const at = member.createdAt ? new Date(member.createdAt) : new Date();
      if (member.invitedBy) {
        await service.recordTouch(member._id, { type: 'invite', id: member.invitedBy.toString(), at });
      } else {
        await service.recordTouch(member._id, { type: 'organic', at });
      }
    },

    /** The member's source; a member without a record (registered before channels existed) is organic. */
    async sourceOf(memberId: string): Promise<MemberSourceView> {
      const doc = Types.ObjectId.isValid(memberId)
        ? await MemberSource.findById(memberId).lean<MemberSourceDoc>()
        : null;
      if (!doc) {
        const organic = viewOf(toTouchDoc({ type: 'organic', at: new Date(0) }));
        return { memberId, first: organic, history: [] };
      }
      return { memberId, first: viewOf(doc.first), history: doc.history.map(viewOf) };
    },

    /** Members per first-touch channel (and per batch or inviter id within it). */
    async firstTouchSummary(): Promise<{ type: TouchType; typeName: string; id: string | null; members: number }[]> {
      const rows = await MemberSource.aggregate<{ _id: { type: TouchType; id: string | null }; members: number }>([
        { $group: { _id: { type: '$first.type', id: '$first.id' }, members: { $sum: 1 } } },
      ]);
      return rows
        .map((row) => ({
          type: row._id.type,
          typeName: TOUCH_TYPE_NAMES[row._id.type],
          id: row._id.id ?? null,
          members: row.members,
        }))
        .sort((a, b) => b.members - a.members);
    },

    /** Member ids whose first touch is `type` (and `id` when given): segments read this. */
    async membersFirstTouchedBy(type: TouchType, id?: string): Promise<Types.ObjectId[]> {
      const filter: Record<string, unknown> = { 'first.type': type };
      if (id) filter['first.id'] = id;
      const docs = await MemberSource.find(filter, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
      return docs.map((doc) => doc._id);
    },
  };
  return service;
}

export type ChannelsService = ReturnType<typeof createChannelsService>;
