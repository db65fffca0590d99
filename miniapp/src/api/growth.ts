/** Growth: redeeming a package card (包裹卡), the member's gifts, and invitations (邀请有礼, 邀请记录). */
import {
  normalizePackageCardCode,
  PACKAGE_CARD_SCENE_PREFIX,
  packageCardCodeProblem,
  type StoreGiftAccess,
  StoreGiftAccessSchema,
  type StoreInvitations,
  StoreInvitationsSchema,
  type StorePackageCardRedemption,
  StorePackageCardRedemptionSchema,
} from '@siyu/shared';
import Taro from '@tarojs/taro';
import { API_BASE } from './base';
import { ApiError, listOf, type Quiet, request } from './client';
import { readTokens } from './session';

export const GROWTH_PAGES = {
  redeem: '/packages/growth/redeem/index',
  invite: '/packages/growth/invite/index',
  inviteRecords: '/packages/growth/invite-records/index',
  join: '/packages/growth/join/index',
} as const;

/**
 * The code a page was opened with: the mini-program code's `scene` (`pc=<code>`, still percent-encoded as
 * WeChat hands it over: `decodeURIComponent(options.scene)`), or a `code` query from a link.
 */
export function codeFromPageOptions(options: Record<string, string | undefined>): string {
  if (options.scene) {
    let scene = options.scene;
    try {
      scene = decodeURIComponent(scene);
    } catch {
      // a malformed escape: use it as it is
    }
    return scene.startsWith(PACKAGE_CARD_SCENE_PREFIX) ? scene.slice(PACKAGE_CARD_SCENE_PREFIX.length) : scene;
  }
  return options.code ?? '';
}

/** What is wrong with a typed code, in the shopper's words, before anything is sent; null when it looks right. */
export function typedCodeProblem(input: string): string | null {
  const code = normalizePackageCardCode(input);
  if (!code) return '请输入卡片上的兑换码';
  switch (packageCardCodeProblem(code)) {
    case 'length':
      return '兑换码是 12 位字母和数字';
    case 'character':
      return '兑换码不含 0、O、1、I，请核对';
    case 'check':
      return '兑换码有误，请核对卡片上的字符';
    default:
      return null;
  }
}

export function redeemPackageCard(
  code: string,
  extra: { buyerId?: string } = {},
  options: Quiet = {},
): Promise<StorePackageCardRedemption> {
  return request(
    {
      method: 'POST',
      path: '/package-cards/redeem',
      body: { code, ...(extra.buyerId ? { buyerId: extra.buyerId } : {}) },
      silent: options.silent,
    },
    StorePackageCardRedemptionSchema,
  );
}

export function fetchMyPackageCards(options: Quiet = {}): Promise<StorePackageCardRedemption[]> {
  return request(
    { path: '/me/package-cards', silent: options.silent },
    listOf<StorePackageCardRedemption>(StorePackageCardRedemptionSchema),
  );
}

export function fetchMyGifts(options: Quiet = {}): Promise<StoreGiftAccess[]> {
  return request({ path: '/me/gifts', silent: options.silent }, listOf<StoreGiftAccess>(StoreGiftAccessSchema));
}

export function fetchInvitations(options: Quiet = {}): Promise<StoreInvitations> {
  return request({ path: '/me/invitations', silent: options.silent }, StoreInvitationsSchema);
}

/** Downloads the member's invite mini-program code to a local file the canvas can draw. */
export async function downloadInviteCode(): Promise<string> {
  const tokens = readTokens();
  try {
    const result = await Taro.downloadFile({
      url: `${API_BASE}/me/invitations/code.png`,
      header: tokens ? { Authorization: `Bearer ${tokens.accessToken}` } : {},
    });
    if (result.statusCode !== 200) throw new Error(String(result.statusCode));
    return result.tempFilePath;
  } catch {
    throw new ApiError('network', '小程序码加载失败，请稍后重试', 0);
  }
}
