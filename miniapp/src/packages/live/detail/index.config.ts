export default definePageConfig({
  navigationBarTitleText: '直播详情',
  enablePullDownRefresh: true,
});
