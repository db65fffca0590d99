import Taro from '@tarojs/taro';
import { fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { currentPageUrl, pageNotFoundTarget } from '../src/navigation';
import NotFoundPage from '../src/packages/shop/not-found/index';
import { resetFakeTaro } from './fake-taro';

vi.mock('@tarojs/taro', () => import('./fake-taro'));

describe('unknown links', () => {
  beforeEach(() => resetFakeTaro());

  it('a link to a page that moved into a sub-package opens it where it lives now, query kept', () => {
    expect(pageNotFoundTarget('/pages/product/index', { id: 'abc', $taroTimestamp: '1' })).toBe(
      '/packages/shop/product/index?id=abc',
    );
    expect(pageNotFoundTarget('pages/points/index')).toBe('/packages/member/points/index');
    expect(currentPageUrl('/pages/profile/index?x=1')).toBe('/packages/member/profile/index?x=1');
    expect(currentPageUrl('/pages/home/index')).toBe('/pages/home/index');
  });

  it('any other unknown route lands on 页面不存在, which leads home or back', () => {
    expect(pageNotFoundTarget('/no/such/page')).toBe('/packages/shop/not-found/index');
    render(<NotFoundPage />);
    expect(screen.getByText('页面不存在')).toBeTruthy();
    fireEvent.click(screen.getByText('去首页'));
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/home/index' });
    fireEvent.click(screen.getByText('返回上一页'));
    expect(Taro.navigateBack).toHaveBeenCalled();
  });
});
