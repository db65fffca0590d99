import { formatPackageCardCode, normalizePackageCardCode, type StorePackageCardRedemption } from '@siyu/shared';
import { Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import type { ApiError } from '../../../api/client';
import { codeFromPageOptions, redeemPackageCard, typedCodeProblem } from '../../../api/growth';
import { Button } from '../../../components';
import { useMember } from '../../../hooks/use-member';
import { usePageParams } from '../../../hooks/use-page-params';
import { LoginPrompt } from '../../../membership/member-gate';
import { openPage } from '../../../membership/open-page';
import './index.scss';

const IS_WEAPP = process.env.TARO_ENV === 'weapp';
const COUPONS_PAGE = '/packages/coupons/mine/index';
const HOME_PAGE = '/pages/home/index';

/** A scanned result: a mini-program code gives a page path with `scene`, a plain QR code its text. */
export function codeFromScan(result: { path?: string; result?: string }): string {
  const path = result.path ?? '';
  const query = path.includes('?') ? path.slice(path.indexOf('?') + 1) : '';
  const options: Record<string, string> = {};
  for (const pair of query.split('&')) {
    const [key, value] = pair.split('=');
    if (key && value !== undefined) options[key] = value;
  }
  const fromPath = codeFromPageOptions(options);
  if (fromPath) return fromPath;
  const text = result.result ?? '';
  const match = /(?:pc=|code=)([A-Za-z0-9-]+)/.exec(text);
  return match ? match[1]! : text;
}

function Benefits({ redemption }: { redemption: StorePackageCardRedemption }) {
  return (
    <View className="redeem-benefits card">
      <Text className="redeem-benefits__title">兑换成功</Text>
      <Text className="redeem-benefits__batch">{`${redemption.batch.name} · ${redemption.code}`}</Text>
      {redemption.coupon ? (
        <View className="redeem-benefit redeem-benefit--coupon">
          <Text className="redeem-benefit__label">优惠券</Text>
          <Text className="redeem-benefit__value">{redemption.coupon.title}</Text>
          <Text className="redeem-benefit__note">已放入「我的优惠券」，下单时可直接使用</Text>
        </View>
      ) : null}
      {redemption.points > 0 ? (
        <View className="redeem-benefit redeem-benefit--points">
          <Text className="redeem-benefit__label">积分</Text>
          <Text className="redeem-benefit__value">{`+${redemption.points} 积分`}</Text>
        </View>
      ) : null}
      {redemption.gift ? (
        <View className="redeem-benefit redeem-benefit--gift">
          <Text className="redeem-benefit__label">回购礼</Text>
          <Text className="redeem-benefit__value">{redemption.gift.title}</Text>
          <Text className="redeem-benefit__note">专属购买资格，限购 1 件</Text>
        </View>
      ) : null}
      {redemption.wecomText ? (
        <View className="redeem-benefit redeem-benefit--wecom">
          <Text className="redeem-benefit__label">专属顾问</Text>
          <Text className="redeem-benefit__note" selectable>
            {redemption.wecomText}
          </Text>
        </View>
      ) : null}
    </View>
  );
}

export default function RedeemPage() {
  const params = usePageParams();
  const { loggedIn } = useMember();
  const [code, setCode] = useState(() => codeFromPageOptions(params));
  const [buyerId, setBuyerId] = useState('');
  const [askBuyer, setAskBuyer] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [redemption, setRedemption] = useState<StorePackageCardRedemption | null>(null);

  if (!loggedIn) return <LoginPrompt what="并兑换包裹卡权益" />;

  const submit = async () => {
    const typo = typedCodeProblem(code);
    if (typo) {
      setProblem(typo);
      return;
    }
    if (askBuyer && !buyerId.trim()) {
      setProblem(`请填写你的${askBuyer}账号`);
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      const answer = await redeemPackageCard(
        normalizePackageCardCode(code),
        buyerId.trim() ? { buyerId: buyerId.trim() } : {},
        { silent: true },
      );
      setRedemption(answer);
    } catch (caught) {
      const error = caught as ApiError;
      if (error.code === 'buyer_id_required') {
        const platform = (error.details as { platform?: string } | undefined)?.platform;
        setAskBuyer(platform === 'jd' ? '京东' : platform === 'douyin' ? '抖音' : '天猫');
      }
      setProblem(error.message);
    } finally {
      setBusy(false);
    }
  };

  const scan = async () => {
    try {
      const result = await Taro.scanCode({ onlyFromCamera: false });
      setCode(codeFromScan(result));
      setProblem(null);
    } catch {
      // cancelled: nothing to do
    }
  };

  if (redemption) {
    const step = redemption.nextStep;
    return (
      <View className="page redeem">
        <Benefits redemption={redemption} />
        <View className="redeem-actions">
          {step.path ? (
            <Button variant="gold" block className="redeem-next" onClick={() => openPage(step.path)}>
              {step.label}
            </Button>
          ) : null}
          {redemption.coupon ? (
            <Button variant="outline" block className="redeem-coupons" onClick={() => openPage(COUPONS_PAGE)}>
              查看我的优惠券
            </Button>
          ) : null}
          <Button variant="text" block onClick={() => openPage(HOME_PAGE)}>
            返回首页
          </Button>
        </View>
      </View>
    );
  }

  return (
    <View className="page redeem">
      <View className="redeem-hero">
        <Text className="redeem-hero__title">包裹卡兑换</Text>
        <Text className="redeem-hero__subtitle">输入卡片上的兑换码，或扫描卡片上的小程序码</Text>
      </View>
      <View className="redeem-form card">
        <Text className="redeem-form__label">兑换码</Text>
        <Input
          className="redeem-form__input"
          value={code ? formatPackageCardCode(normalizePackageCardCode(code)) : ''}
          maxlength={16}
          placeholder="XXXX-XXXX-XXXX"
          onInput={(event) => {
            setCode(event.detail.value);
            setProblem(null);
          }}
        />
        {askBuyer ? (
          <>
            <Text className="redeem-form__label">{`${askBuyer}账号`}</Text>
            <Input
              className="redeem-form__input redeem-form__buyer"
              value={buyerId}
              maxlength={64}
              placeholder={`下单时使用的${askBuyer}账号`}
              onInput={(event) => setBuyerId(event.detail.value)}
            />
          </>
        ) : null}
        {problem ? <Text className="redeem-form__problem">{problem}</Text> : null}
        <Button block loading={busy} className="redeem-submit" onClick={() => void submit()}>
          立即兑换
        </Button>
        {IS_WEAPP ? (
          <Button variant="outline" block className="redeem-scan" onClick={() => void scan()}>
            扫码兑换
          </Button>
        ) : null}
      </View>
      <View className="redeem-rules">
        <Text className="redeem-rules__line">每张卡只能兑换一次；同一批次的卡每人限兑一张。</Text>
        <Text className="redeem-rules__line">兑换码不含 0、O、1、I，字母不区分大小写。</Text>
      </View>
    </View>
  );
}
