import { View } from '@tarojs/components';
import { EmptyState } from '../components';
import { goToLogin } from '../navigation';

/** What a member-only page shows a guest: why, and the way in. */
export function LoginPrompt({ what }: { what: string }) {
  return (
    <View className="page">
      <EmptyState
        mark="茶"
        title="登录后查看"
        description={`登录会员后即可查看${what}`}
        actionText="去登录"
        onAction={() => goToLogin()}
        className="login-prompt"
      />
    </View>
  );
}
