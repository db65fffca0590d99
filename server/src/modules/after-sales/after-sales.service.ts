/**
 * After-sales (售后): a member asks for a refund of some lines and quantities (仅退款 before shipping,
 * 退货退款 after), support approves or rejects, and an approved request refunds its paid share.
 *
 * Invariants:
 * - the units asked for per line never pass the units bought: every request is counted by one
 *   conditional update on the order's counter document, guarded per line and by the request's id not
 *   being counted yet (so two requests for the last unit: one gets it; a retry counts nothing twice);
 * - the cash refunded never passes what was paid: each refund's share is decided under the counter's
 *   `version` by the pure `prorateRefund` (shared), recorded with its own out_refund_no `R<orderNo>-<n>`
 *   and keyed by the request, so approving twice decides once and asks WeChat Pay under one number.
 *
 * Steps of an approval, each safe to repeat, and how a crash after each is repaired (the repair job
 * carries every `approved` request on through the same steps):
 *   1. request pending → approved (the decision; durable);
 *   2. the share is reserved on the counter (keyed by the request);
 *   3. the order records the refund (`orders.startPartialRefund`, keyed by the request);
 *   4. WeChat Pay is asked (same out_refund_no every time);
 *   5. its REFUND.SUCCESS settles the refund on the order (`partially_refunded` with ref = request id),
 *      whose subscribers give back stock, limits and spent points for those lines (here), take back the
 *      growth and points they earned (membership, points), and this module marks the request refunded.
 */
import {
  AFTER_SALE_KIND_TEXT,
  AFTER_SALE_REASONS,
  AFTER_SALE_STATUS_TEXT,
  type AfterSaleEligibility,
  type AfterSaleKind,
  type AfterSaleStatus,
  type AfterSaleView,
  formatFen,
  prorateRefund,
  type RefundOrderFigures,
  type StoreAfterSaleCreateSchema,
} from '@siyu/shared';
import { Types } from 'mongoose';
import type { z } from 'zod';
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import type { Logger } from '../../http/logger';
import { giveBackRefundedStock } from '../catalog/stock';
import { uncountRefundedUnits } from '../orders/limits-hold';
import type { OrderDoc } from '../orders/order.model';
import type { OrderEvent, OrderSubscriber } from '../orders/order-extensions';
import type { OrdersService } from '../orders/orders.service';
import type { PaymentsService } from '../payments/payments.service';
import type { PointsService } from '../points/points.service';
import { giveBackRefundedPoints } from '../points/points-hold';
import type { UploadsService } from '../uploads/uploads.service';
import {
  AfterSaleOrder,
  type AfterSaleOrderDoc,
  type AfterSaleRefundShare,
  AfterSaleRequest,
  type AfterSaleRequestDoc,
} from './after-sales.model';

export type AfterSaleCreateInput = z.output<typeof StoreAfterSaleCreateSchema>;

export interface AfterSalesDeps {
  orders: Pick<OrdersService, 'loadOwn' | 'loadById' | 'startPartialRefund'>;
  payments: Pick<PaymentsService, 'requestPartialRefund'>;
  uploads: Pick<UploadsService, 'claimReview' | 'signedUrl'>;
  points: PointsService;
  log: Logger;
}

/** How long a step may take before the repair job considers the request its own. */
const REPAIR_AFTER_MS = 60_000;
const REFUNDABLE = ['paid', 'shipped', 'completed'];
const key = (index: number) => `l${index}`;
const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);

const notFound = () => new AppError('not_found', 'after_sale_not_found', '售后申请不存在');

/** Which kind of request the order allows now, or why none. */
export function eligibleKind(order: OrderDoc): { kind: AfterSaleKind | null; reason: string | null } {
  if (order.gates?.length) return { kind: null, reason: `订单${order.gates[0]!.text}，暂不能申请售后` };
  switch (order.status) {
    case 'paid':
      return order.shipment ? { kind: 'return', reason: null } : { kind: 'refund_only', reason: null };
    case 'shipped':
    case 'completed':
      return { kind: 'return', reason: null };
    case 'pending_payment':
      return { kind: null, reason: '订单未支付，可直接取消订单' };
    case 'cancelled':
      return { kind: null, reason: '订单已取消' };
    case 'refunding':
    case 'refunded':
      return { kind: null, reason: '订单已退款' };
    default:
      return { kind: null, reason: '订单当前不能申请售后' };
  }
}

