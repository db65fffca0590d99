export default definePageConfig({
  navigationBarTitleText: '包裹卡兑换',
});
