import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { PAGES } from '../brand';
import { Cell, CellGroup } from '../components';
import { badgeText, useOrderCounts } from './badges';
import './me-shopping.scss';

const ORDER_SHORTCUTS = [
  { status: 'pending_payment', title: '待付款', mark: '付' },
  { status: 'paid', title: '待发货', mark: '发' },
  { status: 'shipped', title: '待收货', mark: '收' },
  { status: 'completed', title: '已完成', mark: '成' },
] as const;

/** 我的订单 (with shortcuts per status and their counts) and 收货地址 on the 我的 page. */
export function MeShoppingEntries() {
  const counts = useOrderCounts();
  const open = (url: string) => void Taro.navigateTo({ url });
  return (
    <View className="me-shopping">
      <View className="me-orders">
        <View className="me-orders__head" onClick={() => open(PAGES.orders)}>
          <Text className="me-orders__title">我的订单</Text>
          <Text className="me-orders__all">全部订单</Text>
          <View className="sy-cell__arrow" />
        </View>
        <View className="me-orders__row">
          {ORDER_SHORTCUTS.map((item) => (
            <View
              key={item.status}
              className={`me-orders__item me-orders__item--${item.status}`}
              onClick={() => open(`${PAGES.orders}?status=${item.status}`)}
            >
              <View className="me-orders__seal">
                <Text>{item.mark}</Text>
                {counts && item.status !== 'completed' && counts[item.status] > 0 ? (
                  <Text className="me-orders__badge">{badgeText(counts[item.status])}</Text>
                ) : null}
              </View>
              <Text className="me-orders__name">{item.title}</Text>
            </View>
          ))}
        </View>
      </View>
      <CellGroup>
        <Cell title="收货地址" arrow className="me-addresses" onClick={() => open(PAGES.addresses)} />
      </CellGroup>
    </View>
  );
}
