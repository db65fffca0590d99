import Taro from '@tarojs/taro';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { request } from '../src/api/client';
import { regionIndices } from '../src/components/region-picker';
import AddressEditPage from '../src/packages/shop/address-edit/index';
import { regions } from '../src/shop/regions';
import { type FakeRequest, resetFakeTaro, respondWith, setPages, setRouterParams } from './fake-taro-shop';
import { address, ids, signIn } from './shop-fixtures';

vi.mock('@tarojs/taro', () => import('./fake-taro-shop'));

configure({ asyncUtilTimeout: 5000 });

function sent(): FakeRequest[] {
  return vi.mocked(Taro.request).mock.calls.map(([options]) => options as FakeRequest);
}

function type(container: HTMLElement, field: string, value: string): void {
  const input = container.querySelector(`input.address-${field}, .address-${field} input`) as HTMLInputElement;
  fireEvent.input(input, { target: { value } });
}

describe('address form', () => {
  beforeEach(() => {
    resetFakeTaro();
    signIn();
    setPages([{ route: 'packages/shop/address-edit/index' }]);
  });

  it('12800138000 is refused on the phone field itself (as the server would) and nothing is sent', async () => {
    const { container } = render(<AddressEditPage />);
    type(container, 'name', '林小满');
    type(container, 'phone', '12800138000');
    type(container, 'detail', '龙井路 1 号');
    fireEvent.click(container.querySelector('.address-save') as HTMLElement);
    const errors = Array.from(container.querySelectorAll('.address-form__error')).map((node) => node.textContent);
    expect(errors).toEqual(['请输入正确的手机号', '请选择省、市、区']);
    expect(sent()).toEqual([]);
  });

  it('a pasted +86 number with spaces is accepted and sent as 11 digits', async () => {
    setRouterParams({ id: ids.address });
    respondWith((request) =>
      request.method === 'PATCH'
        ? { statusCode: 200, data: { ...address, phone: '13900001111' } }
        : { statusCode: 200, data: address },
    );
    const { container } = render(<AddressEditPage />);
    await waitFor(() => expect(container.querySelector('.sy-region__text')?.textContent).toBe('浙江省 杭州市 西湖区'));
    type(container, 'phone', '+86 139 0000 1111');
    fireEvent.click(container.querySelector('.address-save') as HTMLElement);
    await waitFor(() => expect(sent().some((request) => request.method === 'PATCH')).toBe(true));
    const patch = sent().find((request) => request.method === 'PATCH');
    expect(patch?.data).toMatchObject({ phone: '13900001111', province: '浙江省', city: '杭州市', district: '西湖区' });
    expect(container.querySelector('.address-form__error')).toBeNull();
  });

  it('a field the server refuses shows the server’s words under that field', async () => {
    setRouterParams({ id: ids.address });
    respondWith((request) =>
      request.method === 'PATCH'
        ? {
            statusCode: 400,
            data: {
              error: {
                code: 'invalid_body',
                message: '请求参数有误（detail：太短）',
                details: { issues: [{ path: 'body.detail', code: 'too_small', message: '详细地址太短' }] },
              },
            },
          }
        : { statusCode: 200, data: address },
    );
    const { container } = render(<AddressEditPage />);
    await waitFor(() => expect(container.querySelector('.address-save')).toBeTruthy());
    await waitFor(() => expect(container.querySelector('.sy-region__text')?.textContent).toContain('浙江省'));
    fireEvent.click(container.querySelector('.address-save') as HTMLElement);
    await waitFor(() => expect(screen.getByText('详细地址太短')).toBeTruthy());
  });
});

describe('the shipped 省市区 dataset', () => {
  it('holds every province with cities and districts, and finds a region’s columns', () => {
    const all = regions();
    expect(all).toHaveLength(34);
    for (const province of all) {
      expect(province.cities.length).toBeGreaterThan(0);
      for (const city of province.cities) expect(city.districts.length).toBeGreaterThan(0);
    }
    const [p, c, d] = regionIndices({ province: '浙江省', city: '杭州市', district: '西湖区' });
    expect(all[p]?.cities[c]?.districts[d]).toBe('西湖区');
    expect(regionIndices({ province: '不存在', city: '', district: '' })).toEqual([0, 0, 0]);
  });
});

describe('a malformed id', () => {
  beforeEach(() => resetFakeTaro());

  it('is told as a broken link, never as the server’s parameter message', async () => {
    respondWith(() => ({
      statusCode: 400,
      data: { error: { code: 'invalid_params', message: '请求参数有误（id：not an id）' } },
    }));
    await expect(request({ path: '/orders/xyz', auth: false, silent: true })).rejects.toMatchObject({
      code: 'invalid_params',
      message: '链接有误或已失效，请返回重试',
    });
  });
});
