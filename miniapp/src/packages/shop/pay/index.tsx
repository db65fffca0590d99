import { formatFen, type OrderView, type PayParams } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import type { ApiError } from '../../../api/client';
import { confirmSandboxPayment, fetchOrder, startPayment, waitForPaid } from '../../../api/orders';
import { BRAND, PAGES } from '../../../brand';
import { Button, EmptyState, ErrorState, LoadingState, Price } from '../../../components';
import { useLoad } from '../../../hooks/use-load';
import { usePageParams } from '../../../hooks/use-page-params';
import { countdownText, isEntityId, orderUrl } from '../../../shop/links';
import { useNow } from '../../../shop/use-now';
import '../../../shop/shop.scss';
import './index.scss';

const IS_WEAPP = process.env.TARO_ENV === 'weapp';

type Phase = 'idle' | 'paying' | 'checking' | 'done';

function PaidState({ order }: { order: OrderView }) {
  return (
    <View className="pay-success">
      <View className="pay-success__seal">
        <View className="pay-success__tick" />
      </View>
      <Text className="pay-success__title">支付成功</Text>
      <Text className="pay-success__amount">{formatFen(order.amounts.payable)}</Text>
      <Text className="pay-success__status order-status">{order.statusText}</Text>
      <Text className="pay-success__hint">我们会尽快为你打包发货，好茶在路上。</Text>
      <View className="pay-success__actions">
        <Button
          variant="primary"
          className="pay-view-order"
          onClick={() => void Taro.redirectTo({ url: orderUrl(order.id) })}
        >
          查看订单
        </Button>
        <Button variant="outline" onClick={() => void Taro.switchTab({ url: PAGES.home })}>
          继续逛逛
        </Button>
      </View>
    </View>
  );
}

