/**
 * After-sales (售后): a member asks for a refund of some lines and quantities of an order — 仅退款 while
 * it has not shipped, 退货退款 once it has — support approves or rejects, and an approved request refunds
 * the paid share of those units through WeChat Pay.
 *
 * The paid share is decided by one pure function (`prorateRefund`), which the server trusts and the
 * storefront displays. Every share is cumulative per line: the first `q` units of a line are worth
 * floor(lineCash × q / qty), so however an order is split into requests, the refunds of a line add up to
 * exactly that line's cash, and the refund that returns the last unit of the order takes whatever is left
 * of what was paid (the shipping fee, rounding). The total refunded is therefore never more than paid, and
 * exactly what was paid once everything is refunded.
 */
import { z } from 'zod';
import { FenSchema } from './money';

export const AFTER_SALE_KINDS = ['refund_only', 'return'] as const;
export const AfterSaleKindSchema = z.enum(AFTER_SALE_KINDS);
export type AfterSaleKind = z.infer<typeof AfterSaleKindSchema>;

export const AFTER_SALE_KIND_TEXT: Record<AfterSaleKind, string> = {
  refund_only: '仅退款（未发货）',
  return: '退货退款（已收货）',
};

export const AFTER_SALE_STATUSES = ['pending', 'approved', 'refunded', 'rejected', 'withdrawn'] as const;
export const AfterSaleStatusSchema = z.enum(AFTER_SALE_STATUSES);
export type AfterSaleStatus = z.infer<typeof AfterSaleStatusSchema>;

export const AFTER_SALE_STATUS_TEXT: Record<AfterSaleStatus, string> = {
  pending: '待审核',
  approved: '已同意，退款中',
  refunded: '退款成功',
  rejected: '已拒绝',
  withdrawn: '已撤销',
};

/** Reasons a shopper picks from (the text is stored as chosen). */
export const AFTER_SALE_REASONS = {
  refund_only: ['不想要了', '拍错/多拍', '地址填错', '未按约定时间发货', '其他'],
  return: ['商品破损', '商品与描述不符', '质量问题', '少件/漏发', '不想要了', '其他'],
} as const satisfies Record<AfterSaleKind, readonly string[]>;

const ObjectIdText = z.string().regex(/^[0-9a-f]{24}$/i, 'expected a 24-hex-digit id');

export const StoreAfterSaleCreateSchema = z
  .object({
    orderId: ObjectIdText,
    kind: AfterSaleKindSchema,
    /** Lines by their position in the order, each with how many units. */
    lines: z
      .array(z.object({ index: z.number().int().min(0).max(99), qty: z.number().int().min(1).max(99) }).strict())
      .min(1)
      .max(50)
      .refine((lines) => new Set(lines.map((line) => line.index)).size === lines.length, '每个商品只能选一次'),
    reason: z.string().trim().min(1, '请选择售后原因').max(40),
    description: z.string().trim().max(200).default(''),
    /** Uploaded images (POST /api/uploads), at most 6. */
    photos: z.array(z.string().min(1).max(300)).max(6).default([]),
  })
  .strict();
export type StoreAfterSaleCreate = z.input<typeof StoreAfterSaleCreateSchema>;

export const AdminAfterSaleDecisionSchema = z.object({ note: z.string().trim().max(200).default('') }).strict();

export const AfterSaleLineViewSchema = z.object({
  index: z.number().int(),
  skuId: z.string(),
  title: z.string(),
  specsText: z.string(),
  image: z.string(),
  qty: z.number().int(),
  unitPrice: FenSchema,
});

