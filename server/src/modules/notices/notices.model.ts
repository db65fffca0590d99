import { model, Schema, type Types } from 'mongoose';

export const NOTICE_GRANT_STATES = ['pending', 'sending', 'sent', 'failed'] as const;
export type NoticeGrantState = (typeof NOTICE_GRANT_STATES)[number];

/**
 * One-time subscribe-message permissions: a member tapped a button, `requestSubscribeMessage` answered
 * `accept` for a template, and a domain will send one message about one topic (`live:<id>`,
 * `group:<id>`). Unique per (member, templateKey, topic): however often the member accepts, one message
 * per topic goes out. The state moves only by conditional updates:
 *
 *   pending → sending (the claim: one sender wins) → sent | failed
 *                       ↘ pending again after a transport failure, at most MAX_ATTEMPTS times
 *
 * A new `accept` re-arms a `failed` grant (a fresh permission); a `sent` one stays sent.
 */
const noticeGrantSchema = new Schema(
  {
    member: { type: Schema.Types.ObjectId, required: true },
    templateKey: { type: String, required: true },
    topic: { type: String, required: true },
    /** The WeChat template id the member accepted (config can change later; WeChat checks this one). */
    templateId: { type: String, required: true },
    state: { type: String, enum: NOTICE_GRANT_STATES, required: true },
    accepts: { type: Number, default: 1 },
    acceptedAt: { type: Date, required: true },
    /** Send attempts made (claims); bounded so a failing send never retries forever. */
    attempts: { type: Number, default: 0 },
    /** Who holds the `sending` claim, and since when (a crash leaves it; the repair step reclaims it). */
    claim: { type: String, default: null },
    claimedAt: { type: Date, default: null },
    sentAt: { type: Date, default: null },
    failedAt: { type: Date, default: null },
    /** The last failure: WeChat's errcode (43101, 47003, …) or our own code (`openid_missing`, `unreachable`). */
    error: {
      type: new Schema(
        { code: { type: String, required: true }, errcode: { type: Number, default: null }, message: String },
        { _id: false },
      ),
      default: null,
    },
    msgid: { type: String, default: null },
    /** Demo mode (no WeChat credentials): recorded as delivered, nothing left the machine. */
    demo: { type: Boolean, default: false },
    /** What was sent, after trimming to WeChat's field limits. */
    page: { type: String, default: null },
    data: { type: Schema.Types.Mixed, default: null },
  },
  { timestamps: true, collection: 'notice_grants' },
);
noticeGrantSchema.index({ member: 1, templateKey: 1, topic: 1 }, { unique: true });
noticeGrantSchema.index({ templateKey: 1, topic: 1, state: 1 });
noticeGrantSchema.index({ state: 1, claimedAt: 1 });

export interface NoticeGrantDoc {
  _id: Types.ObjectId;
  member: Types.ObjectId;
  templateKey: string;
  topic: string;
  templateId: string;
  state: NoticeGrantState;
  accepts: number;
  acceptedAt: Date;
  attempts: number;
  claim: string | null;
  claimedAt: Date | null;
  sentAt: Date | null;
  failedAt: Date | null;
  error: { code: string; errcode: number | null; message?: string } | null;
  msgid: string | null;
  demo: boolean;
  page: string | null;
  data: Record<string, { value: string }> | null;
  createdAt: Date;
  updatedAt: Date;
}
export const NoticeGrant = model<NoticeGrantDoc>('NoticeGrant', noticeGrantSchema);