export default function PayPage() {
  const params = usePageParams();
  const id = params.id ?? '';
  const order = useLoad(() => fetchOrder(id, { silent: true }), id, { auto: isEntityId(id) });
  const [phase, setPhase] = useState<Phase>('idle');
  const [payParams, setPayParams] = useState<PayParams | null>(null);
  const pending = order.data?.status === 'pending_payment';
  const now = useNow(pending && phase !== 'done');

  if (!isEntityId(id)) {
    return (
      <EmptyState
        mark="付"
        title="订单链接有误"
        description="这个链接不完整或已失效，去订单列表看看吧。"
        actionText="查看全部订单"
        onAction={() => void Taro.redirectTo({ url: PAGES.orders })}
      />
    );
  }
  if (order.loading && !order.data) return <LoadingState variant="spinner" />;
  if (!order.data) return <ErrorState message={order.error?.message} onRetry={() => void order.reload()} />;
  const current = order.data;

  if (current.status === 'paid' || (phase === 'done' && current.status !== 'pending_payment')) {
    return (
      <View className="page pay">
        <PaidState order={current} />
      </View>
    );
  }
  if (current.status !== 'pending_payment') {
    return (
      <View className="page pay">
        <EmptyState
          mark="单"
          title={`订单${current.statusText}`}
          description="这笔订单现在无需支付。"
          actionText="查看订单"
          onAction={() => void Taro.redirectTo({ url: orderUrl(current.id) })}
        />
      </View>
    );
  }

  /** Polls the order after the payment sheet closed; the server turns it paid once WeChat (or the sandbox) says so. */
  const settle = async () => {
    setPhase('checking');
    try {
      const settled = await waitForPaid(current.id);
      order.setData(settled);
      if (settled.status === 'pending_payment') {
        setPhase('idle');
        void Taro.showToast({ title: '暂未收到支付结果，请稍后刷新订单', icon: 'none' });
      } else {
        setPhase('done');
      }
    } catch {
      setPhase('idle');
    }
  };

  const payWithWechat = async () => {
    setPhase('paying');
    let pay: PayParams;
    try {
      pay = await startPayment(current.id);
    } catch {
      setPhase('idle');
      return;
    }
    try {
      await Taro.requestPayment({ ...pay.payParams });
    } catch (caught) {
      setPhase('idle');
      const message = (caught as { errMsg?: string }).errMsg ?? '';
      void Taro.showToast({ title: /cancel/i.test(message) ? '支付已取消' : '支付未完成，请重试', icon: 'none' });
      return;
    }
    await settle();
  };

  const paySandbox = async () => {
    setPhase('paying');
    try {
      const pay = payParams ?? (await startPayment(current.id));
      setPayParams(pay);
      if (!pay.sandbox) {
        setPhase('idle');
        void Taro.showToast({ title: '请在微信小程序中完成支付', icon: 'none' });
        return;
      }
      await confirmSandboxPayment(pay.sandbox.confirmUrl);
    } catch (caught) {
      setPhase('idle');
      const error = caught as ApiError;
      if (error.code === 'network' || error.code === 'sandbox_failed') {
        void Taro.showToast({ title: error.message, icon: 'none' });
      }
      return;
    }
    await settle();
  };

  const busy = phase === 'paying' || phase === 'checking';
  const left = countdownText(current.expiresAt, now);
  // The time to pay is over: the order is about to be closed, so there is nothing left to pay.
  const expired = !!current.expiresAt && left === '00:00';

  return (
    <View className="page pay">
      <View className="pay-head">
        <Text className="pay-head__label">需支付</Text>
        <Price fen={current.amounts.payable} size="lg" className="pay-head__amount" />
        {current.expiresAt ? (
          <Text className="pay-head__countdown">{left === '00:00' ? '订单已超时' : `剩余支付时间 ${left}`}</Text>
        ) : null}
        <Text className="pay-head__no">{`订单号 ${current.orderNo}`}</Text>
      </View>

      {IS_WEAPP ? (
        <View className="shop-panel pay-method">
          <View className="pay-method__row">
            <View className="pay-method__icon">
              <Text>微</Text>
            </View>
            <Text className="pay-method__name">微信支付</Text>
            <Text className="shop-chip pay-method__selected">已选</Text>
          </View>
        </View>
      ) : (
        <View className="shop-panel pay-sandbox">
          <View className="pay-method__row">
            <View className="pay-method__icon">
              <Text>微</Text>
            </View>
            <View className="pay-sandbox__text">
              <Text className="pay-method__name">微信支付（演示沙箱）</Text>
              <Text className="shop-muted">网页版为演示环境，不会产生真实扣款</Text>
            </View>
          </View>
          <View className="pay-sandbox__amount">
            <Text className="shop-muted">{BRAND.mallName}</Text>
            <Text className="pay-sandbox__figure">{formatFen(current.amounts.payable)}</Text>
          </View>
        </View>
      )}

      {phase === 'checking' ? <Text className="pay-checking">正在确认支付结果…</Text> : null}

      {expired ? (
        <View className="pay-actions">
          <Text className="pay-expired">支付已超时，订单即将自动取消，如需购买请重新下单。</Text>
          <Button
            variant="primary"
            size="lg"
            block
            className="pay-view-order"
            onClick={() => void Taro.redirectTo({ url: orderUrl(current.id) })}
          >
            查看订单
          </Button>
        </View>
      ) : (
        <View className="pay-actions">
          {IS_WEAPP ? (
            <Button
              variant="primary"
              size="lg"
              block
              loading={busy}
              className="pay-wechat"
              onClick={() => void payWithWechat()}
            >
              {`微信支付 ${formatFen(current.amounts.payable)}`}
            </Button>
          ) : (
            <Button
              variant="primary"
              size="lg"
              block
              loading={busy}
              className="sandbox-pay-confirm"
              onClick={() => void paySandbox()}
            >
              确认支付
            </Button>
          )}
          <Button
            variant="text"
            className="pay-later"
            onClick={() => void Taro.redirectTo({ url: orderUrl(current.id) })}
          >
            稍后支付
          </Button>
        </View>
      )}
    </View>
  );
}
