import { LIVE_PRODUCT_ROLES, LIVE_STATUSES, type LiveProductRole, type LiveStatus } from '@siyu/shared';
import { model, Schema, type Types } from 'mongoose';

/**
 * A Channels (视频号) live the brand announces in the mini-program: when, which account streams it,
 * and the lineup of mini-program products it sells, in order, each with its role.
 * `status` is what the operator last set; what shoppers see also follows the clock (see `liveStatus`).
 */
const livestreamSchema = new Schema(
  {
    title: { type: String, required: true },
    cover: { type: String, default: '' },
    description: { type: String, default: '' },
    finderUserName: { type: String, required: true },
    noticeId: { type: String, default: null },
    startsAt: { type: Date, required: true },
    /** When it counts as over by the clock (the operator's, or four hours after the start). */
    endsAt: { type: Date, required: true },
    status: { type: String, enum: LIVE_STATUSES, default: 'scheduled' },
    products: {
      type: [
        {
          _id: false,
          productId: { type: Schema.Types.ObjectId, required: true },
          role: { type: String, enum: LIVE_PRODUCT_ROLES, required: true },
        },
      ],
      default: [],
    },
    reservationRewardPoints: { type: Number, default: 0 },
    deletedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'livestreams' },
);
livestreamSchema.index({ deletedAt: 1, endsAt: 1, startsAt: 1 });
livestreamSchema.index({ startsAt: -1 });

export interface LivestreamDoc {
  _id: Types.ObjectId;
  title: string;
  cover: string;
  description: string;
  finderUserName: string;
  noticeId: string | null;
  startsAt: Date;
  endsAt: Date;
  status: LiveStatus;
  products: { productId: Types.ObjectId; role: LiveProductRole }[];
  reservationRewardPoints: number;
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
export const Livestream = model<LivestreamDoc>('Livestream', livestreamSchema);

/**
 * One per (live, member): the member's own record of reserving, which decides the button (WeChat's
 * `reservable` stays true after reserving). Changed only by states 6 (reserve) and 7 (cancel).
 */
const liveReservationSchema = new Schema(
  {
    live: { type: Schema.Types.ObjectId, required: true },
    member: { type: Schema.Types.ObjectId, required: true },
    state: { type: String, enum: ['reserved', 'cancelled'], required: true },
    reservedAt: { type: Date, required: true },
    cancelledAt: { type: Date, default: null },
    /** Points credited for reserving this live (once ever, by the points ledger key `live_reservation:<live>`). */
    rewardPoints: { type: Number, default: 0 },
  },
  { timestamps: true, collection: 'live_reservations' },
);
liveReservationSchema.index({ live: 1, member: 1 }, { unique: true });
liveReservationSchema.index({ member: 1, state: 1 });
liveReservationSchema.index({ live: 1, state: 1 });

export interface LiveReservationDoc {
  _id: Types.ObjectId;
  live: Types.ObjectId;
  member: Types.ObjectId;
  state: 'reserved' | 'cancelled';
  reservedAt: Date;
  cancelledAt: Date | null;
  rewardPoints: number;
}
export const LiveReservation = model<LiveReservationDoc>('LiveReservation', liveReservationSchema);

/** Every state `reserveChannelsLive` reported, as reported (dismissals too): what WeChat's popup did. */
const liveReservationOutcomeSchema = new Schema(
  {
    live: { type: Schema.Types.ObjectId, required: true },
    member: { type: Schema.Types.ObjectId, required: true },
    state: { type: Number, required: true },
    outcome: { type: String, enum: ['reserved', 'cancelled', 'dismissed'], required: true },
    at: { type: Date, required: true },
  },
  { collection: 'live_reservation_outcomes', versionKey: false },
);
liveReservationOutcomeSchema.index({ live: 1, at: -1 });
export const LiveReservationOutcome = model('LiveReservationOutcome', liveReservationOutcomeSchema);

/** A click-through from the live's lineup to a product, one per (live, viewer, Shanghai day): `_id` is that key. */
const liveClickSchema = new Schema(
  {
    _id: { type: String, required: true },
    live: { type: Schema.Types.ObjectId, required: true },
    viewer: { type: String, required: true },
    day: { type: String, required: true },
    productId: { type: Schema.Types.ObjectId, default: null },
    at: { type: Date, required: true },
  },
  { collection: 'live_clicks', versionKey: false },
);
liveClickSchema.index({ live: 1 });
export const LiveClick = model('LiveClick', liveClickSchema);

/**
 * Paid orders attributed to a live, keyed by the order (`_id`): the order subscriber upserts it on
 * `paid` and marks it on `refunded`, so a redelivered event changes nothing.
 */
const liveOrderSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    live: { type: Schema.Types.ObjectId, required: true },
    member: { type: Schema.Types.ObjectId, required: true },
    /** What the member paid in cash (fen). */
    payable: { type: Number, required: true },
    paidAt: { type: Date, required: true },
    refundedAt: { type: Date, default: null },
  },
  { collection: 'live_orders', versionKey: false },
);
liveOrderSchema.index({ live: 1, refundedAt: 1 });

export interface LiveOrderDoc {
  _id: Types.ObjectId;
  live: Types.ObjectId;
  member: Types.ObjectId;
  payable: number;
  paidAt: Date;
  refundedAt: Date | null;
}
export const LiveOrder = model<LiveOrderDoc>('LiveOrder', liveOrderSchema);
