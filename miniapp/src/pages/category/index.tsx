import { Text, View } from '@tarojs/components';
import { EmptyState } from '../../components';
import './index.scss';

export default function CategoryPage() {
  return (
    <View className="page category">
      <View className="category-header">
        <Text className="category-header__title">分类</Text>
        <Text className="category-header__hint">茶叶 · 茶点 · 茶器</Text>
      </View>
      {/* Categories (left rail) and the chosen category's products (right) come from the catalog API. */}
      <View className="category-layout">
        <View className="category-layout__rail" />
        <View className="category-layout__content card">
          <EmptyState
            mark="品"
            title="分类即将开放"
            description="我们正在为每一款好茶和茶点整理归类，商品上架后就能按类别挑选。"
          />
        </View>
      </View>
    </View>
  );
}
