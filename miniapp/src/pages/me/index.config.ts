export default definePageConfig({
  navigationBarTitleText: '我的',
  navigationBarBackgroundColor: '#1f3a2e',
  navigationBarTextStyle: 'white',
});
