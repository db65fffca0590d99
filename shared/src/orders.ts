/** Checkout and orders: request and response shapes shared by the API and the storefront. */
import { z } from 'zod';
import { CouponOptionSchema } from './coupons';

export const ORDER_STATUS_TEXT = {
  pending_payment: '待付款',
  paid: '待发货',
  shipped: '待收货',
  completed: '已完成',
  cancelled: '已取消',
  refunding: '退款中',
  refunded: '已退款',
} as const;
export type VisibleOrderStatus = keyof typeof ORDER_STATUS_TEXT;
export const VisibleOrderStatusSchema = z.enum(
  Object.keys(ORDER_STATUS_TEXT) as [VisibleOrderStatus, ...VisibleOrderStatus[]],
);

const ObjectIdText = z.string().regex(/^[a-f0-9]{24}$/, 'not an id');

/** Where an order came from (last touch): `live:<id>`, `group:<id>`, `share:<memberId>`. */
export const OrderFromSchema = z
  .string()
  .regex(/^(live|group|share):[A-Za-z0-9_-]{1,40}$/, 'expected live:<id>, group:<id> or share:<id>');

/**
 * A member coupon to use: its id; `null` = use none. Absent: the preview picks the best one (and says so
 * in `couponId`); an order uses only a coupon it names, so what the member saw is what they pay.
 */
const CouponChoiceSchema = ObjectIdText.nullable().optional();

export const OrderLineRequestSchema = z.object({ skuId: ObjectIdText, qty: z.number().int().min(1).max(99) }).strict();

export const OrderPreviewRequestSchema = z
  .object({
    items: z.array(OrderLineRequestSchema).min(1).max(50),
    addressId: ObjectIdText.optional(),
    pointsToUse: z.number().int().min(0).max(100_000_000).optional(),
    couponId: CouponChoiceSchema,
  })
  .strict();

export const CreateOrderRequestSchema = z
  .object({
    items: z.array(OrderLineRequestSchema).min(1).max(50),
    addressId: ObjectIdText,
    remark: z.string().trim().max(200).optional(),
    pointsToUse: z.number().int().min(0).max(100_000_000).optional(),
    /** Remove these SKUs from the cart once the order is placed. */
    fromCart: z.boolean().optional(),
    couponId: CouponChoiceSchema,
    from: OrderFromSchema.optional(),
  })
  .strict();
export type CreateOrderRequest = z.infer<typeof CreateOrderRequestSchema>;

export const OrderLineViewSchema = z.object({
  skuId: z.string(),
  productId: z.string(),
  title: z.string(),
  specsText: z.string(),
  image: z.string(),
  qty: z.number().int(),
  listPrice: z.number().int(),
  unitPrice: z.number().int(),
  priceSource: z.string(),
  lineTotal: z.number().int(),
  pointsCost: z.number().int(),
});

export const OrderAmountsSchema = z.object({
  listTotal: z.number().int(),
  itemsTotal: z.number().int(),
  memberSaving: z.number().int(),
  shippingFee: z.number().int(),
  freeShippingThreshold: z.number().int(),
  pointsCost: z.number().int(),
  pointsUsed: z.number().int(),
  pointsDeduction: z.number().int(),
  payable: z.number().int(),
  pointsEarned: z.number().int(),
  /** What the order's coupon took off the items (0 for orders without one). */
  couponDiscount: z.number().int().default(0),
});

export const OrderPreviewSchema = z.object({
  items: z.array(OrderLineViewSchema),
  amounts: OrderAmountsSchema,
  tier: z.string(),
  pointsBalance: z.number().int(),
  maxPointsUsable: z.number().int(),
  /** Every coupon of the member: what it saves on this order, or why it cannot be used (usable first). */
  coupons: z.array(CouponOptionSchema).default([]),
  /** The coupon applied: the one asked for, or the best one when none was named; null for none. */
  couponId: z.string().nullable().default(null),
  /** Human-readable breakdown lines, in order, as the checkout shows them. */
  breakdown: z.array(
    z.object({
      label: z.string(),
      amount: z.number().int(),
      kind: z.enum(['items', 'discount', 'shipping', 'points', 'payable', 'earn']),
    }),
  ),
});
export type OrderPreview = z.infer<typeof OrderPreviewSchema>;

export const AddressSnapshotSchema = z.object({
  name: z.string(),
  phone: z.string(),
  province: z.string(),
  city: z.string(),
  district: z.string(),
  detail: z.string(),
});

export const OrderViewSchema = z.object({
  id: z.string(),
  orderNo: z.string(),
  status: VisibleOrderStatusSchema,
  statusText: z.string(),
  items: z.array(OrderLineViewSchema),
  amounts: OrderAmountsSchema,
  address: AddressSnapshotSchema,
  remark: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  paidAt: z.string().nullable(),
  shipment: z.object({ carrier: z.string(), trackingNo: z.string(), shippedAt: z.string() }).nullable(),
  autoCompleteAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  refund: z
    .object({
      amount: z.number().int(),
      reason: z.string(),
      requestedAt: z.string(),
      refundedAt: z.string().nullable(),
    })
    .nullable(),
  /** Why a paid order is not shipping yet (待成团), or null. */
  gate: z.string().nullable(),
  /** Where the order came from (a live, a group), or null. */
  attribution: z.object({ type: z.string(), id: z.string() }).nullable(),
  /** The domain that placed it on the member's behalf, e.g. `{ groupId }`. */
  context: z.record(z.string(), z.string()),
  /** What the member can do now. */
  actions: z.array(z.enum(['pay', 'cancel', 'confirm'])),
  /** The member may remove it from their list (删除订单). */
  deletable: z.boolean(),
});
export type OrderView = z.infer<typeof OrderViewSchema>;

export const OrderListQuerySchema = z
  .object({
    status: VisibleOrderStatusSchema.optional(),
    page: z.coerce.number().int().min(1).max(1000).default(1),
    pageSize: z.coerce.number().int().min(1).max(50).default(10),
  })
  .strict();

export const PayParamsSchema = z.object({
  orderNo: z.string(),
  payable: z.number().int(),
  /** Pass to Taro.requestPayment as is. */
  payParams: z.object({
    timeStamp: z.string(),
    nonceStr: z.string(),
    package: z.string(),
    signType: z.literal('RSA'),
    paySign: z.string(),
  }),
  /** Demo mode only: the sandbox cashier that stands in for WeChat's payment sheet. */
  sandbox: z.object({ confirmUrl: z.string() }).optional(),
});
export type PayParams = z.infer<typeof PayParamsSchema>;
