export default definePageConfig({
  navigationBarTitleText: '山茶集会员商城',
  navigationBarBackgroundColor: '#1f3a2e',
  navigationBarTextStyle: 'white',
  enablePullDownRefresh: true,
  backgroundTextStyle: 'light',
  onReachBottomDistance: 200,
});
