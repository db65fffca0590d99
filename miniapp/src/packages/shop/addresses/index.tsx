import { ADDRESS_BOOK_LIMIT, type AddressView, maskPhone } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useCallback, useState } from 'react';
import { addressLine, deleteAddress, fetchAddresses } from '../../../api/addresses';
import type { ApiError } from '../../../api/client';
import { isLoggedIn } from '../../../api/session';
import { PAGES } from '../../../brand';
import { Button, EmptyState, ErrorState, LoadingState } from '../../../components';
import { usePageParams } from '../../../hooks/use-page-params';
import { goToLogin } from '../../../navigation';
import { handBackAddress } from '../../../shop/links';
import '../../../shop/shop.scss';
import './index.scss';

export default function AddressesPage() {
  const params = usePageParams();
  const selecting = params.select === '1';
  const [list, setList] = useState<AddressView[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setList(await fetchAddresses({ silent: true }));
    } catch (caught) {
      setError((caught as ApiError).message);
    } finally {
      setLoading(false);
    }
  }, []);

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin();
      return;
    }
    void load();
  });

  const choose = (address: AddressView) => {
    if (!selecting) return;
    handBackAddress(address.id);
    void Taro.navigateBack();
  };

  const edit = (id?: string) => {
    void Taro.navigateTo({ url: id ? `${PAGES.addressEdit}?id=${id}` : PAGES.addressEdit });
  };

  const remove = async (address: AddressView) => {
    const { confirm } = await Taro.showModal({
      title: '删除地址',
      content: `确定删除 ${address.name} 的地址吗？`,
      confirmText: '删除',
      confirmColor: '#b23a2a',
    });
    if (!confirm) return;
    try {
      await deleteAddress(address.id);
      void Taro.showToast({ title: '已删除', icon: 'success' });
      void load();
    } catch {
      // Toasted by the client.
    }
  };

  let body: JSX.Element;
  if (!list && error) body = <ErrorState message={error} onRetry={() => void load()} retrying={loading} />;
  else if (!list) body = <LoadingState rows={3} />;
  else if (list.length === 0) {
    body = (
      <EmptyState
        mark="址"
        title="还没有收货地址"
        description="添加一个地址，好茶才知道送去哪里。"
        actionText="新增地址"
        onAction={() => edit()}
      />
    );
  } else {
    body = (
      <View className="address-list">
        {selecting ? <Text className="address-list__hint">请选择收货地址</Text> : null}
        {list.map((address) => (
          <View
            key={address.id}
            className={`address-item ${selecting ? 'address-item--selectable' : ''}`}
            onClick={() => choose(address)}
          >
            <View className="address-item__main">
              <View className="address-item__who">
                <Text className="address-item__name">{address.name}</Text>
                <Text className="address-item__phone">{maskPhone(address.phone)}</Text>
                {address.isDefault ? <Text className="shop-chip address-item__default">默认</Text> : null}
              </View>
              <Text className="address-item__line">{addressLine(address)}</Text>
            </View>
            <View className="address-item__ops">
              <Text
                className="address-item__op address-edit"
                onClick={(event) => {
                  event.stopPropagation();
                  edit(address.id);
                }}
              >
                编辑
              </Text>
              <Text
                className="address-item__op address-delete"
                onClick={(event) => {
                  event.stopPropagation();
                  void remove(address);
                }}
              >
                删除
              </Text>
            </View>
          </View>
        ))}
      </View>
    );
  }

  return (
    <View className="page addresses">
      {body}
      <View className="shop-bottom-spacer" />
      <View className="shop-bottom-bar">
        <Button
          variant="primary"
          size="lg"
          block
          className="address-add"
          disabled={!!list && list.length >= ADDRESS_BOOK_LIMIT}
          onClick={() => edit()}
        >
          {list && list.length >= ADDRESS_BOOK_LIMIT ? `最多保存 ${ADDRESS_BOOK_LIMIT} 个地址` : '新增收货地址'}
        </Button>
      </View>
    </View>
  );
}
