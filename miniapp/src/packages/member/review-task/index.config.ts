export default definePageConfig({
  navigationBarTitleText: '晒单评价',
});
