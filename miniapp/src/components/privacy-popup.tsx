import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { AGREEMENT_PAGE } from '../membership/pages';
import {
  agreePrivacy,
  declinePrivacy,
  openWechatPrivacyContract,
  PRIVACY_AGREE_BUTTON_ID,
  usePrivacyRequest,
} from '../privacy';
import { BottomSheet } from './bottom-sheet';
import { Button } from './button';

/** Opens 隐私保护指引: WeChat's own page on weapp, ours elsewhere. */
export function openPrivacyGuide(): void {
  if (!openWechatPrivacyContract()) {
    void Taro.navigateTo({ url: `${AGREEMENT_PAGE}?doc=privacy` }).catch(() => undefined);
  }
}

/**
 * The consent WeChat requires before phone number, avatar, album and clipboard APIs (see privacy.ts): shown
 * when WeChat asks, answered only by 同意 or 拒绝.
 */
export function PrivacyPopup() {
  const open = usePrivacyRequest();
  return (
    <BottomSheet
      open={open}
      title="隐私保护提示"
      onClose={declinePrivacy}
      className="privacy-popup"
      footer={
        <>
          <Button variant="outline" block className="privacy-decline" onClick={declinePrivacy}>
            拒绝
          </Button>
          <Button
            variant="primary"
            block
            id={PRIVACY_AGREE_BUTTON_ID}
            className="privacy-agree"
            openType={process.env.TARO_ENV === 'weapp' ? 'agreePrivacyAuthorization' : undefined}
            onAgreePrivacyAuthorization={agreePrivacy}
            onClick={process.env.TARO_ENV === 'weapp' ? undefined : agreePrivacy}
          >
            同意并继续
          </Button>
        </>
      }
    >
      <View className="privacy-popup__text">
        <Text>
          使用头像、相册、剪贴板或手机号前，请阅读并同意
          <Text className="privacy-popup__link" onClick={openPrivacyGuide}>
            《隐私保护指引》
          </Text>
          。我们只为提供相应服务使用这些信息，拒绝后仍可继续浏览。
        </Text>
      </View>
    </BottomSheet>
  );
}
