import { packageCardCheckChar, type StorePackageCardRedemption } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { codeFromPageOptions } from '../src/api/growth';
import { inviteFromScene } from '../src/packages/growth/join/index';
import RedeemPage, { codeFromScan } from '../src/packages/growth/redeem/index';
import { type FakeRequest, resetFakeTaro, respondWith, setPages, setRouterParams } from './fake-taro-shop';
import { signIn } from './shop-fixtures';

vi.mock('@tarojs/taro', () => import('./fake-taro-shop'));
configure({ asyncUtilTimeout: 5000 });

const BODY = 'ABCDEFGHJKL';
const CODE = BODY + packageCardCheckChar(BODY);
const WRONG = BODY + (packageCardCheckChar(BODY) === 'A' ? 'B' : 'A');

const redemption: StorePackageCardRedemption = {
  code: 'ABCD-EFGH-JKLM',
  batch: { id: 'b1', name: '天猫双 12 包裹卡', channel: 'tmall' },
  coupon: { templateId: 't1', memberCouponId: 'c1', title: '包裹卡专享 满50减10' },
  points: 50,
  gift: { skuId: 's1', productId: 'aaaaaaaaaaaaaaaaaaaaaaa1', title: '1 分钱回购礼' },
  wecomText: null,
  nextStep: {
    kind: 'buy_gift',
    label: '去领 1 分钱回购礼',
    path: '/packages/shop/product/index?id=aaaaaaaaaaaaaaaaaaaaaaa1',
  },
  redeemedAt: '2026-12-01T02:00:00.000Z',
};

function sent(): FakeRequest[] {
  return vi.mocked(Taro.request).mock.calls.map(([options]) => options as FakeRequest);
}

function typeCode(container: HTMLElement, value: string) {
  const input = container.querySelector('.redeem-form__input input, input.redeem-form__input') as HTMLInputElement;
  fireEvent.input(input, { target: { value } });
}

describe('包裹卡兑换', () => {
  beforeEach(() => {
    resetFakeTaro();
    signIn();
    setPages([{ route: 'packages/growth/redeem/index' }]);
  });

  it('the scene of a scanned card (pc=<code>, percent-encoded) and a ?code= link both fill the code', () => {
    expect(codeFromPageOptions({ scene: encodeURIComponent(`pc=${CODE}`) })).toBe(CODE);
    expect(codeFromPageOptions({ code: CODE })).toBe(CODE);
    expect(codeFromScan({ path: `packages/growth/redeem/index?scene=${encodeURIComponent(`pc=${CODE}`)}` })).toBe(CODE);
    expect(inviteFromScene(encodeURIComponent('inv=AB12CD34'))).toBe('AB12CD34');
    setRouterParams({ scene: encodeURIComponent(`pc=${CODE}`) });
    const { container } = render(<RedeemPage />);
    const input = container.querySelector('.redeem-form__input input, input.redeem-form__input') as HTMLInputElement;
    expect(input.value).toBe('ABCD-EFGH-JKL' + CODE.slice(-1));
  });

  it('a code with a wrong check character is refused on the page and nothing is sent', async () => {
    const { container } = render(<RedeemPage />);
    typeCode(container, WRONG);
    fireEvent.click(container.querySelector('.redeem-submit') as HTMLElement);
    expect(await screen.findByText('兑换码有误，请核对卡片上的字符')).toBeTruthy();
    expect(sent()).toEqual([]);
  });

  it('on success shows the benefit and the next step: the coupon, the points and the 1-fen gift to buy', async () => {
    respondWith((request) =>
      request.url.endsWith('/package-cards/redeem') ? { statusCode: 200, data: redemption } : { statusCode: 404 },
    );
    const { container } = render(<RedeemPage />);
    typeCode(container, CODE.toLowerCase());
    fireEvent.click(container.querySelector('.redeem-submit') as HTMLElement);
    expect(await screen.findByText('兑换成功')).toBeTruthy();
    expect(sent()[0]!.data).toEqual({ code: CODE });
    expect(screen.getByText('包裹卡专享 满50减10')).toBeTruthy();
    expect(screen.getByText('+50 积分')).toBeTruthy();
    fireEvent.click(container.querySelector('.redeem-next') as HTMLElement);
    await waitFor(() =>
      expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/shop/product/index?id=aaaaaaaaaaaaaaaaaaaaaaa1' }),
    );
  });

  it('asks for the marketplace account when the batch links it, then sends it', async () => {
    let calls = 0;
    respondWith(() => {
      calls++;
      if (calls === 1) {
        return {
          statusCode: 400,
          data: {
            error: {
              code: 'buyer_id_required',
              message: '请填写你的天猫账号，用于合并会员权益',
              details: { platform: 'tmall' },
            },
          },
        };
      }
      return { statusCode: 200, data: redemption };
    });
    const { container } = render(<RedeemPage />);
    typeCode(container, CODE);
    fireEvent.click(container.querySelector('.redeem-submit') as HTMLElement);
    expect(await screen.findByText('请填写你的天猫账号，用于合并会员权益')).toBeTruthy();
    const buyer = container.querySelector('.redeem-form__buyer input, input.redeem-form__buyer') as HTMLInputElement;
    fireEvent.input(buyer, { target: { value: 'tb_xiaoman' } });
    fireEvent.click(container.querySelector('.redeem-submit') as HTMLElement);
    expect(await screen.findByText('兑换成功')).toBeTruthy();
    expect(sent()[1]!.data).toEqual({ code: CODE, buyerId: 'tb_xiaoman' });
  });

  it('a guest is asked to log in first', () => {
    resetFakeTaro();
    render(<RedeemPage />);
    expect(screen.getByText('登录后查看')).toBeTruthy();
  });
});
