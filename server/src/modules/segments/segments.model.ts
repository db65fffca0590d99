import { model, Schema, type Types } from 'mongoose';

/** A tag on a member: by hand (`manual`) or from a segment (`segment:<id>`). One per (member, tag). */
const memberTagSchema = new Schema(
  {
    _id: { type: String, required: true }, // `<member>:<tag>`
    member: { type: Schema.Types.ObjectId, required: true },
    tag: { type: String, required: true },
    source: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'member_tags', versionKey: false },
);
memberTagSchema.index({ tag: 1 });
memberTagSchema.index({ member: 1 });
export interface MemberTagDoc {
  _id: string;
  member: Types.ObjectId;
  tag: string;
  source: string;
  createdBy: Types.ObjectId | null;
  createdAt: Date;
}
export const MemberTag = model<MemberTagDoc>('MemberTag', memberTagSchema);

/** A saved segment: a name and a rule (every condition must hold). */
const segmentSchema = new Schema(
  {
    name: { type: String, required: true },
    rule: { type: Schema.Types.Mixed, required: true },
    createdBy: { type: Schema.Types.ObjectId, default: null },
    deletedAt: { type: Date, default: null },
  },
  { collection: 'segments', versionKey: false, timestamps: true },
);
export interface SegmentDoc {
  _id: Types.ObjectId;
  name: string;
  rule: import('./segments.schemas').SegmentRule;
  createdBy: Types.ObjectId | null;
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
export const Segment = model<SegmentDoc>('Segment', segmentSchema);

/**
 * A coupon pushed to a segment. `_id` = `<segment>:<Idempotency-Key>`, so a repeated request is the
 * same push; each member's coupon is issued with the key `segment:<segment>:<push>` (once per member).
 */
const segmentPushSchema = new Schema(
  {
    _id: { type: String, required: true },
    segment: { type: Schema.Types.ObjectId, required: true },
    templateId: { type: String, required: true },
    members: { type: Number, default: 0 },
    issued: { type: Number, default: 0 },
    refused: { type: Number, default: 0 },
    refusals: { type: [{ _id: false, memberId: String, code: String }], default: [] },
    finishedAt: { type: Date, default: null },
    createdBy: { type: Schema.Types.ObjectId, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'segment_pushes', versionKey: false },
);
export interface SegmentPushDoc {
  _id: string;
  segment: Types.ObjectId;
  templateId: string;
  members: number;
  issued: number;
  refused: number;
  refusals: { memberId: string; code: string }[];
  finishedAt: Date | null;
  createdBy: Types.ObjectId | null;
  createdAt: Date;
}
export const SegmentPush = model<SegmentPushDoc>('SegmentPush', segmentPushSchema);
