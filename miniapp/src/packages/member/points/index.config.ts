export default definePageConfig({
  navigationBarTitleText: '积分中心',
  navigationBarBackgroundColor: '#1f3a2e',
  navigationBarTextStyle: 'white',
});
