export default definePageConfig({
  navigationBarTitleText: '视频号直播',
  enablePullDownRefresh: true,
});
