import { type CreateAddressRequest, mobileProblem, normalizeMobile } from '@siyu/shared';
import { Input, Switch, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { createAddress, fetchAddress, updateAddress } from '../../../api/addresses';
import type { ApiError } from '../../../api/client';
import { isLoggedIn } from '../../../api/session';
import { Button, ErrorState, LoadingState } from '../../../components';
import { RegionPicker } from '../../../components/region-picker';
import { useLoad } from '../../../hooks/use-load';
import { usePageParams } from '../../../hooks/use-page-params';
import { goToLogin } from '../../../navigation';
import '../../../shop/shop.scss';
import './index.scss';

type Draft = Required<CreateAddressRequest>;

const EMPTY: Draft = { name: '', phone: '', province: '', city: '', district: '', detail: '', isDefault: false };

type Field = 'name' | 'phone' | 'region' | 'detail';
type FieldErrors = Partial<Record<Field, string>>;

/**
 * What is wrong with the draft, field by field, by the rules the server applies (the phone rule is the shared
 * one, so a pasted +86 number passes both and 12800138000 neither).
 */
export function addressProblems(draft: Draft): FieldErrors {
  const problems: FieldErrors = {};
  if (!draft.name.trim()) problems.name = '请填写收货人';
  const phone = mobileProblem(draft.phone);
  if (phone) problems.phone = phone;
  if (!draft.province.trim() || !draft.city.trim() || !draft.district.trim()) problems.region = '请选择省、市、区';
  if (draft.detail.trim().length < 2) problems.detail = '请填写详细地址（至少 2 个字）';
  return problems;
}

/** The server's field errors (`details.issues[].path` = `body.phone`…) placed on the fields they name. */
function serverProblems(error: unknown): FieldErrors {
  const issues = (error as ApiError | undefined)?.details as { issues?: Array<{ path?: string; message?: string }> };
  const problems: FieldErrors = {};
  for (const issue of issues?.issues ?? []) {
    const key = issue.path?.split('.')[1];
    const field: Field | undefined =
      key === 'province' || key === 'city' || key === 'district'
        ? 'region'
        : key === 'name' || key === 'phone' || key === 'detail'
          ? key
          : undefined;
    if (field && !problems[field]) problems[field] = issue.message ?? '请检查这一项';
  }
  return problems;
}

function FieldError({ message }: { message?: string }) {
  return message ? <Text className="address-form__error">{message}</Text> : null;
}

export default function AddressEditPage() {
  const params = usePageParams();
  const id = params.id;
  const existing = useLoad(async () => (id ? fetchAddress(id, { silent: true }) : null), id ?? '');
  const [draft, setDraft] = useState<Draft | null>(id ? null : EMPTY);
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<FieldErrors>({});

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

  const edit = (patch: Partial<Draft>, field: Field) => {
    setDraft({ ...draft, ...patch });
    if (problems[field]) setProblems({ ...problems, [field]: undefined });
  };

  const save = async () => {
    if (saving) return;
    const found = addressProblems(draft);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    const body: Draft = {
      name: draft.name.trim(),
      phone: normalizeMobile(draft.phone),
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
    } catch (caught) {
      // The client has toasted the reason; a field the server named also shows it in place.
      setProblems(serverProblems(caught));
    } finally {
      setSaving(false);
    }
  };

  return (
    <View className="page address-edit">
      <View className="shop-panel address-form">
        <View className="address-form__field">
          <View className="address-form__row">
            <Text className="address-form__label">收货人</Text>
            <Input
              className="address-form__input address-name"
              value={draft.name}
              maxlength={20}
              placeholder="姓名"
              onInput={(event) => edit({ name: event.detail.value }, 'name')}
            />
          </View>
          <FieldError message={problems.name} />
        </View>
        <View className="address-form__field">
          <View className="address-form__row">
            <Text className="address-form__label">手机号</Text>
            <Input
              className="address-form__input address-phone"
              type="text"
              value={draft.phone}
              maxlength={20}
              placeholder="11 位手机号，可直接粘贴"
              onInput={(event) => edit({ phone: event.detail.value }, 'phone')}
              onBlur={() => draft.phone && setProblems({ ...problems, phone: mobileProblem(draft.phone) ?? undefined })}
            />
          </View>
          <FieldError message={problems.phone} />
        </View>
        <View className="address-form__field">
          <View className="address-form__row">
            <Text className="address-form__label">所在地区</Text>
            <View className="address-form__region">
              <RegionPicker
                className="address-region"
                value={{ province: draft.province, city: draft.city, district: draft.district }}
                onChange={(region) => edit(region, 'region')}
              />
            </View>
          </View>
          <FieldError message={problems.region} />
        </View>
        <View className="address-form__field">
          <View className="address-form__row">
            <Text className="address-form__label">详细地址</Text>
            <Input
              className="address-form__input address-detail"
              value={draft.detail}
              maxlength={120}
              placeholder="街道、门牌号等"
              onInput={(event) => edit({ detail: event.detail.value }, 'detail')}
            />
          </View>
          <FieldError message={problems.detail} />
        </View>
        <View className="address-form__row address-form__row--switch">
          <Text className="address-form__label">设为默认地址</Text>
          <Switch
            className="address-default"
            checked={draft.isDefault}
            color="#1f3a2e"
            onChange={(event) => setDraft({ ...draft, isDefault: Boolean(event.detail.value) })}
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