export const AfterSaleViewSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  orderNo: z.string(),
  kind: AfterSaleKindSchema,
  kindText: z.string(),
  status: AfterSaleStatusSchema,
  statusText: z.string(),
  lines: z.array(AfterSaleLineViewSchema),
  reason: z.string(),
  description: z.string(),
  photos: z.array(z.string()),
  /** What support wrote when deciding. */
  note: z.string(),
  /** The refund once approved: cash to the fen and points given back. */
  refund: z
    .object({ outRefundNo: z.string(), amount: FenSchema, points: z.number().int(), refundedAt: z.string().nullable() })
    .nullable(),
  /** A shopper-readable timeline, oldest first. */
  timeline: z.array(z.object({ text: z.string(), at: z.string() })),
  createdAt: z.string(),
  canWithdraw: z.boolean(),
});
export type AfterSaleView = z.infer<typeof AfterSaleViewSchema>;

export const AfterSaleListSchema = z.object({
  items: z.array(AfterSaleViewSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

/** What the apply page shows for an order: each line with how many units can still be asked for. */
export const AfterSaleEligibilitySchema = z.object({
  orderId: z.string(),
  orderNo: z.string(),
  /** null when no request can be made now, with `reason` saying why. */
  kind: AfterSaleKindSchema.nullable(),
  reason: z.string().nullable(),
  lines: z.array(
    AfterSaleLineViewSchema.extend({
      /** Units not yet asked for (requests that were rejected or withdrawn free their units again). */
      available: z.number().int(),
    }),
  ),
  reasons: z.array(z.string()),
});
export type AfterSaleEligibility = z.infer<typeof AfterSaleEligibilitySchema>;

export const AfterSaleListQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(20),
  orderId: ObjectIdText.optional(),
});

export const AdminAfterSaleListQuerySchema = AfterSaleListQuerySchema.extend({
  status: AfterSaleStatusSchema.optional(),
});

// ---------------------------------------------------------------------------------------------------
// Proration

export interface RefundOrderFigures {
  lines: readonly { qty: number; lineTotal: number; pointsCost: number; couponDiscount?: number | undefined }[];
  /** The order's coupon discount; split over the lines by line total when the lines do not carry it. */
  couponDiscount: number;
  shippingFee: number;
  /** Points used to pay part of the cash amount (the deduction); refunded in proportion like cash. */
  pointsUsed: number;
  /** Cash actually paid (WeChat Pay). */
  paid: number;
}

export interface RefundedSoFar {
  /** Units already refunded (or reserved for an approved refund), per line. */
  qty: number[];
  amount: number;
  points: number;
}

export interface RefundShare {
  amount: number;
  points: number;
  /** This refund returns the last unit of the order: the order ends refunded. */
  final: boolean;
  after: RefundedSoFar;
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Splits `amount` by `weights` in whole units; the remainder goes to the largest fractions (ties: first). */
export function splitByWeight(amount: number, weights: number[]): number[] {
  const total = sum(weights);
  if (total <= 0 || amount <= 0) return weights.map(() => 0);
  const shares = weights.map((weight, index) => {
    const exact = amount * weight;
    return { index, units: Math.floor(exact / total), rest: exact % total };
  });
  let left = amount - sum(shares.map((share) => share.units));
  for (const share of [...shares].sort((a, b) => b.rest - a.rest || a.index - b.index)) {
    if (left === 0) break;
    share.units += 1;
    left -= 1;
  }
  return shares.map((share) => share.units);
}

/** What units `before`..`after` of something worth `total` over `whole` units are worth (cumulative floors). */
export function shareOf(total: number, before: number, after: number, whole: number): number {
  if (whole <= 0) return 0;
  if (after >= whole) return total - Math.floor((total * before) / whole);
  return Math.floor((total * after) / whole) - Math.floor((total * before) / whole);
}

/** Each line's cash and points, to the fen and point: what refunding the whole line gives back. */
export function lineShares(order: RefundOrderFigures): { cash: number[]; points: number[] } {
  const lineCoupons = order.lines.every((line) => line.couponDiscount !== undefined)
    ? order.lines.map((line) => line.couponDiscount ?? 0)
    : splitByWeight(
        order.couponDiscount,
        order.lines.map((line) => line.lineTotal),
      );
  const nets = order.lines.map((line, index) => Math.max(0, line.lineTotal - lineCoupons[index]!));
  // Cash for goods is what was paid less the shipping fee (never less than 0, never more than the goods).
  const goodsCash = Math.max(0, Math.min(order.paid - order.shippingFee, sum(nets)));
  const weights = sum(nets) > 0 ? nets : order.lines.map((line) => line.qty);
  const cash = splitByWeight(goodsCash, weights);
  const deductionPoints = splitByWeight(order.pointsUsed, weights);
  const points = order.lines.map((line, index) => line.pointsCost + deductionPoints[index]!);
  return { cash, points };
}

/**
 * The refund for `request` (units per line) given what was refunded before. Throws RangeError for a
 * request of no units, an unknown line, or more units than are left.
 */
export function prorateRefund(
  order: RefundOrderFigures,
  before: RefundedSoFar,
  request: readonly { index: number; qty: number }[],
): RefundShare {
  if (request.length === 0) throw new RangeError('a refund needs at least one line');
  const { cash, points } = lineShares(order);
  const afterQty = order.lines.map((_, index) => before.qty[index] ?? 0);
  let amount = 0;
  let pointsBack = 0;
  for (const { index, qty } of request) {
    const line = order.lines[index];
    if (!line) throw new RangeError(`no line ${index}`);
    if (!Number.isInteger(qty) || qty < 1) throw new RangeError(`qty must be a positive whole number, got ${qty}`);
    const from = afterQty[index]!;
    if (from + qty > line.qty) throw new RangeError(`line ${index}: ${from} + ${qty} is more than ${line.qty}`);
    amount += shareOf(cash[index]!, from, from + qty, line.qty);
    pointsBack += shareOf(points[index]!, from, from + qty, line.qty);
    afterQty[index] = from + qty;
  }
  const final = order.lines.every((line, index) => afterQty[index] === line.qty);
  if (final) {
    // The last refund takes the remainder: the shipping fee, and anything rounding left behind.
    amount = Math.max(0, order.paid - before.amount);
    pointsBack = Math.max(0, sum(points) - before.points);
  }
  return {
    amount,
    points: pointsBack,
    final,
    after: { qty: afterQty, amount: before.amount + amount, points: before.points + pointsBack },
  };
}

// ---------------------------------------------------------------------------------------------------
// What a partly refunded order earned (growth, points), for the order's subscribers

export interface PartialRefundFigures {
  /** Refunds as started, with their cash. */
  started: { ref: string; amount: number }[];
  /** Refunds whose money came back, in the order they settled, and whether the order had completed then. */
  done: { ref: string; completedBefore: boolean }[];
}

/**
 * The cash a completed order earns on: what was paid less the refunds that settled before it completed
 * (those lines never earn anything). Later refunds take back their share of what was earned on it.
 */
export function earningBase(paid: number, refunds: PartialRefundFigures): number {
  const amountOf = new Map(refunds.started.map((refund) => [refund.ref, refund.amount]));
  const before = refunds.done
    .filter((done) => !done.completedBefore)
    .reduce((total, done) => total + (amountOf.get(done.ref) ?? 0), 0);
  return Math.max(0, paid - before);
}

/**
 * For refund `ref` settled after completion: the cash refunded after completion before it and with it,
 * out of the earning base. Null when the refund settled before completion (nothing had been earned) or
 * has not settled. `shareOf(earned, before, after, base)` is then its share of what was earned, and the
 * shares of all refunds after completion add up to what was earned.
 */
export function refundedAfterCompletion(
  paid: number,
  refunds: PartialRefundFigures,
  ref: string,
): { before: number; after: number; base: number } | null {
  const amountOf = new Map(refunds.started.map((refund) => [refund.ref, refund.amount]));
  let before = 0;
  for (const done of refunds.done) {
    if (!done.completedBefore) continue;
    const amount = amountOf.get(done.ref) ?? 0;
    if (done.ref === ref) return { before, after: before + amount, base: earningBase(paid, refunds) };
    before += amount;
  }
  return null;
}
