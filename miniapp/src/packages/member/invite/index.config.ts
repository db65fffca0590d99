export default definePageConfig({
  navigationBarTitleText: '邀请好友',
  navigationBarBackgroundColor: '#1f3a2e',
  navigationBarTextStyle: 'white',
  enableShareAppMessage: true,
});
