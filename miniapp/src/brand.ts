/** The shop's name and colours in one place; the scss tokens (components/tokens.scss) mirror COLORS. */
export const BRAND = {
  name: '山茶集',
  mallName: '山茶集会员商城',
  slogan: '一盏好茶 · 一口好味',
} as const;

/** Colours that must be plain strings (app/page config, tab bar), mirroring tokens.scss. */
export const COLORS = {
  primary: '#1f3a2e',
  gold: '#b98f4e',
  ground: '#f5f1e8',
  surface: '#fffdf8',
  inkTertiary: '#a39d90',
} as const;

/** Tab pages are reached with switchTab, every other page with navigateTo/redirectTo. */
export const TAB_PAGES = ['pages/home/index', 'pages/category/index', 'pages/cart/index', 'pages/me/index'] as const;

export const PAGES = {
  home: '/pages/home/index',
  category: '/pages/category/index',
  cart: '/pages/cart/index',
  me: '/pages/me/index',
  login: '/pages/login/index',
  profile: '/packages/member/profile/index',
  // Shopping
  product: '/packages/shop/product/index',
  checkout: '/packages/shop/checkout/index',
  pay: '/packages/shop/pay/index',
  orders: '/packages/shop/orders/index',
  order: '/packages/shop/order/index',
  addresses: '/packages/shop/addresses/index',
  addressEdit: '/packages/shop/address-edit/index',
  /** Where unknown links land (app.ts). */
  notFound: '/packages/shop/not-found/index',
} as const;
