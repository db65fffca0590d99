import { COLORS } from './brand';

export default defineAppConfig({
  // The main package holds the tab pages and login; every other page lives in a sub-package, so the weapp main
  // package stays small as pages are added (WeChat's limit is 2 MB per package).
  pages: ['pages/home/index', 'pages/category/index', 'pages/cart/index', 'pages/me/index', 'pages/login/index'],
  subPackages: [
    {
      root: 'packages/shop',
      pages: [
        'product/index',
        'checkout/index',
        'pay/index',
        'orders/index',
        'order/index',
        'addresses/index',
        'address-edit/index',
        'not-found/index',
      ],
    },
    {
      root: 'packages/member',
      pages: [
        'membership/index',
        'points/index',
        'points-history/index',
        'review-task/index',
        'invite/index',
        'points-mall/index',
        'profile/index',
        'agreement/index',
      ],
    },
    { root: 'packages/groupbuy', pages: ['campaign/index', 'group/index', 'mine/index'] },
    { root: 'packages/aftersales', pages: ['apply/index', 'list/index', 'detail/index'] },
    { root: 'packages/live', pages: ['list/index', 'detail/index'] },
    { root: 'packages/coupons', pages: ['center/index', 'mine/index'] },
    { root: 'packages/growth', pages: ['redeem/index', 'invite/index', 'invite-records/index', 'join/index'] },
  ],
  // WeChat's privacy authorization: APIs that touch personal data wait for the member's consent (privacy.ts).
  __usePrivacyCheck__: true,
  window: {
    backgroundTextStyle: 'dark',
    backgroundColor: COLORS.ground,
    navigationBarBackgroundColor: COLORS.ground,
    navigationBarTitleText: '山茶集会员商城',
    navigationBarTextStyle: 'black',
    // H5: Taro's own navigation bar (title, and 返回 or 首页 on every non-tab page); weapp has WeChat's.
    navigationStyle: 'default',
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
