import {
  GENDERS,
  type MemberView,
  maskPhone,
  mobileProblem,
  normalizeMobile,
  shopDay,
  UpdateProfileRequestSchema,
} from '@siyu/shared';
import type { ButtonProps } from '@tarojs/components';
import { Input, Picker, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { bindPhone, updateProfile } from '../../../api/identity';
import { isLoggedIn } from '../../../api/session';
import { imageSrc, uploadImage } from '../../../api/uploads';
import { Avatar, Button, Cell, CellGroup, LoadingState } from '../../../components';
import { PrivacyPopup } from '../../../components/privacy-popup';
import { useMember } from '../../../hooks/use-member';
import { goToLogin } from '../../../navigation';
import { draftOf, isDeviceFile, type ProfileDraft, profileChanges } from './profile-draft';
import './index.scss';

type Gender = MemberView['gender'];
type ChooseAvatarEvent = Parameters<NonNullable<ButtonProps['onChooseAvatar']>>[0];

const GENDER_NAMES: Record<Gender, string> = { unknown: '保密', male: '男', female: '女' };
const IS_WEAPP = process.env.TARO_ENV === 'weapp';
const CAN_CHOOSE_AVATAR = IS_WEAPP && Taro.canIUse('button.open-type.chooseAvatar');
type PhoneEvent = Parameters<NonNullable<ButtonProps['onGetPhoneNumber']>>[0];

/**
 * 手机号 on the profile (完善资料 needs one): WeChat's getPhoneNumber on weapp; on the H5 demo a typed number,
 * which the demo server accepts as `demo:<number>` in place of WeChat's code.
 */
function PhoneRow({ phone }: { phone: string | null }) {
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [binding, setBinding] = useState(false);
  if (phone) return <Cell title="手机号" value={<Text className="profile-phone">{maskPhone(phone)}</Text>} />;

  const bind = async (code: string) => {
    setBinding(true);
    try {
      await bindPhone(code);
      void Taro.showToast({ title: '手机号已绑定', icon: 'success' });
    } catch {
      // The client has told the shopper why (已绑定其他会员…).
    } finally {
      setBinding(false);
    }
  };

  if (IS_WEAPP) {
    const onGetPhoneNumber = (event: PhoneEvent) => {
      if (event.detail.code) void bind(event.detail.code);
    };
    return (
      <Cell
        title="手机号"
        value={
          <Button
            variant="outline"
            size="sm"
            openType="getPhoneNumber"
            loading={binding}
            onGetPhoneNumber={onGetPhoneNumber}
          >
            绑定手机号
          </Button>
        }
      />
    );
  }
  const submit = () => {
    const found = mobileProblem(typed);
    setProblem(found);
    if (!found) void bind(`demo:${normalizeMobile(typed)}`);
  };
  return (
    <View className="profile-phone-row">
      <Cell
        title="手机号"
        value={
          <View className="profile-phone-bind">
            <Input
              className="profile-input profile-phone-input"
              type="text"
              value={typed}
              maxlength={20}
              placeholder="输入手机号"
              onInput={(event) => {
                setTyped(event.detail.value);
                setProblem(null);
              }}
            />
            <Button variant="outline" size="sm" loading={binding} className="profile-bind-phone" onClick={submit}>
              绑定
            </Button>
          </View>
        }
      />
      {problem ? <Text className="profile-field-error">{problem}</Text> : null}
    </View>
  );
}

const FIELD_MESSAGES: Record<string, string> = {
  nickname: '昵称需为 1–32 个字',
  avatarUrl: '头像未上传成功，请重新选择',
  birthday: '生日不是有效日期',
  gender: '请选择性别',
};

export default function ProfilePage() {
  const { member } = useMember();
  const [draft, setDraft] = useState<ProfileDraft | null>(member ? draftOf(member) : null);
  const [saving, setSaving] = useState(false);
  const [uploading, setUploading] = useState(false);
  /** The picture just chosen, shown while it uploads. */
  const [preview, setPreview] = useState<string | null>(null);

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

  /** A chosen picture (WeChat's chooseAvatar, or the album on H5) is uploaded; its URL is what gets saved. */
  const takeAvatar = async (path: string, file?: Blob) => {
    setUploading(true);
    setPreview(path);
    try {
      const url = await uploadImage(path, file);
      setDraft((current) => (current ? { ...current, avatarUrl: url } : current));
    } catch {
      setPreview(null); // Toasted by the upload.
    } finally {
      setUploading(false);
    }
  };

  const onChooseAvatar = (event: ChooseAvatarEvent) => {
    const chosen = (event.detail as { avatarUrl?: string }).avatarUrl;
    if (chosen) void takeAvatar(chosen);
  };

  const chooseFromAlbum = async () => {
    try {
      const picked = await Taro.chooseImage({ count: 1, sizeType: ['compressed'], sourceType: ['album', 'camera'] });
      const path = picked.tempFilePaths[0];
      const file = (picked.tempFiles[0] as { originalFileObj?: Blob } | undefined)?.originalFileObj;
      if (path) await takeAvatar(path, file);
    } catch {
      // The shopper closed the album.
    }
  };

  const save = async () => {
    if (uploading || isDeviceFile(draft.avatarUrl.trim())) {
      void Taro.showToast({ title: '头像上传中，请稍候', icon: 'none' });
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
        <Avatar
          src={preview ?? (isDeviceFile(draft.avatarUrl) ? null : imageSrc(draft.avatarUrl)) ?? null}
          nickname={draft.nickname}
          size="lg"
        />
        {CAN_CHOOSE_AVATAR ? (
          <Button variant="text" size="sm" openType="chooseAvatar" loading={uploading} onChooseAvatar={onChooseAvatar}>
            更换头像
          </Button>
        ) : (
          <Button
            variant="text"
            size="sm"
            loading={uploading}
            className="profile-choose-avatar"
            onClick={() => void chooseFromAlbum()}
          >
            更换头像
          </Button>
        )}
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
        <PhoneRow phone={member.phone} />
      </CellGroup>

      <View className="profile-actions">
        <Button variant="primary" size="lg" block loading={saving} className="profile-save" onClick={() => void save()}>
          保存
        </Button>
      </View>
      <PrivacyPopup />
    </View>
  );
}
