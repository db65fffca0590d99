import { Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { demoLoginCode, loginWithCode } from '../../api/identity';
import { BRAND } from '../../brand';
import { Button } from '../../components';
import { openPrivacyGuide } from '../../components/privacy-popup';
import { usePageParams } from '../../hooks/use-page-params';
import { AGREEMENT_PAGE } from '../../membership/pages';
import { returnAfterLogin } from '../../navigation';
import './index.scss';

const IS_WEAPP = process.env.TARO_ENV === 'weapp';

export default function LoginPage() {
  const params = usePageParams();
  const [nickname, setNickname] = useState('');
  const [submitting, setSubmitting] = useState(false);
  // 用户协议 and 隐私保护指引 are agreed to before any login (WeChat's review requires it).
  const [agreed, setAgreed] = useState(false);
  const [consentHint, setConsentHint] = useState(false);

  const consented = (): boolean => {
    if (agreed) return true;
    setConsentHint(true);
    void Taro.showToast({ title: '请先阅读并同意用户协议和隐私保护指引', icon: 'none' });
    return false;
  };

  const finish = async (code: string) => {
    setSubmitting(true);
    try {
      await loginWithCode(code, params.invite);
      void Taro.showToast({ title: '登录成功', icon: 'success' });
      await returnAfterLogin(params.from);
    } catch {
      // The API client has already told the shopper what went wrong.
    } finally {
      setSubmitting(false);
    }
  };

  const loginWithWechat = async () => {
    if (!consented()) return;
    try {
      const { code } = await Taro.login();
      await finish(code);
    } catch {
      void Taro.showToast({ title: '微信登录未完成，请重试', icon: 'none' });
    }
  };

  const loginWithDemo = () => {
    if (!consented()) return;
    if (!nickname.trim()) {
      void Taro.showToast({ title: '请输入昵称', icon: 'none' });
      return;
    }
    void finish(demoLoginCode(nickname));
  };

  return (
    <View className="page login">
      <View className="login-hero">
        <View className="login-hero__seal">
          <Text className="login-hero__mark">{BRAND.name.slice(0, 1)}</Text>
        </View>
        <Text className="login-hero__brand">{BRAND.mallName}</Text>
        <Text className="login-hero__slogan">{BRAND.slogan}</Text>
      </View>

      <View className="login-panel">
        {IS_WEAPP ? (
          <Button variant="primary" size="lg" block loading={submitting} onClick={() => void loginWithWechat()}>
            微信一键登录
          </Button>
        ) : (
          <View className="login-form">
            <Text className="login-form__label">体验账号</Text>
            <Input
              className="login-nickname"
              value={nickname}
              maxlength={24}
              placeholder="输入昵称即可体验"
              onInput={(event) => setNickname(event.detail.value)}
              onConfirm={loginWithDemo}
            />
            <Button
              variant="primary"
              size="lg"
              block
              loading={submitting}
              className="login-submit"
              onClick={loginWithDemo}
            >
              登录
            </Button>
            <Text className="login-form__note">网页版为演示环境，使用昵称登录；在微信小程序中将使用微信登录。</Text>
          </View>
        )}
        <View className={`login-consent ${consentHint && !agreed ? 'login-consent--hint' : ''}`}>
          <View
            className={`login-consent__box ${agreed ? 'login-consent__box--on' : ''}`}
            role="checkbox"
            aria-checked={agreed}
            onClick={() => setAgreed(!agreed)}
          />
          <Text className="login-consent__text">
            <Text onClick={() => setAgreed(!agreed)}>我已阅读并同意</Text>
            <Text
              className="login-consent__link login-terms"
              onClick={() => void Taro.navigateTo({ url: `${AGREEMENT_PAGE}?doc=terms` }).catch(() => undefined)}
            >
              《用户协议》
            </Text>
            <Text>和</Text>
            <Text className="login-consent__link login-privacy" onClick={openPrivacyGuide}>
              《隐私保护指引》
            </Text>
          </Text>
        </View>
        <Text className="login-panel__benefits">会员价 · 积分 · 生日礼遇</Text>
      </View>
    </View>
  );
}
