import { model, Schema, type Types } from 'mongoose';

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
    /**
     * What this order holds, so each is given back exactly once: a SKU id leaves `stock`/`limits`
     * (conditional $pull) in the same step that decides to return it.
     */
    holds: {
      type: new Schema(
        {
          stock: { type: [String], default: [] },
          limits: { type: [String], default: [] },
          points: { type: Number, default: 0 },
        },
        { _id: false },
      ),
      default: () => ({ stock: [], limits: [], points: 0 }),
    },
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
    /** A payment that arrived for an order already cancelled: refunded automatically. */
    latePayment: {
      type: new Schema(
        { transactionId: String, amount: Number, outRefundNo: String, refundRequestedAt: Date, refundedAt: Date },
        { _id: false },
      ),
      default: null,
    },
    /** Membership has been told (growth/points); a job retries until it has. */
    membershipNotified: {
      type: new Schema({ completed: Boolean, refunded: Boolean }, { _id: false }),
      default: () => ({}),
    },
  },
  { timestamps: true, collection: 'orders' },
);
orderSchema.index({ orderNo: 1 }, { unique: true });
orderSchema.index({ member: 1, idempotencyKey: 1 }, { unique: true });
orderSchema.index({ member: 1, createdAt: -1 });
orderSchema.index({ status: 1, expiresAt: 1 });
orderSchema.index({ status: 1, autoCompleteAt: 1 });
orderSchema.index({ status: 1, createdAt: -1 });

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
  };
  tier: string;
  address: { name: string; phone: string; province: string; city: string; district: string; detail: string };
  remark: string;
  holds: { stock: string[]; limits: string[]; points: number };
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
  latePayment: {
    transactionId: string;
    amount: number;
    outRefundNo: string;
    refundRequestedAt?: Date;
    refundedAt?: Date;
  } | null;
  membershipNotified: { completed?: boolean; refunded?: boolean };
  createdAt: Date;
  updatedAt: Date;
}

/** Per member and SKU, how many were bought (held by live orders): the purchase-limit counter. */
const skuPurchaseSchema = new Schema(
  { _id: { type: String, required: true }, qty: { type: Number, default: 0 } },
  { collection: 'sku_purchases', versionKey: false },
);
export const SkuPurchase = model('SkuPurchase', skuPurchaseSchema);

/** One row per WeChat Pay transaction id: a transaction can pay exactly one order, once. */
const paymentTransactionSchema = new Schema(
  {
    _id: { type: String, required: true },
    orderNo: { type: String, required: true },
    amount: { type: Number, required: true },
  },
  { collection: 'payment_transactions', timestamps: { createdAt: true, updatedAt: false } },
);
export const PaymentTransaction = model('PaymentTransaction', paymentTransactionSchema);
