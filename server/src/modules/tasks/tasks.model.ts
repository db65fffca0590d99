import { REVIEW_PLATFORMS, REVIEW_STATUSES, TASK_CODES, TASK_FREQUENCIES } from '@siyu/shared';
import { model, Schema, type Types } from 'mongoose';

/** The task catalog: one document per built-in task, edited by operators. Behaviour is code. */
const taskConfigSchema = new Schema(
  {
    _id: { type: String, enum: TASK_CODES, required: true },
    title: { type: String, required: true },
    description: { type: String, default: '' },
    points: { type: Number, required: true, min: 0 },
    frequency: { type: String, enum: TASK_FREQUENCIES, required: true },
    monthlyCap: { type: Number, default: null },
    enabled: { type: Boolean, default: true },
    streakBonusPoints: { type: Number, default: null },
    /** follow-official-account: the one code that works now (rotated by operators). */
    followCode: { type: String, default: null },
    followCodeSetAt: { type: Date, default: null },
    updatedAt: { type: Date, default: null },
  },
  { collection: 'task_configs', versionKey: false },
);
export interface TaskConfigDoc {
  _id: (typeof TASK_CODES)[number];
  title: string;
  description: string;
  points: number;
  frequency: (typeof TASK_FREQUENCIES)[number];
  monthlyCap: number | null;
  enabled: boolean;
  streakBonusPoints: number | null;
  followCode: string | null;
  followCodeSetAt: Date | null;
  updatedAt: Date | null;
}
export const TaskConfig = model<TaskConfigDoc>('TaskConfig', taskConfigSchema);

/** One check-in per member per Shanghai day (the unique key is what makes ten taps one check-in). */
const checkinSchema = new Schema(
  {
    member: { type: Schema.Types.ObjectId, required: true },
    day: { type: String, required: true }, // YYYY-MM-DD, Asia/Shanghai
    /** Consecutive days ending with this one, fixed when the check-in is written. */
    streak: { type: Number, required: true, min: 1 },
    createdAt: { type: Date, required: true },
  },
  { collection: 'checkins', versionKey: false },
);
checkinSchema.index({ member: 1, day: 1 }, { unique: true });
export interface CheckinDoc {
  _id: Types.ObjectId;
  member: Types.ObjectId;
  day: string;
  streak: number;
  createdAt: Date;
}
export const Checkin = model<CheckinDoc>('Checkin', checkinSchema);

/** A member's review screenshot waiting for, or past, a person's approval. */
const reviewSubmissionSchema = new Schema(
  {
    member: { type: Schema.Types.ObjectId, required: true },
    platform: { type: String, enum: REVIEW_PLATFORMS, required: true },
    orderRef: { type: String, required: true },
    /** `<platform>:<orderRef lowercased>`: one reward per platform order, across all members. */
    claimKey: { type: String, required: true },
    imageUrl: { type: String, required: true },
    status: { type: String, enum: REVIEW_STATUSES, default: 'pending' },
    rejectReason: { type: String, default: null },
    /** Set when rejected because another submission already holds this platform order. */
    duplicateOf: { type: Schema.Types.ObjectId, default: null },
    /** Approved and the points step done (a repair job finishes approvals cut short). */
    credited: { type: Boolean, default: false },
    pointsAwarded: { type: Number, default: 0 },
    reviewedBy: { type: Schema.Types.ObjectId, default: null },
    reviewedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'review_submissions', versionKey: false },
);
reviewSubmissionSchema.index({ member: 1, createdAt: -1 });
reviewSubmissionSchema.index({ status: 1, createdAt: 1 });
reviewSubmissionSchema.index({ claimKey: 1 });
export interface ReviewSubmissionDoc {
  _id: Types.ObjectId;
  member: Types.ObjectId;
  platform: (typeof REVIEW_PLATFORMS)[number];
  orderRef: string;
  claimKey: string;
  imageUrl: string;
  status: (typeof REVIEW_STATUSES)[number];
  rejectReason: string | null;
  duplicateOf: Types.ObjectId | null;
  credited: boolean;
  pointsAwarded: number;
  reviewedBy: Types.ObjectId | null;
  reviewedAt: Date | null;
  createdAt: Date;
}
export const ReviewSubmission = model<ReviewSubmissionDoc>('ReviewSubmission', reviewSubmissionSchema);

/** Which submission holds a platform order's reward; the unique _id decides between two approvals. */
const reviewClaimSchema = new Schema(
  {
    _id: { type: String, required: true }, // claimKey
    submission: { type: Schema.Types.ObjectId, required: true },
    member: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'review_claims', versionKey: false },
);
export interface ReviewClaimDoc {
  _id: string;
  submission: Types.ObjectId;
  member: Types.ObjectId;
  createdAt: Date;
}
export const ReviewClaim = model<ReviewClaimDoc>('ReviewClaim', reviewClaimSchema);

/**
 * Which order earned a member's one-time order rewards (first-order, and the inviter's invite-friend),
 * so that refunding that order takes them back. `_id: 'first-order:<memberId>'`; the first order to
 * complete claims it (insert-once), later orders do not.
 */
const orderRewardSchema = new Schema(
  { _id: { type: String, required: true }, order: { type: String, required: true }, createdAt: Date },
  { collection: 'task_order_rewards', versionKey: false },
);
export const TaskOrderReward = model('TaskOrderReward', orderRewardSchema);
