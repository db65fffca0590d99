import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { EmptyState } from '../src/components/empty-state';
import { ErrorState } from '../src/components/error-state';
import { LoadingState } from '../src/components/loading-state';

describe('ErrorState', () => {
  it('tells the shopper what went wrong and retries when 重新加载 is tapped', () => {
    const onRetry = vi.fn();
    render(<ErrorState message="服务开小差了，请稍后重试" onRetry={onRetry} />);
    expect(screen.getByText('加载失败')).toBeTruthy();
    expect(screen.getByText('服务开小差了，请稍后重试')).toBeTruthy();
    fireEvent.click(screen.getByText('重新加载'));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('does not retry again while a retry is already running', () => {
    const onRetry = vi.fn();
    render(<ErrorState onRetry={onRetry} retrying />);
    expect(screen.getByText('网络不给力，请稍后重试')).toBeTruthy();
    fireEvent.click(screen.getByText('重新加载'));
    expect(onRetry).not.toHaveBeenCalled();
  });

  it('offers no retry button when there is nothing to retry', () => {
    render(<ErrorState message="出错了" />);
    expect(screen.queryByText('重新加载')).toBeNull();
  });
});

describe('EmptyState', () => {
  it('explains what will be here and runs its action', () => {
    const onAction = vi.fn();
    render(<EmptyState title="商品即将上架" description="新品准备中" actionText="去首页看看" onAction={onAction} />);
    expect(screen.getByText('商品即将上架')).toBeTruthy();
    fireEvent.click(screen.getByText('去首页看看'));
    expect(onAction).toHaveBeenCalledTimes(1);
  });
});

describe('LoadingState', () => {
  it('draws skeleton bars, or a spinner with a caption', () => {
    const { container, rerender } = render(<LoadingState rows={4} />);
    expect(container.querySelectorAll('.sy-skeleton__bar').length).toBe(6);
    rerender(<LoadingState variant="spinner" text="正在加载会员信息" />);
    expect(screen.getByText('正在加载会员信息')).toBeTruthy();
  });
});
