import { INVITATION_STATUSES, type InvitationStatus } from '@siyu/shared';
import { model, Schema, type Types } from 'mongoose';

/**
 * One invitation per invitee (`_id` = the invitee's member id), whose inviter identity recorded at
 * registration (`member.invitedBy`). It follows the invitee's orders: `joined` → `ordered` (a paid
 * order, `qualifyingOrder`) → `rewarded` or `capped` when that order completes unrefunded; a refund of
 * the qualifying order before then sends it back to `joined` (the next paid order may qualify).
 * Every move is a conditional update guarded by the status and the order it names.
 */
const invitationSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    inviter: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: INVITATION_STATUSES, default: 'joined' },
    joinedAt: { type: Date, required: true },
    qualifyingOrder: { type: String, default: null },
    orderedAt: { type: Date, default: null },
    rewardPoints: { type: Number, default: 0 },
    settledAt: { type: Date, default: null },
  },
  { collection: 'invitations', versionKey: false },
);
invitationSchema.index({ inviter: 1, joinedAt: -1 });

export interface InvitationDoc {
  _id: Types.ObjectId;
  inviter: Types.ObjectId;
  status: InvitationStatus;
  joinedAt: Date;
  qualifyingOrder: string | null;
  orderedAt: Date | null;
  rewardPoints: number;
  settledAt: Date | null;
}
export const Invitation = model<InvitationDoc>('Invitation', invitationSchema);
