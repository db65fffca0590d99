/**
 * The WeChat server API (mini-program login, phone number, access token, subscribe messages). The only code that knows
 * these wire formats. Production talks to https://api.weixin.qq.com; tests point WECHAT_API_BASE at a
 * loopback fake that speaks the same contract.
 */
import { z } from 'zod';
import { AppError } from '../http/errors';

export interface WechatSession {
  openid: string;
  unionid?: string;
}

const Code2SessionAnswer = z.union([
  z.object({ openid: z.string().min(1), session_key: z.string(), unionid: z.string().min(1).optional() }),
  z.object({ errcode: z.number(), errmsg: z.string().optional() }),
]);
const AccessTokenAnswer = z.union([
  z.object({ access_token: z.string().min(1), expires_in: z.number() }),
  z.object({ errcode: z.number(), errmsg: z.string().optional() }),
]);
const PhoneAnswer = z.union([
  z.object({
    errcode: z.literal(0).optional(),
    phone_info: z.object({ phoneNumber: z.string(), purePhoneNumber: z.string(), countryCode: z.string() }),
  }),
  z.object({ errcode: z.number(), errmsg: z.string().optional() }),
]);

const SubscribeSendAnswer = z.object({
  errcode: z.number().optional(),
  errmsg: z.string().optional(),
  msgid: z.union([z.number(), z.string()]).optional(),
});

/** One subscribe message as WeChat takes it (`/cgi-bin/message/subscribe/send`). */
export interface SubscribeMessage {
  touser: string;
  template_id: string;
  /** The page the message opens, with its query (`packages/live/detail/index?id=…`). */
  page?: string;
  /** `{ thing1: { value: '…' } }`; each field within its kind's limit (thing ≤ 20, character_string ≤ 32). */
  data: Record<string, { value: string }>;
  miniprogram_state?: 'developer' | 'trial' | 'formal';
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
}

/**
 * What WeChat answered. A WeChat error is an answer, not an exception: the caller records it
 * (43101: the member's one-time permission is used up or was never given; 47003: a field is invalid;
 * 40003: bad openid; 40037: bad template id).
 */
export type SubscribeSendResult = { ok: true; msgid?: string } | { ok: false; errcode: number; errmsg: string };

export class WechatClient {
  private accessToken?: { value: string; expiresAt: number };
  private pendingToken?: Promise<string>;

  constructor(private readonly options: { appid: string; secret: string; baseUrl: string; timeoutMs?: number }) {}

  /** code2Session: a one-time login code → openid (+ unionid when the app is bound to an Open Platform account). */
  async code2Session(code: string): Promise<WechatSession> {
    const url = new URL('/sns/jscode2session', this.options.baseUrl);
    url.search = new URLSearchParams({
      appid: this.options.appid,
      secret: this.options.secret,
      js_code: code,
      grant_type: 'authorization_code',
    }).toString();
    const answer = Code2SessionAnswer.parse(await this.getJson(url));
    if ('errcode' in answer) {
      if (answer.errcode === 40029 || answer.errcode === 40163) {
        throw new AppError('unauthenticated', 'wechat_code_invalid', '微信登录凭证无效或已使用，请重新登录');
      }
      if (answer.errcode === 45011) {
        throw new AppError('rate_limited', 'wechat_rate_limited', '登录过于频繁，请稍后再试', undefined, {
          'Retry-After': '60',
        });
      }
      if (answer.errcode === 40226) {
        throw new AppError('forbidden', 'wechat_high_risk_user', '当前微信账号存在风险，暂无法登录');
      }
      throw new AppError('unavailable', 'wechat_unavailable', '微信服务暂时不可用，请稍后重试', {
        errcode: answer.errcode,
      });
    }
    return { openid: answer.openid, ...(answer.unionid ? { unionid: answer.unionid } : {}) };
  }

  /** getuserphonenumber: the single-use code from `<Button openType="getPhoneNumber">` → the bound phone. */
  async phoneNumber(code: string): Promise<{ phone: string; countryCode: string }> {
    const token = await this.getAccessToken();
    const url = new URL('/wxa/business/getuserphonenumber', this.options.baseUrl);
    url.search = new URLSearchParams({ access_token: token }).toString();
    const answer = PhoneAnswer.parse(await this.postJson(url, { code }));
    if ('phone_info' in answer) {
      return { phone: answer.phone_info.purePhoneNumber, countryCode: answer.phone_info.countryCode };
    }
    if (answer.errcode === 40001 || answer.errcode === 42001) this.accessToken = undefined;
    if (answer.errcode === 40029) {
      throw new AppError('bad_request', 'wechat_phone_code_invalid', '手机号授权已失效，请重新授权');
    }
    throw new AppError('unavailable', 'wechat_unavailable', '微信服务暂时不可用，请稍后重试', {
      errcode: answer.errcode,
    });
  }

