import { createPublicKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { rsaVerify, signatureMessage } from '../../../adapters/wechatpay-crypto';
import { placeOrder, productWithStock, shopper, stockOf } from '../../orders/__tests__/checkout-fixtures';
import { Order } from '../../orders/order.model';

let mall: TestMall;
beforeAll(async () => {
  mall = await startTestMall();
});

const notifyUrl = () => `${mall.baseUrl}/api/payments/wechatpay/notify`;

async function pendingOrder(stock = 10) {
  const { skuId } = await productWithStock(mall, { stock, price: 6800 });
  const buyer = await shopper(mall);
  const order = await placeOrder(mall, buyer, [{ skuId, qty: 1 }]);
  expect(order.status).toBe(201);
  return { buyer, order: order.body, skuId };
}

async function post(message: { headers: Record<string, string>; body: string }) {
  const response = await fetch(notifyUrl(), { method: 'POST', headers: message.headers, body: message.body });
  return { status: response.status, body: (await response.json()) as any };
}

describe('pay', () => {
  it('answers Taro.requestPayment parameters whose paySign verifies with the merchant key, and the sandbox cashier pays the order', async () => {
    const { buyer, order } = await pendingOrder();
    const pay = await mall.api('POST', `/api/orders/${order.id}/pay`, { token: buyer.token });
    expect(pay.status).toBe(200);
    const { payParams } = pay.body;
    expect(payParams.package).toMatch(/^prepay_id=wx/);
    expect(payParams.signType).toBe('RSA');
    const keys = mall.services.sandbox!.keys;
    const message = signatureMessage(keys.appid, payParams.timeStamp, payParams.nonceStr, payParams.package);
    expect(rsaVerify(message, payParams.paySign, createPublicKey(keys.merchantPublicKeyPem))).toBe(true);

    const confirm = await fetch(pay.body.sandbox.confirmUrl, { method: 'POST' });
    expect(confirm.status).toBe(200);
    expect(((await confirm.json()) as any).notify_status).toBe(200);
    const paid = await mall.api('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(paid.body).toMatchObject({ status: 'paid', statusText: '待发货', actions: [] });
    expect(paid.body.paidAt).not.toBeNull();
  });

  it('asking to pay twice reuses the same prepay order at WeChat Pay', async () => {
    const { buyer, order } = await pendingOrder();
    const first = await mall.api('POST', `/api/orders/${order.id}/pay`, { token: buyer.token });
    const second = await mall.api('POST', `/api/orders/${order.id}/pay`, { token: buyer.token });
    expect(second.body.payParams.package).toBe(first.body.payParams.package);
  });

  it('a cancelled order cannot be paid', async () => {
    const { buyer, order } = await pendingOrder();
    await mall.api('POST', `/api/orders/${order.id}/cancel`, { token: buyer.token });
    const pay = await mall.api('POST', `/api/orders/${order.id}/pay`, { token: buyer.token });
    expect(pay.status).toBe(409);
    expect(pay.body.error.code).toBe('order_not_payable');
  });
});

describe('the payment notification', () => {
  it('replayed three times (and twice at once) → one transition', async () => {
    const { buyer, order } = await pendingOrder();
    await mall.api('POST', `/api/orders/${order.id}/pay`, { token: buyer.token });
    const sandbox = mall.services.sandbox!;
    const message = sandbox.buildTransactionNotification(order.orderNo);
    const answers = await Promise.all([post(message), post(message)]);
    answers.push(await post(message), await post(message));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((a) => a.body.message).filter((m) => m === 'paid')).toHaveLength(1);
    const stored = await Order.findById(order.id).lean();
    expect(stored?.status).toBe('paid');
    const paidAt = stored?.payment?.paidAt;
    await post(message);
    expect((await Order.findById(order.id).lean())?.payment?.paidAt).toEqual(paidAt);
  });

  it('a bad signature is rejected and changes nothing', async () => {
    const { buyer, order } = await pendingOrder();
    await mall.api('POST', `/api/orders/${order.id}/pay`, { token: buyer.token });
    const message = mall.services.sandbox!.buildTransactionNotification(order.orderNo);
    const forged = {
      ...message,
      headers: { ...message.headers, 'Wechatpay-Signature': Buffer.from('forged').toString('base64') },
    };
    const answer = await post(forged);
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('notify_bad_signature');
    const tampered = await post({
      headers: message.headers,
      body: message.body.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESS" '),
    });
    expect(tampered.status).toBe(401);
    expect((await Order.findById(order.id).lean())?.status).toBe('pending_payment');
  });

  it('a stale timestamp is rejected (replay protection)', async () => {
    const { buyer, order } = await pendingOrder();
    await mall.api('POST', `/api/orders/${order.id}/pay`, { token: buyer.token });
    const stale = mall.services.sandbox!.buildTransactionNotification(order.orderNo, {
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    const answer = await post(stale);
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('notify_stale');
    expect((await Order.findById(order.id).lean())?.status).toBe('pending_payment');
  });

  it('an amount that does not match the order is rejected and changes nothing', async () => {
    const { buyer, order } = await pendingOrder();
    await mall.api('POST', `/api/orders/${order.id}/pay`, { token: buyer.token });
    const wrong = mall.services.sandbox!.buildTransactionNotification(order.orderNo, { amount: 1 });
    const answer = await post(wrong);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('amount_mismatch');
    expect((await Order.findById(order.id).lean())?.status).toBe('pending_payment');
  });

  it('pay racing cancel → one consistent end state: paid, or cancelled with the payment refunded', async () => {
    for (let round = 0; round < 4; round++) {
      const { buyer, order, skuId } = await pendingOrder(5);
      const pay = await mall.api('POST', `/api/orders/${order.id}/pay`, { token: buyer.token });
      const prepayId = pay.body.payParams.package.slice('prepay_id='.length);
      const [, cancel] = await Promise.all([
        mall.services.sandbox!.confirmPayment(prepayId),
        mall.api('POST', `/api/orders/${order.id}/cancel`, { token: buyer.token }),
      ]);
      await mall.services.sandbox!.settled();
      const final = (await Order.findById(order.id).lean())!;
      if (final.status === 'paid') {
        expect(cancel.status).toBe(409);
        expect(await stockOf(skuId)).toBe(4);
      } else {
        expect(final.status).toBe('cancelled');
        expect(final.latePayment?.amount).toBe(order.amounts.payable);
        expect(final.latePayment?.refundedAt).toBeTruthy();
        expect(mall.services.sandbox!.trade(order.orderNo)?.refunds.size).toBe(1);
        expect(await stockOf(skuId)).toBe(5);
      }
    }
  });

  it('a late notification for an order cancelled by timeout refunds the money automatically, once', async () => {
    const { buyer, order, skuId } = await pendingOrder(3);
    const pay = await mall.api('POST', `/api/orders/${order.id}/pay`, { token: buyer.token });
    await mall.services.orders.cancel({ _id: order.id }, 'timeout');
    const prepayId = pay.body.payParams.package.slice('prepay_id='.length);
    await mall.services.sandbox!.confirmPayment(prepayId);
    await mall.services.sandbox!.redeliver(order.orderNo);
    await mall.services.sandbox!.settled();
    const final = (await Order.findById(order.id).lean())!;
    expect(final.status).toBe('cancelled');
    expect(final.latePayment?.refundedAt).toBeTruthy();
    expect(mall.services.sandbox!.trade(order.orderNo)?.refunds.size).toBe(1);
    expect(await stockOf(skuId)).toBe(3);
  });

  it('the unpaid-order job asks WeChat Pay first: a paid order whose notification was lost is marked paid, not cancelled', async () => {
    const { buyer, order } = await pendingOrder();
    const pay = await mall.api('POST', `/api/orders/${order.id}/pay`, { token: buyer.token });
    const trade = mall.services.sandbox!.trade(order.orderNo)!;
    // The shopper paid, but the notification never arrived.
    trade.state = 'SUCCESS';
    trade.transactionId = '4200000000000000000001';
    trade.successTime = new Date().toISOString();
    expect(pay.status).toBe(200);
    await mall.services.payments.cancelExpired(new Date(Date.now() + 16 * 60_000));
    expect((await Order.findById(order.id).lean())?.status).toBe('paid');
  });
});

describe('refunds', () => {
  it('admin refund: paid → refunding → refunded by the REFUND.SUCCESS notification; stock returns; a second refund is a 409 and WeChat Pay refunds once', async () => {
    const { buyer, order, skuId } = await pendingOrder(4);
    const pay = await mall.api('POST', `/api/orders/${order.id}/pay`, { token: buyer.token });
    await fetch(pay.body.sandbox.confirmUrl, { method: 'POST' });
    expect(await stockOf(skuId)).toBe(3);
    const support = await mall.loginAdmin('support');
    const refund = await mall.api('POST', `/api/admin/orders/${order.id}/refund`, {
      token: support,
      body: { reason: '顾客不想要了' },
    });
    expect(refund.status).toBe(200);
    expect(refund.body.status).toBe('refunding');
    await mall.services.sandbox!.settled();
    const view = await mall.api('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(view.body).toMatchObject({
      status: 'refunded',
      statusText: '已退款',
      refund: { amount: order.amounts.payable },
    });
    expect(await stockOf(skuId)).toBe(4);
    const again = await mall.api('POST', `/api/admin/orders/${order.id}/refund`, {
      token: support,
      body: { reason: '再退一次' },
    });
    expect(again.status).toBe(409);
    // Asking WeChat Pay again with the same out_refund_no never refunds twice.
    await mall.services.payments.requestRefund(
      order.orderNo,
      `R${order.orderNo}`,
      order.amounts.payable,
      order.amounts.payable,
    );
    await mall.services.sandbox!.settled();
    expect(mall.services.sandbox!.trade(order.orderNo)?.refunds.size).toBe(1);
    expect(mall.services.sandbox!.trade(order.orderNo)?.refunds.get(`R${order.orderNo}`)?.amount).toBe(
      order.amounts.payable,
    );
  });

  it('an unpaid order cannot be refunded; members cannot refund through the admin API', async () => {
    const { buyer, order } = await pendingOrder();
    const support = await mall.loginAdmin('support');
    expect(
      (await mall.api('POST', `/api/admin/orders/${order.id}/refund`, { token: support, body: { reason: '测试退款' } }))
        .status,
    ).toBe(409);
    expect(
      (
        await mall.api('POST', `/api/admin/orders/${order.id}/refund`, {
          token: buyer.token,
          body: { reason: '测试退款' },
        })
      ).status,
    ).toBe(403);
  });
});
