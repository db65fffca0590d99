/** The member's cart as the storefront sees it: lines re-priced for the member's current tier, flagged, summed. */
import { z } from 'zod';
import { FenSchema } from './money';
import { TierCodeSchema } from './tiers';

export const CART_MAX_QTY = 99;
export const CART_MAX_LINES = 50;

/**
 * ok: can be ordered as it is; unavailable: deleted, off the shelf or no longer sold; locked: the
 * member's tier is now below the product's; short: fewer in stock than the line's quantity (see `stock`).
 */
export const CART_LINE_STATUSES = ['ok', 'unavailable', 'locked', 'short'] as const;
export const CartLineStatusSchema = z.enum(CART_LINE_STATUSES);
export type CartLineStatus = z.infer<typeof CartLineStatusSchema>;

export const SetCartQtyRequestSchema = z.object({ qty: z.number().int().min(0).max(CART_MAX_QTY) }).strict();

export const StoreCartLineSchema = z.object({
  skuId: z.string(),
  productId: z.string().nullable(),
  title: z.string(),
  specsText: z.string(),
  image: z.string(),
  qty: z.number().int(),
  status: CartLineStatusSchema,
  /** What the member pays per unit today (their current tier). */
  price: FenSchema,
  listPrice: FenSchema,
  lineTotal: FenSchema,
  stock: z.number().int(),
  pointsPrice: z.number().int().nullable(),
  /** For locked lines: the tier that unlocks the product again. */
  unlockTier: TierCodeSchema.nullable(),
});
export type StoreCartLine = z.infer<typeof StoreCartLineSchema>;

export const StoreCartSchema = z.object({
  items: z.array(StoreCartLineSchema),
  /** Computed by the shared pricing function over the `ok` lines only. */
  summary: z.object({
    count: z.number().int(),
    listTotal: FenSchema,
    itemsTotal: FenSchema,
    memberSaving: FenSchema,
    shippingFee: FenSchema,
    freeShippingThreshold: FenSchema,
    pointsCost: z.number().int(),
    payable: FenSchema,
  }),
});
export type StoreCart = z.infer<typeof StoreCartSchema>;
