import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { PAGES } from '../../brand';
import { EmptyState } from '../../components';
import { useMember } from '../../hooks/use-member';
import { goToLogin } from '../../navigation';
import './index.scss';

export default function CartPage() {
  const { loggedIn } = useMember();
  return (
    <View className="page cart">
      <View className="cart-header">
        <Text className="cart-header__title">购物车</Text>
      </View>
      {/* Cart lines (src/api/cart.ts, once the cart API lands) and the checkout bar slot in here. */}
      <View className="section card">
        {loggedIn ? (
          <EmptyState
            mark="篮"
            title="购物车还是空的"
            description="商品即将上架，挑好的茶叶与茶点会放在这里，一起结算。"
            actionText="去首页看看"
            onAction={() => void Taro.switchTab({ url: PAGES.home })}
          />
        ) : (
          <EmptyState
            mark="篮"
            title="登录后查看购物车"
            description="登录会员后，购物车会在你的设备间同步。"
            actionText="登录"
            onAction={() => goToLogin()}
          />
        )}
      </View>
    </View>
  );
}
