import { model, Schema, type Types } from 'mongoose';

/**
 * A recorded One-ID merge: the retired record (`_id`) goes into `into`. Written before anything moves,
 * so a crash at any point leaves an intent that the merge job finishes. Each owning module moves its own
 * collections (`moveMember(from, to)`, idempotent); `steps.<name>` records which ones are done.
 */
const memberMergeSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true }, // the retired member
    into: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: ['pending', 'done'], default: 'pending' },
    steps: { type: Schema.Types.Mixed, default: {} },
    lastError: { type: String, default: null },
    createdAt: { type: Date, required: true },
    doneAt: { type: Date, default: null },
  },
  { collection: 'member_merges', versionKey: false, minimize: false },
);
memberMergeSchema.index({ status: 1, createdAt: 1 });
memberMergeSchema.index({ into: 1 });

export interface MemberMergeDoc {
  _id: Types.ObjectId;
  into: Types.ObjectId;
  status: 'pending' | 'done';
  steps: Record<string, Date>;
  lastError: string | null;
  createdAt: Date;
  doneAt: Date | null;
}
export const MemberMerge = model<MemberMergeDoc>('MemberMerge', memberMergeSchema);
