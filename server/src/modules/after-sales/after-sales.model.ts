/**
 * After-sales documents. Only this module writes them.
 *
 * Per order, one counter document (`after_sale_orders`, `_id` = order id) keeps every counter beside
 * the proof of who moved it, changed in the same single-document conditional update:
 *
 *   requested.l<i>  ↔ requests     units of line i asked for by the requests listed (pending, approved,
 *                                  refunded); a rejected or withdrawn request leaves the list and frees them
 *   refunded.l<i>, refundedAmount, refundedPoints ↔ refunds (one per approved request, with its share)
 *                                  and `version`, the guard every refund decision is taken under
 *
 * A request (`after_sale_requests`) is written first (`counted: false`), then counted, then marked
 * counted; the repair job finishes or voids one a crash left uncounted, frees the units of rejected or
 * withdrawn requests still listed, and carries approved requests on to their refund.
 */
import { AFTER_SALE_KINDS, AFTER_SALE_STATUSES, type AfterSaleKind } from '@siyu/shared';
import { model, Schema, type Types } from 'mongoose';

/** Request states, with `void` for a request a crash left uncounted that could not be counted (never shown). */
export const AFTER_SALE_REQUEST_STATES = [...AFTER_SALE_STATUSES, 'void'] as const;
export type AfterSaleRequestState = (typeof AFTER_SALE_REQUEST_STATES)[number];

const afterSaleOrderSchema = new Schema(
  {
    _id: { type: String, required: true },
    member: { type: Schema.Types.ObjectId, required: true },
    orderNo: { type: String, required: true },
    /** Units per line (`l<index>`) in the order, and asked for / refunded so far. */
    lineQty: { type: Schema.Types.Mixed, required: true },
    requested: { type: Schema.Types.Mixed, required: true },
    requests: { type: [String], default: [] },
    refunded: { type: Schema.Types.Mixed, required: true },
    refundedAmount: { type: Number, default: 0 },
    refundedPoints: { type: Number, default: 0 },
    refundSeq: { type: Number, default: 0 },
    refunds: {
      type: [
        new Schema(
          { ref: String, seq: Number, outRefundNo: String, amount: Number, points: Number, final: Boolean },
          { _id: false },
        ),
      ],
      default: [],
    },
    version: { type: Number, default: 0 },
  },
  { collection: 'after_sale_orders', minimize: false, versionKey: false, timestamps: true },
);
export const AfterSaleOrder = model('AfterSaleOrder', afterSaleOrderSchema);

export interface AfterSaleRefundShare {
  ref: string;
  seq: number;
  outRefundNo: string;
  amount: number;
  points: number;
  final: boolean;
}

export interface AfterSaleOrderDoc {
  _id: string;
  member: Types.ObjectId;
  orderNo: string;
  lineQty: Record<string, number>;
  requested: Record<string, number>;
  requests: string[];
  refunded: Record<string, number>;
  refundedAmount: number;
  refundedPoints: number;
  refundSeq: number;
  refunds: AfterSaleRefundShare[];
  version: number;
}

const requestLineSchema = new Schema(
  {
    index: { type: Number, required: true },
    skuId: { type: String, required: true },
    title: { type: String, required: true },
    specsText: { type: String, default: '' },
    image: { type: String, default: '' },
    qty: { type: Number, required: true },
    unitPrice: { type: Number, required: true },
  },
  { _id: false },
);

const afterSaleRequestSchema = new Schema(
  {
    member: { type: Schema.Types.ObjectId, required: true },
    order: { type: Schema.Types.ObjectId, required: true },
    orderNo: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    kind: { type: String, enum: AFTER_SALE_KINDS, required: true },
    lines: { type: [requestLineSchema], required: true },
    reason: { type: String, required: true },
    description: { type: String, default: '' },
    photos: { type: [String], default: [] },
    status: { type: String, enum: AFTER_SALE_REQUEST_STATES, required: true },
    counted: { type: Boolean, default: false },
    /** A rejected, withdrawn or void request's units are free again (set after the counter let them go). */
    freed: { type: Boolean, default: false },
    note: { type: String, default: '' },
    decidedBy: { type: String, default: null },
    decidedAt: { type: Date, default: null },
    withdrawnAt: { type: Date, default: null },
    refund: {
      type: new Schema(
        { outRefundNo: String, amount: Number, points: Number, final: Boolean, seq: Number },
        { _id: false },
      ),
      default: null,
    },
    refundedAt: { type: Date, default: null },
  },
  { collection: 'after_sale_requests', timestamps: true },
);
afterSaleRequestSchema.index({ member: 1, idempotencyKey: 1 }, { unique: true });
afterSaleRequestSchema.index({ member: 1, createdAt: -1 });
afterSaleRequestSchema.index({ order: 1, createdAt: 1 });
afterSaleRequestSchema.index({ status: 1, createdAt: -1 });
afterSaleRequestSchema.index({ status: 1, updatedAt: 1 });
export const AfterSaleRequest = model('AfterSaleRequest', afterSaleRequestSchema);

export interface AfterSaleRequestDoc {
  _id: Types.ObjectId;
  member: Types.ObjectId;
  order: Types.ObjectId;
  orderNo: string;
  idempotencyKey: string;
  kind: AfterSaleKind;
  lines: {
    index: number;
    skuId: string;
    title: string;
    specsText: string;
    image: string;
    qty: number;
    unitPrice: number;
  }[];
  reason: string;
  description: string;
  photos: string[];
  status: AfterSaleRequestState;
  counted: boolean;
  freed: boolean;
  note: string;
  decidedBy: string | null;
  decidedAt: Date | null;
  withdrawnAt: Date | null;
  refund: { outRefundNo: string; amount: number; points: number; final: boolean; seq: number } | null;
  refundedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
