import { AFTER_SALE_KIND_TEXT, type AfterSaleEligibility, formatFen } from '@siyu/shared';
import { Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useRef, useState } from 'react';
import { AFTERSALES_PAGES, createAfterSale, fetchEligibility, newAfterSaleKey } from '../../../api/aftersales';
import type { ApiError } from '../../../api/client';
import { imageSrc, UPLOAD_MAX_BYTES, uploadImage } from '../../../api/uploads';
import { PAGES } from '../../../brand';
import { Button, EmptyState, ErrorState, LoadingState } from '../../../components';
import { QtyStepper } from '../../../components/qty-stepper';
import { useLoad } from '../../../hooks/use-load';
import { useMember } from '../../../hooks/use-member';
import { usePageParams } from '../../../hooks/use-page-params';
import { LoginPrompt } from '../../../membership/member-gate';
import { isEntityId } from '../../../shop/links';
import '../../../shop/shop.scss';
import '../aftersales.scss';
import { Picture } from '../../../components';

const MAX_PHOTOS = 6;

const KIND_HINTS = {
  refund_only: '订单尚未发货：同意后按实付比例原路退款，库存与所用积分一并退回。',
  return: '订单已发货：请说明情况并上传照片，客服同意后按实付比例原路退款，所用积分一并退回。',
} as const;

interface Photo {
  preview: string;
  url: string | null;
}

function ApplyForm({ eligibility }: { eligibility: AfterSaleEligibility }) {
  const kind = eligibility.kind!;
  const [picked, setPicked] = useState<Record<number, number>>(() => {
    const open = eligibility.lines.filter((line) => line.available > 0);
    // One line with units left: it is what the shopper came for.
    return open.length === 1 ? { [open[0]!.index]: open[0]!.available } : {};
  });
  const [reason, setReason] = useState('');
  const [description, setDescription] = useState('');
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [errors, setErrors] = useState<{ lines?: string; reason?: string; form?: string }>({});
  const [submitting, setSubmitting] = useState(false);
  const attempt = useRef<{ body: string; key: string } | null>(null);

  const toggle = (index: number, available: number) => {
    if (available <= 0) return;
    setPicked((current) => {
      const next = { ...current };
      if (next[index]) delete next[index];
      else next[index] = available;
      return next;
    });
    setErrors((current) => ({ ...current, lines: undefined }));
  };

  const addPhoto = async () => {
    if (photos.length >= MAX_PHOTOS) return;
    let chosen: Taro.chooseImage.SuccessCallbackResult;
    try {
      chosen = await Taro.chooseImage({ count: 1, sizeType: ['compressed'], sourceType: ['album', 'camera'] });
    } catch {
      return; // Cancelled.
    }
    const file = chosen.tempFiles?.[0];
    const path = file?.path ?? chosen.tempFilePaths?.[0];
    if (!path) return;
    if (file && file.size > UPLOAD_MAX_BYTES) {
      void Taro.showToast({ title: '图片不能超过 2 MB', icon: 'none' });
      return;
    }
    setPhotos((current) => [...current, { preview: path, url: null }]);
    try {
      const url = await uploadImage(path, file?.originalFileObj);
      setPhotos((current) => current.map((photo) => (photo.preview === path ? { ...photo, url } : photo)));
    } catch {
      setPhotos((current) => current.filter((photo) => photo.preview !== path)); // The client has told why.
    }
  };

  const submit = async () => {
    const lines = Object.entries(picked).map(([index, qty]) => ({ index: Number(index), qty }));
    const found: typeof errors = {};
    if (lines.length === 0) found.lines = '请选择要售后的商品';
    if (!reason) found.reason = '请选择售后原因';
    if (photos.some((photo) => !photo.url)) found.form = '图片还在上传，请稍候';
    setErrors(found);
    if (found.lines || found.reason || found.form) return;
    const input = {
      orderId: eligibility.orderId,
      kind,
      lines,
      reason,
      description: description.trim(),
      photos: photos.map((photo) => photo.url!),
    };
    // The same form sent again (a second tap, a retry after a network error) keeps its key.
    const body = JSON.stringify(input);
    if (attempt.current?.body !== body) attempt.current = { body, key: newAfterSaleKey() };
    setSubmitting(true);
    try {
      const created = await createAfterSale(input, attempt.current.key);
      void Taro.showToast({ title: '已提交，等待客服审核', icon: 'none' });
      void Taro.redirectTo({ url: `${AFTERSALES_PAGES.detail}?id=${created.id}` });
    } catch (caught) {
      const error = caught as ApiError;
      if (error.code === 'after_sale_qty_exceeded') setErrors({ lines: error.message });
      else if (error.code !== 'network') setErrors({ form: error.message });
    } finally {
      setSubmitting(false);
    }
  };

  const count = Object.values(picked).reduce((total, qty) => total + qty, 0);

  return (
    <View className="page aftersales-apply">
      <View className="aftersales-kind">
        <Text className="aftersales-kind__title">{AFTER_SALE_KIND_TEXT[kind]}</Text>
        <Text className="aftersales-kind__hint">{KIND_HINTS[kind]}</Text>
      </View>

      <View className="shop-panel">
        <Text className="shop-panel__title">选择商品</Text>
        {eligibility.lines.map((line) => {
          const chosen = picked[line.index];
          return (
            <View
              key={line.index}
              className={`aftersales-line ${line.available > 0 ? '' : 'aftersales-line--off'}`}
              data-line={line.index}
              onClick={() => toggle(line.index, line.available)}
            >
              <View className={`aftersales-check ${chosen ? 'aftersales-check--on' : ''}`}>
                <Text>{chosen ? '✓' : ''}</Text>
              </View>
              <Picture className="aftersales-line__image" src={imageSrc(line.image)} mode="aspectFill" />
              <View className="aftersales-line__body">
                <Text className="aftersales-line__title">{line.title}</Text>
                <Text className="aftersales-line__specs">{`${line.specsText} · ${formatFen(line.unitPrice)} × ${line.qty}`}</Text>
                <View className="aftersales-line__foot">
                  <Text className="aftersales-line__left">
                    {line.available > 0 ? `可申请 ${line.available} 件` : '已申请售后'}
                  </Text>
                  {chosen ? (
                    <QtyStepper
                      value={chosen}
                      max={line.available}
                      onChange={(qty) => setPicked((current) => ({ ...current, [line.index]: qty }))}
                      onLimit={() => void Taro.showToast({ title: `最多可申请 ${line.available} 件`, icon: 'none' })}
                    />
                  ) : null}
                </View>
              </View>
            </View>
          );
        })}
        {errors.lines ? <Text className="aftersales-field-error">{errors.lines}</Text> : null}
      </View>

      <View className="shop-panel">
        <Text className="shop-panel__title">售后原因</Text>
        <View className="aftersales-reasons">
          {eligibility.reasons.map((text) => (
            <Text
              key={text}
              className={`aftersales-reason ${reason === text ? 'aftersales-reason--on' : ''}`}
              onClick={() => {
                setReason(text);
                setErrors((current) => ({ ...current, reason: undefined }));
              }}
            >
              {text}
            </Text>
          ))}
        </View>
        {errors.reason ? <Text className="aftersales-field-error">{errors.reason}</Text> : null}
      </View>

      <View className="shop-panel">
        <Text className="shop-panel__title">补充说明</Text>
        <Textarea
          className="aftersales-textarea"
          value={description}
          maxlength={200}
          placeholder="选填：说说遇到的问题，方便客服尽快处理"
          onInput={(event) => setDescription(event.detail.value)}
        />
        <Text className="shop-panel__title aftersales-photos__title">{`上传凭证（${photos.length}/${MAX_PHOTOS}）`}</Text>
        <View className="aftersales-photos">
          {photos.map((photo) => (
            <View key={photo.preview} className="aftersales-photo">
              <Picture className="aftersales-photo__image" src={photo.preview} mode="aspectFill" />
              <Text
                className="aftersales-photo__remove"
                onClick={() => setPhotos((current) => current.filter((other) => other.preview !== photo.preview))}
              >
                ×
              </Text>
            </View>
          ))}
          {photos.length < MAX_PHOTOS ? (
            <View className="aftersales-photo aftersales-photo--add" onClick={() => void addPhoto()}>
              <Text className="aftersales-photo__plus">＋</Text>
              <Text>添加照片</Text>
            </View>
          ) : null}
        </View>
      </View>

      <Text className="aftersales-note">
        退款金额按你实际支付的比例计算（会员价、优惠券、积分抵扣均已按比例分摊），以客服审核结果为准；同一件商品不能重复申请。
      </Text>
      {errors.form ? <Text className="aftersales-field-error aftersales-note">{errors.form}</Text> : null}
      <View className="shop-bottom-spacer" />
      <View className="shop-bottom-bar">
        <Text className="aftersales-bar__summary">{count ? `已选 ${count} 件` : '请选择商品'}</Text>
        <Button loading={submitting} onClick={() => void submit()}>
          提交申请
        </Button>
      </View>
    </View>
  );
}

