import { GENDERS, type MemberView, shopDay, UpdateProfileRequestSchema } from '@siyu/shared';
import type { ButtonProps } from '@tarojs/components';
import { Input, Picker, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { updateProfile } from '../../../api/identity';
import { isLoggedIn } from '../../../api/session';
import { Avatar, Button, Cell, CellGroup, LoadingState } from '../../../components';
import { useMember } from '../../../hooks/use-member';
import { goToLogin } from '../../../navigation';
import { draftOf, isDeviceFile, type ProfileDraft, profileChanges } from './profile-draft';
import './index.scss';

type Gender = MemberView['gender'];
type ChooseAvatarEvent = Parameters<NonNullable<ButtonProps['onChooseAvatar']>>[0];

const GENDER_NAMES: Record<Gender, string> = { unknown: '保密', male: '男', female: '女' };
const CAN_CHOOSE_AVATAR = process.env.TARO_ENV === 'weapp' && Taro.canIUse('button.open-type.chooseAvatar');

const FIELD_MESSAGES: Record<string, string> = {
  nickname: '昵称需为 1–32 个字',
  avatarUrl: '头像链接需为有效的网址',
  birthday: '生日不是有效日期',
  gender: '请选择性别',
};

export default function ProfilePage() {
  const { member } = useMember();
  const [draft, setDraft] = useState<ProfileDraft | null>(member ? draftOf(member) : null);
  const [saving, setSaving] = useState(false);

  useDidShow(() => {
    if (!isLoggedIn()) goToLogin();
  });

  useEffect(() => {
    if (member && !draft) setDraft(draftOf(member));
  }, [member, draft]);

  if (!member || !draft) {
    return (
      <View className="page profile">
        <LoadingState />
      </View>
    );
  }

  const edit = (patch: Partial<ProfileDraft>) => setDraft({ ...draft, ...patch });

  const onChooseAvatar = (event: ChooseAvatarEvent) => {
    const chosen = (event.detail as { avatarUrl?: string }).avatarUrl;
    if (chosen) edit({ avatarUrl: chosen });
  };

  const save = async () => {
    if (isDeviceFile(draft.avatarUrl.trim())) {
      // Needs an upload endpoint to turn the device file into a URL; until then only links can be saved.
      void Taro.showToast({ title: '暂不支持上传本地头像，请填写头像链接', icon: 'none' });
      return;
    }
    const changes = profileChanges(member, draft);
    if (Object.keys(changes).length === 0) {
      void Taro.showToast({ title: '资料没有变化', icon: 'none' });
      return;
    }
    const checked = UpdateProfileRequestSchema.safeParse(changes);
    if (!checked.success) {
      const field = String(checked.error.issues[0]?.path[0] ?? '');
      void Taro.showToast({ title: FIELD_MESSAGES[field] ?? '资料填写有误', icon: 'none' });
      return;
    }
    setSaving(true);
    try {
      await updateProfile(checked.data);
      void Taro.showToast({ title: '已保存', icon: 'success' });
      setTimeout(() => void Taro.navigateBack().catch(() => undefined), 600);
    } catch {
      // The API client has told the shopper why.
    } finally {
      setSaving(false);
    }
  };

  return (
    <View className="page profile">
      <View className="profile-avatar">
        <Avatar src={isDeviceFile(draft.avatarUrl) ? null : draft.avatarUrl} nickname={draft.nickname} size="lg" />
        {CAN_CHOOSE_AVATAR ? (
          <Button variant="text" size="sm" openType="chooseAvatar" onChooseAvatar={onChooseAvatar}>
            更换头像
          </Button>
        ) : null}
      </View>

      <CellGroup title="基本资料">
        <Cell
          title="昵称"
          value={
            <Input
              className="profile-input profile-nickname"
              type={process.env.TARO_ENV === 'weapp' ? 'nickname' : 'text'}
              value={draft.nickname}
              maxlength={32}
              placeholder="请输入昵称"
              onInput={(event) => edit({ nickname: event.detail.value })}
              onBlur={(event) => edit({ nickname: event.detail.value })}
            />
          }
        />
        <Cell
          title="头像链接"
          value={
            <Input
              className="profile-input profile-avatar-url"
              value={draft.avatarUrl}
              maxlength={1024}
              placeholder="https://"
              onInput={(event) => edit({ avatarUrl: event.detail.value })}
            />
          }
        />
        <Picker
          mode="date"
          value={draft.birthday || '1990-01-01'}
          start="1900-01-01"
          end={shopDay()}
          onChange={(event) => edit({ birthday: String(event.detail.value) })}
        >
          <Cell title="生日" value={draft.birthday || '请选择'} arrow />
        </Picker>
        <Cell
          title="性别"
          value={
            <View className="profile-genders">
              {GENDERS.map((gender) => (
                <View
                  key={gender}
                  className={`profile-gender ${draft.gender === gender ? 'profile-gender--on' : ''}`}
                  onClick={() => edit({ gender })}
                >
                  <Text>{GENDER_NAMES[gender]}</Text>
                </View>
              ))}
            </View>
          }
        />
      </CellGroup>

      <View className="profile-actions">
        <Button variant="primary" size="lg" block loading={saving} className="profile-save" onClick={() => void save()}>
          保存
        </Button>
      </View>
    </View>
  );
}
