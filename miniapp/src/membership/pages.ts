/** The membership pages (registered in app.config.ts). */
export const MEMBER_PAGES = {
  membership: '/pages/membership/index',
  points: '/pages/points/index',
  pointsHistory: '/pages/points-history/index',
  reviewTask: '/pages/review-task/index',
  invite: '/pages/invite/index',
  pointsMall: '/pages/points-mall/index',
  product: '/pages/product/index',
} as const;
