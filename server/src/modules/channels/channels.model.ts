import { TOUCH_TYPES, type TouchType } from '@siyu/shared';
import { model, Schema, type Types } from 'mongoose';

/**
 * Where each member came from: one document per member (`_id` = member id). `first` is the first
 * touch and is written once; `history` keeps every distinct touch (`key` = `type:id`), first included.
 *
 * A member who registers is recorded `organic` and `settled: false`: people register on their way to
 * redeeming a card or accepting an invite, so a real touch within `PROVISIONAL_HOURS` of registration
 * replaces that provisional organic first touch, once (the conditional update requires
 * `settled: false`). Every other first touch is settled from the start and never changes.
 */
const touchSchema = new Schema(
  {
    key: { type: String, required: true },
    type: { type: String, enum: TOUCH_TYPES, required: true },
    id: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { _id: false },
);

const memberSourceSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    first: { type: touchSchema, required: true },
    settled: { type: Boolean, required: true },
    registeredAt: { type: Date, default: null },
    history: { type: [touchSchema], default: [] },
    /** `seen[<encoded key>] = true` for every touch in `history` (the guard against recording one twice). */
    seen: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'member_sources', versionKey: false, timestamps: true },
);
memberSourceSchema.index({ 'first.type': 1, 'first.id': 1 });

export interface TouchDoc {
  key: string;
  type: TouchType;
  id: string | null;
  at: Date;
}
export interface MemberSourceDoc {
  _id: Types.ObjectId;
  first: TouchDoc;
  settled: boolean;
  registeredAt: Date | null;
  history: TouchDoc[];
  seen: Record<string, true>;
  createdAt: Date;
  updatedAt: Date;
}
export const MemberSource = model<MemberSourceDoc>('MemberSource', memberSourceSchema);
