import { Text, View } from '@tarojs/components';
import { Avatar, BrandHeader, Button, EmptyState, TierBadge } from '../../components';
import { useMember } from '../../hooks/use-member';
import { goToLogin } from '../../navigation';
import './index.scss';

/** Greets the member (or invites a login) above the feed. */
function MemberWelcome() {
  const { loggedIn, member } = useMember();
  if (loggedIn && member) {
    return (
      <View className="home-welcome">
        <Avatar src={member.avatarUrl} nickname={member.nickname} size="sm" />
        <View className="home-welcome__text">
          <Text className="home-welcome__title">{`${member.nickname}，欢迎回来`}</Text>
          <Text className="home-welcome__hint">会员专享价与积分将随商品一同上线</Text>
        </View>
        <TierBadge tier={member.tier} />
      </View>
    );
  }
  return (
    <View className="home-welcome">
      <View className="home-welcome__text">
        <Text className="home-welcome__title">登录成为会员</Text>
        <Text className="home-welcome__hint">会员价、积分与专属礼遇</Text>
      </View>
      <Button variant="gold" size="sm" onClick={() => goToLogin()}>
        登录
      </Button>
    </View>
  );
}

export default function HomePage() {
  return (
    <View className="page home">
      <BrandHeader title="当季好茶" />
      <View className="home-body">
        <MemberWelcome />
        <View className="section">
          <View className="section__title">
            <Text>新品上市</Text>
            <Text className="section__hint">每周上新</Text>
          </View>
          {/* The catalog feed (src/api/catalog.ts, once the catalog API lands) renders here. */}
          <View className="card">
            <EmptyState
              mark="茶"
              title="商品即将上架"
              description="新一季的茶叶与茶点正在准备中，上架后会第一时间出现在这里。"
            />
          </View>
        </View>
      </View>
    </View>
  );
}
