import { View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { PAGES } from '../../../brand';
import { Button, EmptyState } from '../../../components';
import './index.scss';

/** Where an unknown link lands (app.ts sends it here): say so, and offer the way home or back. */
export default function NotFoundPage() {
  const back = () => void Taro.navigateBack().catch(() => Taro.switchTab({ url: PAGES.home }).catch(() => undefined));
  return (
    <View className="page not-found">
      <EmptyState
        mark="迷"
        title="页面不存在"
        description="这个链接可能已失效或输入有误，去首页看看当季好茶吧。"
        actionText="去首页"
        onAction={() => void Taro.switchTab({ url: PAGES.home })}
      />
      <View className="not-found__back">
        <Button variant="text" className="not-found-back" onClick={back}>
          返回上一页
        </Button>
      </View>
    </View>
  );
}
