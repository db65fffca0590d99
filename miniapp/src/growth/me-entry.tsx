import Taro from '@tarojs/taro';
import { Cell, CellGroup } from '../components';

/** 我的: the way to a parcel's package card and to inviting friends (the pages live in packages/growth). */
export const GROWTH_PAGES = {
  redeem: '/packages/growth/redeem/index',
  invite: '/packages/growth/invite/index',
  records: '/packages/growth/invite-records/index',
} as const;

export function MeGrowthEntries() {
  const open = (url: string) => () => void Taro.navigateTo({ url }).catch(() => undefined);
  return (
    <CellGroup title="福利">
      <Cell
        title="包裹卡兑换"
        value="输入或扫描卡上的兑换码"
        arrow
        className="me-package-card"
        onClick={open(GROWTH_PAGES.redeem)}
      />
      <Cell title="邀请有礼" value="好友首单后得积分" arrow className="me-invite" onClick={open(GROWTH_PAGES.invite)} />
    </CellGroup>
  );
}
