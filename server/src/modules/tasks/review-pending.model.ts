import { model, Schema, type Types } from 'mongoose';

/**
 * At most one pending review submission per member and platform order: the submission takes this key
 * (`<member>|<claimKey>`, unique by _id on every engine) before it is written and gives it back when it
 * is approved or rejected. A key whose submission is missing or no longer pending (a crash between the
 * two writes, or before the give-back) is stale and is taken over by the next submission.
 */
const reviewPendingSchema = new Schema(
  {
    _id: { type: String, required: true },
    submission: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'review_pending_keys', versionKey: false },
);
export interface ReviewPendingDoc {
  _id: string;
  submission: Types.ObjectId;
  createdAt: Date;
}
export const ReviewPending = model<ReviewPendingDoc>('ReviewPending', reviewPendingSchema);
