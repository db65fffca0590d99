import { COLORS } from './brand';

export default defineAppConfig({
  pages: [
    'pages/home/index',
    'pages/category/index',
    'pages/cart/index',
    'pages/me/index',
    'pages/login/index',
    'pages/profile/index',
    // Shopping
    'pages/product/index',
    'pages/checkout/index',
    'pages/pay/index',
    'pages/orders/index',
    'pages/order/index',
    'pages/addresses/index',
    'pages/address-edit/index',
    // Membership
    'pages/membership/index',
    'pages/points/index',
    'pages/points-history/index',
    'pages/review-task/index',
    'pages/invite/index',
    'pages/points-mall/index',
  ],
  window: {
    backgroundTextStyle: 'dark',
    backgroundColor: COLORS.ground,
    navigationBarBackgroundColor: COLORS.ground,
    navigationBarTitleText: '山茶集会员商城',
    navigationBarTextStyle: 'black',
  },
  tabBar: {
    color: COLORS.inkTertiary,
    selectedColor: COLORS.primary,
    backgroundColor: COLORS.surface,
    borderStyle: 'white',
    list: [
      {
        pagePath: 'pages/home/index',
        text: '首页',
        iconPath: 'assets/tab/home.png',
        selectedIconPath: 'assets/tab/home-active.png',
      },
      {
        pagePath: 'pages/category/index',
        text: '分类',
        iconPath: 'assets/tab/category.png',
        selectedIconPath: 'assets/tab/category-active.png',
      },
      {
        pagePath: 'pages/cart/index',
        text: '购物车',
        iconPath: 'assets/tab/cart.png',
        selectedIconPath: 'assets/tab/cart-active.png',
      },
      {
        pagePath: 'pages/me/index',
        text: '我的',
        iconPath: 'assets/tab/me.png',
        selectedIconPath: 'assets/tab/me-active.png',
      },
    ],
  },
});