function refundFigures(order: OrderDoc): RefundOrderFigures {
  return {
    lines: order.items.map((line) => ({
      qty: line.qty,
      lineTotal: line.lineTotal,
      pointsCost: line.pointsCost ?? 0,
      couponDiscount: line.couponDiscount,
    })),
    couponDiscount: order.amounts.couponDiscount ?? 0,
    shippingFee: order.amounts.shippingFee ?? 0,
    pointsUsed: order.amounts.pointsUsed ?? 0,
    paid: order.payment?.paidAmount ?? order.amounts.payable,
  };
}

export function createAfterSalesService(deps: AfterSalesDeps) {
  const { orders, payments, uploads } = deps;

  function toView(doc: AfterSaleRequestDoc): AfterSaleView {
    const status = (doc.status === 'void' ? 'withdrawn' : doc.status) as AfterSaleStatus;
    const timeline: { text: string; at: string }[] = [{ text: '提交申请，等待客服审核', at: iso(doc.createdAt)! }];
    const note = doc.note ? `：${doc.note}` : '';
    if (doc.decidedAt) {
      timeline.push({
        text: doc.status === 'rejected' ? `客服已拒绝${note}` : `客服已同意，退款处理中${note}`,
        at: iso(doc.decidedAt)!,
      });
    }
    if (doc.refundedAt && doc.refund) {
      const points = doc.refund.points ? `，${doc.refund.points} 积分已退回` : '';
      timeline.push({
        text: `退款成功，${formatFen(doc.refund.amount)} 已原路退回${points}`,
        at: iso(doc.refundedAt)!,
      });
    }
    if (doc.withdrawnAt) timeline.push({ text: '已撤销申请', at: iso(doc.withdrawnAt)! });
    return {
      id: doc._id.toString(),
      orderId: doc.order.toString(),
      orderNo: doc.orderNo,
      kind: doc.kind,
      kindText: AFTER_SALE_KIND_TEXT[doc.kind],
      status,
      statusText: AFTER_SALE_STATUS_TEXT[status],
      lines: doc.lines.map(({ index, skuId, title, specsText, image, qty, unitPrice }) => ({
        index,
        skuId,
        title,
        specsText: specsText ?? '',
        image: image ?? '',
        qty,
        unitPrice,
      })),
      reason: doc.reason,
      description: doc.description ?? '',
      photos: (doc.photos ?? []).map((url) => uploads.signedUrl(url)),
      note: doc.note ?? '',
      refund: doc.refund
        ? {
            outRefundNo: doc.refund.outRefundNo,
            amount: doc.refund.amount,
            points: doc.refund.points,
            refundedAt: iso(doc.refundedAt),
          }
        : null,
      timeline,
      createdAt: iso(doc.createdAt)!,
      canWithdraw: doc.status === 'pending',
    };
  }

  async function counterFor(order: OrderDoc): Promise<AfterSaleOrderDoc> {
    const zeros = Object.fromEntries(order.items.map((_, index) => [key(index), 0]));
    const lineQty = Object.fromEntries(order.items.map((line, index) => [key(index), line.qty]));
    await AfterSaleOrder.updateOne(
      { _id: order._id.toString() },
      {
        $setOnInsert: {
          member: order.member,
          orderNo: order.orderNo,
          lineQty,
          requested: zeros,
          requests: [],
          refunded: zeros,
          refundedAmount: 0,
          refundedPoints: 0,
          refundSeq: 0,
          refunds: [],
          version: 0,
        },
      },
      { upsert: true },
    ).catch((error) => {
      if (!isDuplicateKey(error)) throw error; // created by a racing request a moment ago
    });
    return (await AfterSaleOrder.findById(order._id.toString()).lean<AfterSaleOrderDoc>())!;
  }

  /** Counts the request's units on its order, once; false when they are no longer available. */
  async function count(request: AfterSaleRequestDoc): Promise<boolean> {
    const orderId = request.order.toString();
    const id = request._id.toString();
    const counter = await AfterSaleOrder.findById(orderId).lean<AfterSaleOrderDoc>();
    if (!counter) return false;
    if ((counter.requests ?? []).includes(id)) return true;
    const guards: Record<string, unknown> = {};
    const increments: Record<string, number> = {};
    for (const line of request.lines) {
      const left = (counter.lineQty[key(line.index)] ?? 0) - line.qty;
      if (left < 0) return false;
      guards[`requested.${key(line.index)}`] = trustedOperators({ $lte: left });
      increments[`requested.${key(line.index)}`] = line.qty;
    }
    const counted = await AfterSaleOrder.updateOne(
      { _id: orderId, requests: trustedOperators({ $ne: id }), ...guards },
      { $inc: increments, $push: { requests: id } },
    );
    if (counted.modifiedCount === 1) return true;
    return (await AfterSaleOrder.exists({ _id: orderId, requests: id })) !== null;
  }

  /** Frees a rejected, withdrawn or void request's units, once (the counter lists it until then). */
  async function free(request: AfterSaleRequestDoc): Promise<void> {
    const id = request._id.toString();
    const decrements = Object.fromEntries(request.lines.map((line) => [`requested.${key(line.index)}`, -line.qty]));
    await AfterSaleOrder.updateOne(
      { _id: request.order.toString(), requests: id },
      { $inc: decrements, $pull: { requests: id } },
    );
    await AfterSaleRequest.updateOne({ _id: request._id, freed: false }, { $set: { freed: true } });
  }

  /** Step 2: this request's share, decided once under the counter's version. */
  async function reserveRefund(request: AfterSaleRequestDoc, order: OrderDoc): Promise<AfterSaleRefundShare> {
    const ref = request._id.toString();
    for (let attempt = 0; attempt < 10; attempt++) {
      const counter = await counterFor(order);
      const known = (counter.refunds ?? []).find((refund) => refund.ref === ref);
      if (known) return known;
      const before = {
        qty: order.items.map((_, index) => counter.refunded[key(index)] ?? 0),
        amount: counter.refundedAmount ?? 0,
        points: counter.refundedPoints ?? 0,
      };
      const share = prorateRefund(
        refundFigures(order),
        before,
        request.lines.map(({ index, qty }) => ({ index, qty })),
      );
      const seq = (counter.refundSeq ?? 0) + 1;
      const reserved: AfterSaleRefundShare = {
        ref,
        seq,
        outRefundNo: `R${order.orderNo}-${seq}`,
        amount: share.amount,
        points: share.points,
        final: share.final,
      };
      const refunded = Object.fromEntries(
        request.lines.map((line) => [`refunded.${key(line.index)}`, share.after.qty[line.index]!]),
      );
      const updated = await AfterSaleOrder.updateOne(
        { _id: counter._id, version: counter.version ?? 0, 'refunds.ref': trustedOperators({ $ne: ref }) },
        {
          $set: { ...refunded, refundedAmount: share.after.amount, refundedPoints: share.after.points },
          $inc: { version: 1, refundSeq: 1 },
          $push: { refunds: reserved },
        },
      );
      if (updated.modifiedCount === 1) return reserved;
    }
    throw new AppError('conflict', 'after_sale_busy', '售后处理繁忙，请稍后重试');
  }

  /** Steps 2–4 for an approved request; each keyed by the request, so repeating is harmless. */
  async function carryOn(request: AfterSaleRequestDoc, now: Date): Promise<void> {
    const order = await orders.loadById(request.order.toString());
    if (!order) throw new AppError('not_found', 'order_not_found', '订单不存在');
    const ref = request._id.toString();
    if (order.partialRefundsDone?.some((done) => done.ref === ref)) return; // already settled
    const share = await reserveRefund(request, order);
    if (!request.refund) {
      const { outRefundNo, amount, points, final, seq } = share;
      await AfterSaleRequest.updateOne(
        { _id: request._id, refund: null },
        { $set: { refund: { outRefundNo, amount, points, final, seq } } },
      );
    }
    const recorded = await orders.startPartialRefund(
      order._id.toString(),
      {
        ref,
        outRefundNo: share.outRefundNo,
        amount: share.amount,
        points: share.points,
        lines: request.lines.map(({ index, skuId, qty }) => ({ index, skuId, qty })),
        final: share.final,
      },
      now,
    );
    if (recorded.partialRefundsDone?.some((done) => done.ref === ref)) return;
    await payments.requestPartialRefund(
      recorded.orderNo,
      share.outRefundNo,
      share.amount,
      recorded.payment?.paidAmount ?? recorded.amounts.payable,
    );
  }

  async function loadOwnRequest(memberId: string, id: string): Promise<AfterSaleRequestDoc> {
    if (!Types.ObjectId.isValid(id) || !Types.ObjectId.isValid(memberId)) throw notFound();
    const doc = await AfterSaleRequest.findOne({
      _id: id,
      member: memberId,
      counted: true,
      status: trustedOperators({ $ne: 'void' }),
    }).lean<AfterSaleRequestDoc>();
    if (!doc) throw notFound();
    return doc;
  }

  async function loadRequest(id: string): Promise<AfterSaleRequestDoc> {
    if (!Types.ObjectId.isValid(id)) throw notFound();
    const doc = await AfterSaleRequest.findOne({
      _id: id,
      counted: true,
      status: trustedOperators({ $ne: 'void' }),
    }).lean<AfterSaleRequestDoc>();
    if (!doc) throw notFound();
    return doc;
  }

  async function page(filter: Record<string, unknown>, query: { page: number; pageSize: number }) {
    const visible = { ...filter, counted: true, status: filter.status ?? trustedOperators({ $ne: 'void' }) };
    const [docs, total] = await Promise.all([
      AfterSaleRequest.find(visible)
        .sort({ createdAt: -1, _id: -1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .lean<AfterSaleRequestDoc[]>(),
      AfterSaleRequest.countDocuments(visible),
    ]);
    return { docs, total };
  }

  const service = {
    /** What the apply page shows: the kind allowed now and, per line, the units still available. */
    async eligibility(memberId: string, orderId: string): Promise<AfterSaleEligibility> {
      const order = await orders.loadOwn(memberId, orderId);
      const { kind, reason } = eligibleKind(order);
      const counter = await AfterSaleOrder.findById(order._id.toString()).lean<AfterSaleOrderDoc>();
      return {
        orderId: order._id.toString(),
        orderNo: order.orderNo,
        kind,
        reason,
        lines: order.items.map((line, index) => ({
          index,
          skuId: line.skuId,
          title: line.title,
          specsText: line.specsText ?? '',
          image: line.image ?? '',
          qty: line.qty,
          unitPrice: line.unitPrice,
          available: Math.max(0, line.qty - (counter?.requested?.[key(index)] ?? 0)),
        })),
        reasons: [...AFTER_SALE_REASONS[kind ?? 'refund_only']],
      };
    },

    /** 申请售后. Idempotent per (member, Idempotency-Key). */
    async create(
      memberId: string,
      input: AfterSaleCreateInput,
      idempotencyKey: string,
      now = new Date(),
    ): Promise<AfterSaleView> {
      const again = await AfterSaleRequest.findOne({ member: memberId, idempotencyKey }).lean<AfterSaleRequestDoc>();
      if (again) {
        const same = (lines: { index: number; qty: number }[]) =>
          JSON.stringify(lines.map(({ index, qty }) => [index, qty]));
        if (again.order.toString() !== input.orderId || same(again.lines) !== same(input.lines)) {
          throw new AppError('unprocessable', 'idempotency_key_reused', '同一个 Idempotency-Key 已用于另一份售后申请');
        }
        return service.finishCreate(again);
      }
      const order = await orders.loadOwn(memberId, input.orderId);
      const { kind, reason } = eligibleKind(order);
      if (!kind) throw new AppError('conflict', 'after_sale_not_allowed', reason ?? '订单当前不能申请售后');
      if (kind !== input.kind) {
        throw new AppError(
          'conflict',
          'after_sale_kind_mismatch',
          kind === 'refund_only' ? '订单尚未发货，请申请仅退款' : '订单已发货，请申请退货退款',
          { kind },
        );
      }
      const lines = input.lines.map(({ index, qty }) => {
        const line = order.items[index];
        if (!line) throw new AppError('bad_request', 'after_sale_line_unknown', '所选商品不在订单中', { index });
        if (qty > line.qty) {
          throw new AppError('conflict', 'after_sale_qty_exceeded', `「${line.title}」最多可申请 ${line.qty} 件`, {
            index,
          });
        }
        return {
          index,
          skuId: line.skuId,
          title: line.title,
          specsText: line.specsText ?? '',
          image: line.image ?? '',
          qty,
          unitPrice: line.unitPrice,
        };
      });
      const photos: string[] = [];
      for (const url of input.photos) {
        const own = await uploads.claimReview(memberId, url);
        if (!own) throw new AppError('bad_request', 'after_sale_photo_invalid', '图片无效，请重新上传', { url });
        photos.push(own);
      }
      await counterFor(order);
      let request: AfterSaleRequestDoc;
      try {
        request = (
          await AfterSaleRequest.create({
            member: memberId,
            order: order._id,
            orderNo: order.orderNo,
            idempotencyKey,
            kind,
            lines,
            reason: input.reason,
            description: input.description,
            photos,
            status: 'pending',
            counted: false,
            createdAt: now,
          })
        ).toObject() as AfterSaleRequestDoc;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const racing = await AfterSaleRequest.findOne({ member: memberId, idempotencyKey }).lean<AfterSaleRequestDoc>();
        return service.finishCreate(racing!);
      }
      return service.finishCreate(request);
    },

    /** Counts a request written but not yet counted (a create, its retry, or the repair job). */
    async finishCreate(request: AfterSaleRequestDoc): Promise<AfterSaleView> {
      if (request.counted) return toView(request);
      if (request.status === 'pending' && (await count(request))) {
        await AfterSaleRequest.updateOne({ _id: request._id, counted: false }, { $set: { counted: true } });
        return toView((await AfterSaleRequest.findById(request._id).lean<AfterSaleRequestDoc>())!);
      }
      await AfterSaleRequest.updateOne({ _id: request._id, counted: false }, { $set: { status: 'void' } });
      throw new AppError(
        'conflict',
        'after_sale_qty_exceeded',
        '所选数量超过可申请数量（已申请售后的商品不能重复申请）',
      );
    },

    async listOwn(memberId: string, query: { page: number; pageSize: number; orderId?: string | undefined }) {
      if (!Types.ObjectId.isValid(memberId)) throw notFound();
      const { docs, total } = await page(
        {
          member: new Types.ObjectId(memberId),
          ...(query.orderId ? { order: new Types.ObjectId(query.orderId) } : {}),
        },
        query,
      );
      return { items: docs.map(toView), total, page: query.page, pageSize: query.pageSize };
    },

    async getOwn(memberId: string, id: string): Promise<AfterSaleView> {
      return toView(await loadOwnRequest(memberId, id));
    },

    /** 撤销: a pending request, by its member; its units are free again. */
    async withdraw(memberId: string, id: string, now = new Date()): Promise<AfterSaleView> {
      const request = await loadOwnRequest(memberId, id);
      const withdrawn = await AfterSaleRequest.findOneAndUpdate(
        { _id: request._id, status: 'pending' },
        { $set: { status: 'withdrawn', withdrawnAt: now } },
        { new: true },
      ).lean<AfterSaleRequestDoc>();
      if (!withdrawn) {
        if (request.status === 'withdrawn') return toView(request);
        throw new AppError('conflict', 'after_sale_not_withdrawable', '客服已处理，无法撤销');
      }
      await free(withdrawn);
      return toView(withdrawn);
    },

    async listForAdmin(query: {
      page: number;
      pageSize: number;
      status?: AfterSaleStatus | undefined;
      orderId?: string | undefined;
    }) {
      const { docs, total } = await page(
        {
          ...(query.status ? { status: query.status } : {}),
          ...(query.orderId ? { order: new Types.ObjectId(query.orderId) } : {}),
        },
        query,
      );
      return {
        items: docs.map((doc) => ({ ...toView(doc), memberId: doc.member.toString() })),
        total,
        page: query.page,
        pageSize: query.pageSize,
      };
    },

    async getForAdmin(id: string) {
      const doc = await loadRequest(id);
      return { ...toView(doc), memberId: doc.member.toString() };
    },

    /** 同意: refunds the request's paid share (steps 1–4 above). Approving again refunds nothing more. */
    async approve(adminId: string, id: string, note: string, now = new Date()) {
      let request = await loadRequest(id);
      if (request.status === 'pending') {
        const order = await orders.loadById(request.order.toString());
        if (!order || !REFUNDABLE.includes(order.status)) {
          throw new AppError('conflict', 'after_sale_order_not_refundable', '订单当前不能退款', {
            status: order?.status,
          });
        }
        const approved = await AfterSaleRequest.findOneAndUpdate(
          { _id: request._id, status: 'pending' },
          { $set: { status: 'approved', note, decidedBy: adminId, decidedAt: now } },
          { new: true },
        ).lean<AfterSaleRequestDoc>();
        request = approved ?? (await loadRequest(id));
      }
      if (request.status !== 'approved' && request.status !== 'refunded') {
        throw new AppError(
          'conflict',
          'after_sale_decided',
          `该申请${AFTER_SALE_STATUS_TEXT[request.status as AfterSaleStatus]}`,
        );
      }
      if (request.status === 'approved') await carryOn(request, now);
      return service.getForAdmin(id);
    },

    /** 拒绝: with a note the member sees; the units can be asked for again. */
    async reject(adminId: string, id: string, note: string, now = new Date()) {
      const request = await loadRequest(id);
      const rejected = await AfterSaleRequest.findOneAndUpdate(
        { _id: request._id, status: 'pending' },
        { $set: { status: 'rejected', note, decidedBy: adminId, decidedAt: now } },
        { new: true },
      ).lean<AfterSaleRequestDoc>();
      if (!rejected && request.status !== 'rejected') {
        throw new AppError(
          'conflict',
          'after_sale_decided',
          `该申请${AFTER_SALE_STATUS_TEXT[request.status as AfterSaleStatus]}`,
        );
      }
      await free(rejected ?? request);
      return service.getForAdmin(id);
    },

    /**
     * Step 5, the order's `partially_refunded` event (ref = request id): gives back stock (unless the
     * order shipped), purchase limits and spent points for the refunded lines, each keyed by the refund,
     * then marks the request refunded. Redelivery changes nothing.
     */
    async settle(order: OrderDoc, event: OrderEvent): Promise<void> {
      const started = order.partialRefunds?.find((refund) => refund.ref === event.ref);
      if (!started) return;
      await giveBackRefundedStock(order, started);
      await uncountRefundedUnits(order, started);
      await giveBackRefundedPoints(deps.points, order, started);
      const done = order.partialRefundsDone?.find((refund) => refund.ref === started.ref);
      if (Types.ObjectId.isValid(started.ref)) {
        await AfterSaleRequest.updateOne(
          { _id: started.ref, status: 'approved' },
          { $set: { status: 'refunded', refundedAt: done?.refundedAt ?? event.at } },
        );
      }
    },

    subscriber(): OrderSubscriber {
      return { name: 'after-sales', on: { partially_refunded: (order, event) => service.settle(order, event) } };
    },

    /**
     * The repair job: counts (or voids) requests a crash left uncounted, frees the units of rejected,
     * withdrawn and void requests, and carries approved requests on to their refund (asking WeChat Pay
     * again under the same out_refund_no until the REFUND.SUCCESS settles it).
     */
    async repairDue(now: Date, limit = 100): Promise<number> {
      const before = new Date(now.getTime() - REPAIR_AFTER_MS);
      let repaired = 0;
      const uncounted = await AfterSaleRequest.find({
        counted: false,
        status: 'pending',
        createdAt: trustedOperators({ $lte: before }),
      })
        .limit(limit)
        .lean<AfterSaleRequestDoc[]>();
      for (const request of uncounted) {
        await service.finishCreate(request).catch(() => undefined);
        repaired++;
      }
      const unfreed = await AfterSaleRequest.find({
        freed: false,
        status: trustedOperators({ $in: ['rejected', 'withdrawn', 'void'] }),
        updatedAt: trustedOperators({ $lte: before }),
      })
        .limit(limit)
        .lean<AfterSaleRequestDoc[]>();
      for (const request of unfreed) {
        await free(request);
        repaired++;
      }
      const approved = await AfterSaleRequest.find({
        status: 'approved',
        updatedAt: trustedOperators({ $lte: before }),
      })
        .sort({ updatedAt: 1 })
        .limit(limit)
        .lean<AfterSaleRequestDoc[]>();
      for (const request of approved) {
        try {
          await carryOn(request, now);
          // Moves it to the back of the queue: a refund WeChat Pay keeps refusing never starves the rest.
          await AfterSaleRequest.updateOne({ _id: request._id, status: 'approved' }, { $set: { updatedAt: now } });
          repaired++;
        } catch (error) {
          deps.log.warn(
            { err: error, request: request._id.toString() },
            'after-sales refund step failed; retried later',
          );
        }
      }
      return repaired;
    },
  };
  return service;
}

export type AfterSalesService = ReturnType<typeof createAfterSalesService>;
