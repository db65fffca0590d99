/** 我的 → 我的拼团. */
import Taro from '@tarojs/taro';
import { PAGES_GROUPBUY } from '../api/groupbuy';
import { Cell, CellGroup } from '../components';

export function MeGroupBuyEntry() {
  return (
    <CellGroup>
      <Cell
        title="我的拼团"
        arrow
        className="me-groupbuy"
        onClick={() => void Taro.navigateTo({ url: PAGES_GROUPBUY.mine }).catch(() => undefined)}
      />
    </CellGroup>
  );
}
