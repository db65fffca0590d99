import { model, Schema, type Types } from 'mongoose';

/**
 * One cart per member, keyed by the member id. Lines are keyed by SKU id in an object field
 * (`items.<skuId>`), so adding, changing and removing a line are single-document `$set`/`$unset`
 * updates on every engine (FerretDB 1.x has neither arrayFilters nor the positional `$` operator).
 */
const cartItemSchema = new Schema(
  { qty: { type: Number, required: true, min: 1 }, addedAt: { type: Date, required: true } },
  { _id: false },
);

const cartSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    items: { type: Map, of: cartItemSchema, default: {} },
    /**
     * How many lines `items` holds, moved by the same update that adds or removes a line, so the
     * 50-line cap is a guard in the filter (`lineCount < 50`), not a read-then-write. Carts saved before
     * it existed get it counted once on their next write.
     */
    lineCount: { type: Number },
  },
  { timestamps: true, collection: 'carts' },
);

export interface CartDoc {
  _id: Types.ObjectId;
  items: Record<string, { qty: number; addedAt: Date }>;
  lineCount?: number;
  createdAt: Date;
  updatedAt: Date;
}
export const Cart = model('Cart', cartSchema);
