import { act, fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PrivacyPopup } from '../src/components/privacy-popup';
import { simulatePrivacyRequest } from '../src/privacy';
import { resetFakeTaro } from './fake-taro';

vi.mock('@tarojs/taro', () => import('./fake-taro'));

describe('privacy authorization popup (wx.onNeedPrivacyAuthorization)', () => {
  beforeEach(() => resetFakeTaro());

  it('opens when WeChat asks and answers agree with the 同意 button’s id, or disagree on 拒绝', () => {
    const { container } = render(<PrivacyPopup />);
    expect(container.querySelector('.privacy-popup')).toBeNull();
    const agreed = vi.fn();
    act(() => simulatePrivacyRequest(agreed));
    expect(screen.getByText('隐私保护提示')).toBeTruthy();
    expect(screen.getByText('《隐私保护指引》')).toBeTruthy();
    fireEvent.click(container.querySelector('.privacy-agree') as HTMLElement);
    expect(agreed).toHaveBeenCalledWith({ event: 'agree', buttonId: 'privacy-agree' });
    expect(container.querySelector('.privacy-popup')).toBeNull();

    const declined = vi.fn();
    act(() => simulatePrivacyRequest(declined));
    fireEvent.click(container.querySelector('.privacy-decline') as HTMLElement);
    expect(declined).toHaveBeenCalledWith({ event: 'disagree' });
  });
});
