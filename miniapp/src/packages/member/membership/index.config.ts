export default definePageConfig({
  navigationBarTitleText: '会员卡',
  navigationBarBackgroundColor: '#1f3a2e',
  navigationBarTextStyle: 'white',
});
