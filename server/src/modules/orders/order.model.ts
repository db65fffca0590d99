import { model, Schema, type Types } from 'mongoose';
import type { OrderEventType } from './order-extensions';

export const ORDER_STATUSES = [
  'creating', // intent recorded, stock/points being taken (internal)
  'failed', // creation failed and everything taken was given back (internal)
  'pending_payment',
  'paid',
  'shipped',
  'completed',
  'cancelled',
  'refunding',
  'refunded',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

const lineSchema = new Schema(
  {
    skuId: { type: String, required: true },
    productId: { type: String, required: true },
    title: { type: String, required: true },
    specsText: { type: String, default: '' },
    image: { type: String, default: '' },
    qty: { type: Number, required: true },
    listPrice: { type: Number, required: true },
    unitPrice: { type: Number, required: true },
    priceSource: { type: String, required: true },
    lineTotal: { type: Number, required: true },
    pointsCost: { type: Number, default: 0 },
    limitPerMember: { type: Number, default: 0 },
    /** This line's share of the coupon discount (prorated to the fen by the pricing function). */
    couponDiscount: { type: Number, default: 0 },
  },
  { _id: false },
);

const orderSchema = new Schema(
  {
    orderNo: { type: String, required: true },
    member: { type: Schema.Types.ObjectId, required: true },
    idempotencyKey: { type: String, required: true },
    requestHash: { type: String, required: true },
    status: { type: String, enum: ORDER_STATUSES, required: true },
    failure: { type: new Schema({ type: String, code: String, message: String }, { _id: false }), default: null },
    items: { type: [lineSchema], required: true },
    amounts: {
      type: new Schema(
        {
          listTotal: Number,
          itemsTotal: Number,
          memberSaving: Number,
          shippingFee: Number,
          freeShippingThreshold: Number,
          pointsCost: Number,
          pointsUsed: Number,
          pointsDeduction: Number,
          payable: Number,
          pointsEarned: Number,
          couponDiscount: { type: Number, default: 0 },
        },
        { _id: false },
      ),
      required: true,
    },
    tier: { type: String, required: true },
    address: {
      type: new Schema(
        { name: String, phone: String, province: String, city: String, district: String, detail: String },
        { _id: false },
      ),
      required: true,
    },
    remark: { type: String, default: '' },
    expiresAt: { type: Date, default: null },
    payment: {
      type: new Schema(
        { prepayId: String, prepayAt: Date, transactionId: String, paidAt: Date, paidAmount: Number },
        { _id: false },
      ),
      default: () => ({}),
    },
    shipment: {
      type: new Schema({ carrier: String, trackingNo: String, shippedAt: Date }, { _id: false }),
      default: null,
    },
    autoCompleteAt: { type: Date, default: null },
    completedAt: { type: Date, default: null },
    completedBy: { type: String, default: null },
    cancelledAt: { type: Date, default: null },
    cancelReason: { type: String, default: null },
    refund: {
      type: new Schema(
        {
          outRefundNo: String,
          amount: Number,
          reason: String,
          requestedAt: Date,
          refundId: String,
          refundedAt: Date,
          fromStatus: String,
        },
        { _id: false },
      ),
      default: null,
    },
    /**
     * After-sales refunds of some lines, decided by the after-sales module (amounts prorated to the fen,
     * keyed by `ref` = the request id, each with its own out_refund_no), and the ones whose money came back
     * (`partialRefundsDone`). Two arrays so that each step is one `$push` guarded by the ref being absent.
     */
    partialRefunds: {
      type: [
        new Schema(
          {
            ref: { type: String, required: true },
            outRefundNo: { type: String, required: true },
            amount: { type: Number, required: true },
            points: { type: Number, default: 0 },
            lines: { type: [new Schema({ index: Number, skuId: String, qty: Number }, { _id: false })], default: [] },
            final: { type: Boolean, default: false },
            requestedAt: Date,
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    /** The refs of `partialRefunds` and `partialRefundsDone`, flat: what the updates guard on. */
    partialRefundRefs: { type: [String], default: [] },
    partialRefundDoneRefs: { type: [String], default: [] },
    partialRefundsDone: {
      type: [new Schema({ ref: String, refundId: String, refundedAt: Date, completedBefore: Boolean }, { _id: false })],
      default: [],
    },
    /** A payment that arrived for an order already cancelled: refunded automatically. */
    latePayment: {
      type: new Schema(
        { transactionId: String, amount: Number, outRefundNo: String, refundRequestedAt: Date, refundedAt: Date },
        { _id: false },
      ),
      default: null,
    },
    /**
     * Hold kinds taken for this order (informational: every hold kind proves its own take on the
     * document it changed, so recovery gives back by asking each kind, recorded here or not).
     */
    holdsTaken: { type: [String], default: [] },
    /** The member coupon this order uses (a coupon hold), or null. */
    couponId: { type: String, default: null },
    /** Conditions to lift before the order may ship, e.g. a group that has not succeeded yet. */
    gates: {
      type: [
        new Schema({ name: { type: String, required: true }, text: { type: String, required: true } }, { _id: false }),
      ],
      default: [],
    },
    /** Attachments of the domain that placed the order on the member's behalf (`{ groupId, campaignId }`). */
    context: { type: Schema.Types.Mixed, default: () => ({}) },
    /** Where the order came from (last touch): a live, a group share. */
    attribution: {
      type: new Schema({ type: String, id: String, at: Date }, { _id: false }),
      default: null,
    },
    /**
     * Every transition appends its event here in the same conditional update that makes it, so no
     * event is ever lost; `delivered` holds `<subscriber>:<event key>` once a subscriber has handled it.
     * `deliverAfter` is set while something may be undelivered: the delivery job claims orders whose
     * time has come by moving it forward (a lease), and clears it once everything is delivered.
     */
    events: {
      type: [
        new Schema(
          {
            type: { type: String, required: true },
            at: { type: Date, required: true },
            key: { type: String, required: true },
            ref: String,
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    eventCount: { type: Number, default: 0 },
    delivered: { type: [String], default: [] },
    deliverAfter: { type: Date, default: null },
    /** Hidden from the member's own list (删除订单); the order itself stays for the shop. */
    hiddenByMember: { type: Boolean, default: false },
  },
  { timestamps: true, collection: 'orders' },
);
orderSchema.index({ orderNo: 1 }, { unique: true });
orderSchema.index({ member: 1, idempotencyKey: 1 }, { unique: true });
orderSchema.index({ member: 1, createdAt: -1 });
orderSchema.index({ status: 1, expiresAt: 1 });
orderSchema.index({ status: 1, autoCompleteAt: 1 });
orderSchema.index({ status: 1, createdAt: -1 });
orderSchema.index({ deliverAfter: 1 });
orderSchema.index({ member: 1, status: 1 });

export const Order = model('Order', orderSchema);

export interface OrderLine {
  skuId: string;
  productId: string;
  title: string;
  specsText: string;
  image: string;
  qty: number;
  listPrice: number;
  unitPrice: number;
  priceSource: string;
  lineTotal: number;
  pointsCost: number;
  limitPerMember: number;
  couponDiscount?: number;
}

export interface OrderDoc {
  _id: Types.ObjectId;
  orderNo: string;
  member: Types.ObjectId;
  idempotencyKey: string;
  requestHash: string;
  status: OrderStatus;
  failure: { type: string; code: string; message: string } | null;
  items: OrderLine[];
  amounts: {
    listTotal: number;
    itemsTotal: number;
    memberSaving: number;
    shippingFee: number;
    freeShippingThreshold: number;
    pointsCost: number;
    pointsUsed: number;
    pointsDeduction: number;
    payable: number;
    pointsEarned: number;
    couponDiscount?: number;
  };
  tier: string;
  address: { name: string; phone: string; province: string; city: string; district: string; detail: string };
  remark: string;
  expiresAt: Date | null;
  payment: { prepayId?: string; prepayAt?: Date; transactionId?: string; paidAt?: Date; paidAmount?: number };
  shipment: { carrier: string; trackingNo: string; shippedAt: Date } | null;
  autoCompleteAt: Date | null;
  completedAt: Date | null;
  completedBy: string | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  refund: {
    outRefundNo: string;
    amount: number;
    reason: string;
    requestedAt: Date;
    refundId?: string;
    refundedAt?: Date;
    fromStatus: string;
  } | null;
  partialRefunds?: PartialRefund[];
  partialRefundsDone?: PartialRefundDone[];
  latePayment: {
    transactionId: string;
    amount: number;
    outRefundNo: string;
    refundRequestedAt?: Date;
    refundedAt?: Date;
  } | null;
  holdsTaken: string[];
  couponId: string | null;
  gates: { name: string; text: string }[];
  context: Record<string, string>;
  attribution: { type: string; id: string; at: Date } | null;
  events: { type: OrderEventType; at: Date; key: string; ref?: string }[];
  eventCount: number;
  delivered: string[];
  deliverAfter: Date | null;
  hiddenByMember: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** One after-sales refund of some lines (see `partialRefunds`). */
export interface PartialRefund {
  ref: string;
  outRefundNo: string;
  amount: number;
  points: number;
  lines: { index: number; skuId: string; qty: number }[];
  /** It refunds the last units of the order: settling it ends the order `refunded`. */
  final: boolean;
  requestedAt: Date;
}

export interface PartialRefundDone {
  ref: string;
  refundId: string;
  refundedAt: Date;
  /** The order had completed (earned growth and points) when this refund settled. */
  completedBefore: boolean;
}

/**
 * Per member and SKU, how many were bought (held by live orders): the purchase-limit counter. `orders`
 * lists the orders counted in `qty`: the proof that lets a take or give-back be repeated safely (at most
 * `limit` entries, since every order counts at least one unit).
 */
const skuPurchaseSchema = new Schema(
  {
    _id: { type: String, required: true },
    qty: { type: Number, default: 0 },
    orders: { type: [new Schema({ id: String, qty: Number }, { _id: false })], default: [] },
    /**
     * The ids in `orders`, flat: the guards match on this (FerretDB 1.x on PostgreSQL does not match
     * a dotted path into an array of documents, such as `orders.id`).
     */
    ids: { type: [String], default: [] },
  },
  { collection: 'sku_purchases', versionKey: false },
);
export const SkuPurchase = model('SkuPurchase', skuPurchaseSchema);
