/** The membership pages (registered in app.config.ts). */
export const MEMBER_PAGES = {
  membership: '/packages/member/membership/index',
  points: '/packages/member/points/index',
  pointsHistory: '/packages/member/points-history/index',
  reviewTask: '/packages/member/review-task/index',
  invite: '/packages/member/invite/index',
  pointsMall: '/packages/member/points-mall/index',
  product: '/packages/shop/product/index',
} as const;

/** 用户协议 (`?doc=terms`) and 隐私保护指引 (`?doc=privacy`). */
export const AGREEMENT_PAGE = '/packages/member/agreement/index';
