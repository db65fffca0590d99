import type { CreateAddressRequest } from '@siyu/shared';
import { Input, Switch, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { createAddress, fetchAddress, updateAddress } from '../../../api/addresses';
import { isLoggedIn } from '../../../api/session';
import { Button, ErrorState, LoadingState } from '../../../components';
import { useLoad } from '../../../hooks/use-load';
import { usePageParams } from '../../../hooks/use-page-params';
import { goToLogin } from '../../../navigation';
import '../../../shop/shop.scss';
import './index.scss';

type Draft = Required<CreateAddressRequest>;

const EMPTY: Draft = { name: '', phone: '', province: '', city: '', district: '', detail: '', isDefault: false };

type Field = Exclude<keyof Draft, 'isDefault'>;

const FIELDS: Array<{ key: Field; label: string; placeholder: string; maxlength: number; type?: 'number' }> = [
  { key: 'name', label: '收货人', placeholder: '姓名', maxlength: 20 },
  { key: 'phone', label: '手机号', placeholder: '11 位手机号', maxlength: 11, type: 'number' },
  { key: 'province', label: '省份', placeholder: '如 浙江省', maxlength: 20 },
  { key: 'city', label: '城市', placeholder: '如 杭州市', maxlength: 20 },
  { key: 'district', label: '区县', placeholder: '如 西湖区', maxlength: 20 },
  { key: 'detail', label: '详细地址', placeholder: '街道、门牌号等', maxlength: 120 },
];

/** A first hint before the server checks (it has the last word, and its message is shown as is). */
export function addressHint(draft: Draft): string | null {
  if (!draft.name.trim()) return '请填写收货人';
  if (!/^1\d{10}$/.test(draft.phone.trim())) return '请填写 11 位手机号';
  if (!draft.province.trim() || !draft.city.trim() || !draft.district.trim()) return '请填写省、市、区';
  if (draft.detail.trim().length < 2) return '请填写详细地址';
  return null;
}

export default function AddressEditPage() {
  const params = usePageParams();
  const id = params.id;
  const existing = useLoad(async () => (id ? fetchAddress(id, { silent: true }) : null), id ?? '');
  const [draft, setDraft] = useState<Draft | null>(id ? null : EMPTY);
  const [saving, setSaving] = useState(false);

  useDidShow(() => {
    if (!isLoggedIn()) goToLogin();
  });

  useEffect(() => {
    if (id && existing.data && !draft) {
      const { name, phone, province, city, district, detail, isDefault } = existing.data;
      setDraft({ name, phone, province, city, district, detail, isDefault });
    }
  }, [id, existing.data, draft]);

  useEffect(() => {
    void Taro.setNavigationBarTitle?.({ title: id ? '编辑地址' : '新增地址' })?.catch?.(() => undefined);
  }, [id]);

  if (!draft) {
    if (existing.error) return <ErrorState message={existing.error.message} onRetry={() => void existing.reload()} />;
    return <LoadingState rows={4} />;
  }

  const edit = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });

  const save = async () => {
    if (saving) return;
    const hint = addressHint(draft);
    if (hint) {
      void Taro.showToast({ title: hint, icon: 'none' });
      return;
    }
    const body: Draft = {
      name: draft.name.trim(),
      phone: draft.phone.trim(),
      province: draft.province.trim(),
      city: draft.city.trim(),
      district: draft.district.trim(),
      detail: draft.detail.trim(),
      isDefault: draft.isDefault,
    };
    setSaving(true);
    try {
      if (id) await updateAddress(id, body);
      else await createAddress(body);
      void Taro.showToast({ title: '已保存', icon: 'success' });
      setTimeout(() => void Taro.navigateBack().catch(() => undefined), 500);
    } catch {
      // The server's reason (e.g. 请输入正确的手机号) has been toasted by the client.
    } finally {
      setSaving(false);
    }
  };

  return (
    <View className="page address-edit">
      <View className="shop-panel address-form">
        {FIELDS.map((field) => (
          <View key={field.key} className="address-form__row">
            <Text className="address-form__label">{field.label}</Text>
            <Input
              className={`address-form__input address-${field.key}`}
              type={field.type === 'number' ? 'number' : 'text'}
              value={draft[field.key]}
              maxlength={field.maxlength}
              placeholder={field.placeholder}
              onInput={(event) => edit({ [field.key]: event.detail.value } as Partial<Draft>)}
            />
          </View>
        ))}
        <View className="address-form__row address-form__row--switch">
          <Text className="address-form__label">设为默认地址</Text>
          <Switch
            className="address-default"
            checked={draft.isDefault}
            color="#1f3a2e"
            onChange={(event) => edit({ isDefault: Boolean(event.detail.value) })}
          />
        </View>
      </View>
      <View className="address-form__actions">
        <Button variant="primary" size="lg" block loading={saving} className="address-save" onClick={() => void save()}>
          保存
        </Button>
      </View>
    </View>
  );
}