  /**
   * subscribeMessage.send. Answers WeChat's verdict; throws AppError `wechat_unreachable` /
   * `wechat_unavailable` only when WeChat could not be asked (network, 5xx, unreadable answer).
   * An expired or revoked access token (40001/42001/40014) is refetched and the send tried once more.
   */
  async sendSubscribeMessage(message: SubscribeMessage): Promise<SubscribeSendResult> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.getAccessToken();
      const url = new URL('/cgi-bin/message/subscribe/send', this.options.baseUrl);
      url.search = new URLSearchParams({ access_token: token }).toString();
      const parsed = SubscribeSendAnswer.safeParse(await this.postJson(url, message));
      if (!parsed.success) throw new AppError('unavailable', 'wechat_unavailable', '微信服务返回了无法识别的内容');
      const answer = parsed.data;
      const errcode = answer.errcode ?? 0;
      if (errcode === 0) return { ok: true, ...(answer.msgid !== undefined ? { msgid: String(answer.msgid) } : {}) };
      if ((errcode === 40001 || errcode === 42001 || errcode === 40014) && attempt === 0) {
        this.accessToken = undefined;
        continue;
      }
      return { ok: false, errcode, errmsg: answer.errmsg ?? '' };
    }
  }

  /**
   * wxacode.getUnlimited: a mini-program code image for `page` (no query) carrying `scene` (≤ 32 chars
   * of `[0-9A-Za-z!#$&'()*+,/:;=?@-._~]`). WeChat answers the image bytes, or JSON with an errcode
   * (45009 rate limit, 41030 page not published, 40001 stale token).
   */
  async unlimitedMiniProgramCode(input: {
    scene: string;
    page: string;
    checkPath?: boolean;
    envVersion?: 'release' | 'trial' | 'develop';
    width?: number;
  }): Promise<{ contentType: string; bytes: Buffer }> {
    const token = await this.getAccessToken();
    const url = new URL('/wxa/getwxacodeunlimit', this.options.baseUrl);
    url.search = new URLSearchParams({ access_token: token }).toString();
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          scene: input.scene,
          page: input.page,
          check_path: input.checkPath ?? true,
          env_version: input.envVersion ?? 'release',
          width: input.width ?? 430,
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
    } catch {
      throw new AppError('unavailable', 'wechat_unreachable', '微信服务暂时无法连接，请稍后重试');
    }
    const contentType = response.headers.get('content-type') ?? '';
    const bytes = Buffer.from(await response.arrayBuffer());
    if (response.ok && contentType.startsWith('image/')) return { contentType, bytes };
    let errcode: number | undefined;
    try {
      errcode = (JSON.parse(bytes.toString('utf8')) as { errcode?: number }).errcode;
    } catch {
      // not JSON: reported below
    }
    if (errcode === 40001 || errcode === 42001) this.accessToken = undefined;
    if (errcode === 45009) {
      throw new AppError('rate_limited', 'wechat_rate_limited', '小程序码生成过于频繁，请稍后再试', undefined, {
        'Retry-After': '60',
      });
    }
    throw new AppError('unavailable', 'wechat_unavailable', '微信服务暂时不可用，请稍后重试', {
      status: response.status,
      ...(errcode !== undefined ? { errcode } : {}),
    });
  }

  /** The app's access_token, cached until five minutes before it expires; concurrent callers share one fetch. */
  async getAccessToken(): Promise<string> {
    if (this.accessToken && this.accessToken.expiresAt > Date.now()) return this.accessToken.value;
    this.pendingToken ??= (async () => {
      try {
        const url = new URL('/cgi-bin/token', this.options.baseUrl);
        url.search = new URLSearchParams({
          grant_type: 'client_credential',
          appid: this.options.appid,
          secret: this.options.secret,
        }).toString();
        const answer = AccessTokenAnswer.parse(await this.getJson(url));
        if ('errcode' in answer) {
          throw new AppError('unavailable', 'wechat_unavailable', '微信服务暂时不可用，请稍后重试', {
            errcode: answer.errcode,
          });
        }
        this.accessToken = { value: answer.access_token, expiresAt: Date.now() + (answer.expires_in - 300) * 1000 };
        return answer.access_token;
      } finally {
        this.pendingToken = undefined;
      }
    })();
    return this.pendingToken;
  }

  private async getJson(url: URL): Promise<unknown> {
    return this.fetchJson(url, { method: 'GET' });
  }

  private async postJson(url: URL, body: unknown): Promise<unknown> {
    return this.fetchJson(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private async fetchJson(url: URL, init: RequestInit): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) });
    } catch {
      throw new AppError('unavailable', 'wechat_unreachable', '微信服务暂时无法连接，请稍后重试');
    }
    if (!response.ok) {
      throw new AppError('unavailable', 'wechat_unavailable', '微信服务暂时不可用，请稍后重试', {
        status: response.status,
      });
    }
    try {
      return await response.json();
    } catch {
      throw new AppError('unavailable', 'wechat_unavailable', '微信服务返回了无法识别的内容');
    }
  }
}
