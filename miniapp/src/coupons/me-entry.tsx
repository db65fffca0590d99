/** 我的 → 我的优惠券 and 领券中心. */
import Taro from '@tarojs/taro';
import { COUPON_PAGES } from '../api/coupons';
import { Cell, CellGroup } from '../components';

export function MeCouponEntries() {
  return (
    <CellGroup>
      <Cell
        title="我的优惠券"
        arrow
        className="me-coupons"
        onClick={() => void Taro.navigateTo({ url: COUPON_PAGES.mine }).catch(() => undefined)}
      />
      <Cell
        title="领券中心"
        label="先领券，再下单"
        arrow
        className="me-coupon-center"
        onClick={() => void Taro.navigateTo({ url: COUPON_PAGES.center }).catch(() => undefined)}
      />
    </CellGroup>
  );
}
