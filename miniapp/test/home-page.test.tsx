import Taro from '@tarojs/taro';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import HomePage from '../src/pages/home/index';
import { type FakeRequest, resetFakeTaro, respondWith, setPages, storedValue } from './fake-taro-shop';
import { lockedCard, openCard, signIn } from './shop-fixtures';

vi.mock('@tarojs/taro', () => import('./fake-taro-shop'));

// Generous waits: these tests also run while the storefront builds on the same two cores.
configure({ asyncUtilTimeout: 5000 });

function urls(): string[] {
  return vi.mocked(Taro.request).mock.calls.map(([options]) => (options as FakeRequest).url);
}

function answer() {
  respondWith((request) => {
    if (request.url.startsWith('/api/categories')) {
      return { statusCode: 200, data: [{ id: 'c1', name: '名优绿茶', icon: '', productCount: 4 }] };
    }
    if (request.url.includes('zone=members')) {
      return { statusCode: 200, data: { items: [lockedCard], total: 1, page: 1, pageSize: 10 } };
    }
    if (request.url.startsWith('/api/products')) {
      return { statusCode: 200, data: { items: [openCard], total: 1, page: 1, pageSize: 10 } };
    }
    return { statusCode: 404 };
  });
}

describe('首页', () => {
  beforeEach(() => {
    resetFakeTaro();
    setPages([{ route: 'pages/home/index' }]);
    answer();
  });

  it('for a visitor: the feed and an invitation to log in, and member-only products are never asked for', async () => {
    const { container } = render(<HomePage />);
    await waitFor(() => expect(container.querySelectorAll('.product-grid .product-card')).toHaveLength(1));
    expect(screen.getByText('登录查看会员专享茶品')).toBeTruthy();
    expect(screen.getByText('名优绿茶')).toBeTruthy();
    expect(urls().some((url) => url.includes('zone=members'))).toBe(false);
  });

  it('for a member: the 会员专享 zone from zone=members, teasers included', async () => {
    signIn();
    const { container } = render(<HomePage />);
    await waitFor(() => expect(container.querySelector('.home-members .product-card--locked')).toBeTruthy());
    expect(screen.queryByText('登录查看会员专享茶品')).toBeNull();
    expect(urls()).toContain('/api/products?pageSize=10&zone=members');
  });

  it('the search bar on 首页 opens the category tab with its search box focused', async () => {
    const { container } = render(<HomePage />);
    fireEvent.click(container.querySelector('.home-search') as HTMLElement);
    expect(storedValue('siyu.category.open')).toEqual({ search: true });
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/category/index' });
  });
});
