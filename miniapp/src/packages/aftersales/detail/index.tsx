import { type AfterSaleView, formatFen } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { AFTERSALES_PAGES, fetchAfterSale, withdrawAfterSale } from '../../../api/aftersales';
import { imageSrc } from '../../../api/uploads';
import { PAGES } from '../../../brand';
import { Button, EmptyState, ErrorState, LoadingState } from '../../../components';
import { useLoad } from '../../../hooks/use-load';
import { useMember } from '../../../hooks/use-member';
import { usePageParams } from '../../../hooks/use-page-params';
import { LoginPrompt } from '../../../membership/member-gate';
import { isEntityId } from '../../../shop/links';
import { shopTime } from '../time';
import '../../../shop/shop.scss';
import '../aftersales.scss';
import { Picture } from '../../../components';

const HINTS: Record<AfterSaleView['status'], string> = {
  pending: '客服会尽快审核，通常 1 个工作日内处理',
  approved: '客服已同意，退款正在原路退回',
  refunded: '退款已原路退回，请留意微信支付通知',
  rejected: '客服未同意这次申请，可查看说明后重新申请',
  withdrawn: '你已撤销这次申请，商品可再次申请售后',
};

function RefundPanel({ request }: { request: AfterSaleView }) {
  if (!request.refund) return null;
  return (
    <View className="shop-panel">
      <Text className="shop-panel__title">{request.status === 'refunded' ? '退款金额' : '应退金额'}</Text>
      <Text className="aftersales-money">{formatFen(request.refund.amount)}</Text>
      {request.refund.points ? (
        <View className="shop-row">
          <Text>退回积分</Text>
          <Text className="shop-row__value">{`${request.refund.points} 积分`}</Text>
        </View>
      ) : null}
      <View className="shop-row">
        <Text>退款单号</Text>
        <Text className="shop-row__value" userSelect>
          {request.refund.outRefundNo}
        </Text>
      </View>
      {request.refund.refundedAt ? (
        <View className="shop-row">
          <Text>到账时间</Text>
          <Text className="shop-row__value">{shopTime(request.refund.refundedAt)}</Text>
        </View>
      ) : null}
    </View>
  );
}

export default function AfterSaleDetailPage() {
  const { loggedIn } = useMember();
  const params = usePageParams();
  const id = params.id ?? '';
  const valid = isEntityId(id);
  const loaded = useLoad(() => fetchAfterSale(id, { silent: true }), id, { auto: valid && loggedIn });
  const [withdrawing, setWithdrawing] = useState(false);
  const shown = useRef(false);

  useDidShow(() => {
    if (shown.current && valid && loggedIn) void loaded.reload();
    shown.current = true;
  });

  const toList = () => void Taro.redirectTo({ url: AFTERSALES_PAGES.list });
  if (!loggedIn) return <LoginPrompt what="售后详情" />;
  if (!valid) {
    return (
      <EmptyState
        mark="售"
        title="链接有误"
        description="这个售后链接不完整或已失效。"
        actionText="查看售后进度"
        onAction={toList}
      />
    );
  }
  const request = loaded.data;
  if (loaded.loading && !request) return <LoadingState variant="spinner" />;
  if (!request) {
    return loaded.error?.status === 404 ? (
      <EmptyState
        mark="售"
        title="售后申请不存在"
        description="这条售后申请找不到了。"
        actionText="查看售后进度"
        onAction={toList}
      />
    ) : (
      <ErrorState message={loaded.error?.message} onRetry={() => void loaded.reload()} />
    );
  }

  const withdraw = async () => {
    const confirmed = await Taro.showModal({
      title: '撤销申请',
      content: '撤销后可以重新申请售后，确定撤销吗？',
    }).catch(() => ({ confirm: false }));
    if (!confirmed.confirm) return;
    setWithdrawing(true);
    try {
      loaded.setData(await withdrawAfterSale(request.id));
    } catch {
      // Told by the client (客服已处理，无法撤销).
    } finally {
      setWithdrawing(false);
    }
  };

  return (
    <View className="page aftersales-detail">
      <View className={`aftersales-head aftersales-head--${request.status}`}>
        <Text className="aftersales-head__status">{request.statusText}</Text>
        <Text className="aftersales-head__hint">{HINTS[request.status]}</Text>
      </View>

      <RefundPanel request={request} />

      <View className="shop-panel">
        <Text className="shop-panel__title">处理进度</Text>
        {request.timeline.map((step, index) => (
          <View
            key={`${step.at}-${step.text}`}
            className={`aftersales-timeline__item ${index === request.timeline.length - 1 ? 'aftersales-timeline__item--last' : ''}`}
          >
            <Text className="aftersales-timeline__text">{step.text}</Text>
            <Text className="aftersales-timeline__at">{shopTime(step.at)}</Text>
          </View>
        ))}
      </View>

      <View className="shop-panel">
        <Text className="shop-panel__title">{request.kindText}</Text>
        {request.lines.map((line) => (
          <View key={line.index} className="aftersales-line">
            <Picture className="aftersales-line__image" src={imageSrc(line.image)} mode="aspectFill" />
            <View className="aftersales-line__body">
              <Text className="aftersales-line__title">{line.title}</Text>
              <Text className="aftersales-line__specs">{`${line.specsText} · ${formatFen(line.unitPrice)}`}</Text>
              <Text className="aftersales-line__left">{`申请 ${line.qty} 件`}</Text>
            </View>
          </View>
        ))}
        <View className="shop-row">
          <Text>售后原因</Text>
          <Text className="shop-row__value">{request.reason}</Text>
        </View>
        {request.description ? <Text className="shop-muted">{request.description}</Text> : null}
        {request.photos.length ? (
          <View className="aftersales-photos">
            {request.photos.map((url) => (
              <View
                key={url}
                className="aftersales-photo"
                onClick={() => void Taro.previewImage({ urls: request.photos.map(imageSrc), current: imageSrc(url) })}
              >
                <Picture className="aftersales-photo__image" src={imageSrc(url)} mode="aspectFill" />
              </View>
            ))}
          </View>
        ) : null}
        <View className="shop-row">
          <Text>订单编号</Text>
          <Text className="shop-row__value" userSelect>
            {request.orderNo}
          </Text>
        </View>
      </View>

      <View className="aftersales-actions">
        <Button
          variant="outline"
          block
          onClick={() => void Taro.navigateTo({ url: `${PAGES.order}?id=${request.orderId}` })}
        >
          查看订单
        </Button>
        {request.canWithdraw ? (
          <Button variant="outline" block loading={withdrawing} onClick={() => void withdraw()}>
            撤销申请
          </Button>
        ) : null}
      </View>
    </View>
  );
}
