import { Button as NativeButton, type ButtonProps as NativeButtonProps, Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import './button.scss';

export interface ButtonProps {
  children: ReactNode;
  /** primary: ink green; gold: membership actions; outline: secondary; text: quiet links. */
  variant?: 'primary' | 'gold' | 'outline' | 'text';
  size?: 'sm' | 'md' | 'lg';
  block?: boolean;
  loading?: boolean;
  disabled?: boolean;
  className?: string;
  onClick?: () => void;
  /** WeChat open abilities (getPhoneNumber, chooseAvatar…) need the platform's own <button>. */
  openType?: NativeButtonProps['openType'];
  onGetPhoneNumber?: NativeButtonProps['onGetPhoneNumber'];
  onChooseAvatar?: NativeButtonProps['onChooseAvatar'];
  onAgreePrivacyAuthorization?: NativeButtonProps['onAgreePrivacyAuthorization'];
  /** The native button's id (the privacy popup's 同意 names itself to wx.onNeedPrivacyAuthorization). */
  id?: string;
}

export function Button({
  children,
  variant = 'primary',
  size = 'md',
  block = false,
  loading = false,
  disabled = false,
  className,
  onClick,
  openType,
  onGetPhoneNumber,
  onChooseAvatar,
  onAgreePrivacyAuthorization,
  id,
}: ButtonProps) {
  const inactive = disabled || loading;
  const classes = [
    'sy-button',
    `sy-button--${variant}`,
    `sy-button--${size}`,
    block ? 'sy-button--block' : '',
    inactive ? 'sy-button--inactive' : '',
    className ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  const content = (
    <>
      {loading ? <View className="sy-button__spinner" /> : null}
      <Text className="sy-button__label">{children}</Text>
    </>
  );

  if (openType) {
    return (
      <NativeButton
        className={`${classes} sy-button--native`}
        openType={openType}
        disabled={inactive}
        hoverClass="sy-button--pressed"
        onClick={inactive ? undefined : onClick}
        onGetPhoneNumber={onGetPhoneNumber}
        onChooseAvatar={onChooseAvatar}
        onAgreePrivacyAuthorization={onAgreePrivacyAuthorization}
        id={id}
      >
        {content}
      </NativeButton>
    );
  }
  // Plain actions are a View: no platform button chrome to undo, identical on weapp and H5.
  return (
    <View
      className={classes}
      hoverClass={inactive ? 'none' : 'sy-button--pressed'}
      aria-disabled={inactive}
      onClick={inactive ? undefined : onClick}
    >
      {content}
    </View>
  );
}
