export default definePageConfig({
  navigationBarTitleText: '邀请有礼',
  navigationBarBackgroundColor: '#1f3a2e',
  navigationBarTextStyle: 'white',
  enableShareAppMessage: true,
});