export default function AfterSaleApplyPage() {
  const { loggedIn } = useMember();
  const params = usePageParams();
  const orderId = params.orderId ?? '';
  const valid = isEntityId(orderId);
  const eligibility = useLoad(() => fetchEligibility(orderId, { silent: true }), orderId, {
    auto: valid && loggedIn,
  });
  const toOrders = () => void Taro.redirectTo({ url: PAGES.orders });

  if (!loggedIn) return <LoginPrompt what="售后申请" />;
  if (!valid) {
    return (
      <EmptyState
        mark="售"
        title="链接有误"
        description="这个售后链接不完整，请从订单详情进入申请售后。"
        actionText="查看全部订单"
        onAction={toOrders}
      />
    );
  }
  const current = eligibility.data;
  if (eligibility.loading && !current) return <LoadingState variant="spinner" />;
  if (!current) {
    return eligibility.error?.status === 404 ? (
      <EmptyState
        mark="售"
        title="订单不存在"
        description="这笔订单找不到了。"
        actionText="查看全部订单"
        onAction={toOrders}
      />
    ) : (
      <ErrorState message={eligibility.error?.message} onRetry={() => void eligibility.reload()} />
    );
  }
  if (!current.kind || current.lines.every((line) => line.available === 0)) {
    return (
      <EmptyState
        mark="售"
        title="暂不能申请售后"
        description={current.reason ?? '订单中的商品都已申请过售后，可在售后进度中查看。'}
        actionText="查看售后进度"
        onAction={() => void Taro.redirectTo({ url: `${AFTERSALES_PAGES.list}?orderId=${current.orderId}` })}
      />
    );
  }
  return <ApplyForm eligibility={current} />;
}
