/**
 * WeChat Pay API v3 for mini-program (JSAPI) payments. The only code that knows its wire formats.
 * Production: base URL https://api.mch.weixin.qq.com with the merchant's key and the platform
 * certificate; demo mode and tests: the same client pointed at the sandbox (wechatpay-sandbox.ts).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../http/errors';
import {
  decryptResource,
  merchantAuthorization,
  nonce,
  rsaSign,
  rsaVerify,
  signatureMessage,
} from './wechatpay-crypto';

export interface WechatPayOptions {
  /** A function, because in demo mode the sandbox lives on this server's own (possibly ephemeral) port. */
  baseUrl: () => string;
  appid: string;
  mchid: string;
  merchantSerial: string;
  merchantPrivateKey: KeyObject;
  /** Platform public keys by serial (from the platform certificates). */
  platformKeys: Map<string, KeyObject>;
  apiV3Key: string;
  notifyUrl: () => string;
  /** Notifications older than this are refused (replay protection). */
  maxClockSkewSeconds?: number;
  timeoutMs?: number;
}

export const TransactionSchema = z.object({
  appid: z.string(),
  mchid: z.string(),
  out_trade_no: z.string(),
  transaction_id: z.string(),
  trade_state: z.string(),
  success_time: z.string().optional(),
  payer: z.object({ openid: z.string() }).partial().optional(),
  amount: z.object({ total: z.number().int(), payer_total: z.number().int().optional(), currency: z.string() }),
});
export type Transaction = z.infer<typeof TransactionSchema>;

export const RefundResultSchema = z.object({
  mchid: z.string().optional(),
  out_trade_no: z.string(),
  out_refund_no: z.string(),
  refund_id: z.string(),
  refund_status: z.string(),
  amount: z.object({ total: z.number().int(), refund: z.number().int() }).partial(),
});
export type RefundResult = z.infer<typeof RefundResultSchema>;

const NotificationSchema = z.object({
  id: z.string(),
  event_type: z.string(),
  resource_type: z.string().optional(),
  resource: z.object({
    algorithm: z.literal('AEAD_AES_256_GCM'),
    ciphertext: z.string(),
    associated_data: z.string().optional(),
    nonce: z.string(),
    original_type: z.string().optional(),
  }),
});

export type VerifiedNotification =
  | { kind: 'transaction'; id: string; eventType: string; transaction: Transaction }
  | { kind: 'refund'; id: string; eventType: string; refund: RefundResult };

export interface JsapiPayParams {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export class WechatPayClient {
  constructor(readonly options: WechatPayOptions) {}

  /** Creates (or, for the same out_trade_no and amount, re-answers) a JSAPI prepay order. */
  async createJsapiPrepay(input: {
    outTradeNo: string;
    description: string;
    amountFen: number;
    openid: string;
    expiresAt: Date;
  }): Promise<string> {
    const answer = await this.request('POST', '/v3/pay/transactions/jsapi', {
      appid: this.options.appid,
      mchid: this.options.mchid,
      description: input.description.slice(0, 127),
      out_trade_no: input.outTradeNo,
      time_expire: input.expiresAt.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
      notify_url: this.options.notifyUrl(),
      amount: { total: input.amountFen, currency: 'CNY' },
      payer: { openid: input.openid },
    });
    const parsed = z.object({ prepay_id: z.string().min(1) }).safeParse(answer);
    if (!parsed.success) throw paymentUnavailable('prepay answer without prepay_id');
    return parsed.data.prepay_id;
  }

  /** The parameters for `Taro.requestPayment`, signed with the merchant key. */
  payParams(prepayId: string, now = Date.now()): JsapiPayParams {
    const timeStamp = String(Math.floor(now / 1000));
    const nonceStr = nonce();
    const pkg = `prepay_id=${prepayId}`;
    return {
      timeStamp,
      nonceStr,
      package: pkg,
      signType: 'RSA',
      paySign: rsaSign(signatureMessage(this.options.appid, timeStamp, nonceStr, pkg), this.options.merchantPrivateKey),
    };
  }

  async queryByOutTradeNo(outTradeNo: string): Promise<Transaction | { trade_state: string; out_trade_no: string }> {
    const answer = await this.request(
      'GET',
      `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${this.options.mchid}`,
    );
    const full = TransactionSchema.safeParse(answer);
    if (full.success) return full.data;
    const partial = z.object({ trade_state: z.string(), out_trade_no: z.string() }).safeParse(answer);
    if (!partial.success) throw paymentUnavailable('unexpected query answer');
    return partial.data;
  }

  async close(outTradeNo: string): Promise<void> {
    await this.request('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`, {
      mchid: this.options.mchid,
    });
  }

  /** Refunds by a stable out_refund_no: asking again with the same number never refunds twice. */
  async refund(input: {
    outTradeNo: string;
    outRefundNo: string;
    refundFen: number;
    totalFen: number;
    reason: string;
  }): Promise<RefundResult> {
    const answer = await this.request('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: input.outTradeNo,
      out_refund_no: input.outRefundNo,
      reason: input.reason.slice(0, 80),
      notify_url: this.options.notifyUrl(),
      amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
    });
    const parsed = z
      .object({
        refund_id: z.string(),
        out_refund_no: z.string(),
        status: z.string(),
        amount: z.object({ total: z.number(), refund: z.number() }).partial(),
      })
      .safeParse(answer);
    if (!parsed.success) throw paymentUnavailable('unexpected refund answer');
    return {
      out_trade_no: input.outTradeNo,
      out_refund_no: parsed.data.out_refund_no,
      refund_id: parsed.data.refund_id,
      refund_status: parsed.data.status,
      amount: parsed.data.amount,
    };
  }

  /**
   * Verifies a notification: the platform signature over `timestamp\nnonce\nbody\n` with the key named
   * by Wechatpay-Serial, a fresh timestamp, then AES-256-GCM decryption of the resource with the APIv3
   * key. Throws AppError (401/400) for anything that does not hold; never returns unverified data.
   */
  verifyNotification(
    headers: Record<string, string | undefined>,
    rawBody: string,
    now = Date.now(),
  ): VerifiedNotification {
    this.verifySignature(headers, rawBody, now);
    let parsed: z.infer<typeof NotificationSchema>;
    try {
      parsed = NotificationSchema.parse(JSON.parse(rawBody));
    } catch {
      throw new AppError('bad_request', 'notify_malformed', 'notification body is not a v3 notification');
    }
    let plaintext: string;
    try {
      plaintext = decryptResource(parsed.resource, this.options.apiV3Key);
    } catch {
      throw new AppError('bad_request', 'notify_decrypt_failed', 'notification resource failed to decrypt');
    }
    const resource = JSON.parse(plaintext) as unknown;
    if (parsed.event_type.startsWith('REFUND.')) {
      return {
        kind: 'refund',
        id: parsed.id,
        eventType: parsed.event_type,
        refund: RefundResultSchema.parse(resource),
      };
    }
    const transaction = TransactionSchema.safeParse(resource);
    if (!transaction.success)
      throw new AppError('bad_request', 'notify_malformed', 'transaction resource is malformed');
    return { kind: 'transaction', id: parsed.id, eventType: parsed.event_type, transaction: transaction.data };
  }

  private verifySignature(headers: Record<string, string | undefined>, body: string, now: number): void {
    const timestamp = headers['wechatpay-timestamp'];
    const nonceStr = headers['wechatpay-nonce'];
    const signature = headers['wechatpay-signature'];
    const serial = headers['wechatpay-serial'];
    if (!timestamp || !nonceStr || !signature || !serial) {
      throw new AppError('unauthenticated', 'notify_signature_missing', 'missing Wechatpay-* signature headers');
    }
    const key = this.options.platformKeys.get(serial);
    if (!key)
      throw new AppError('unauthenticated', 'notify_unknown_serial', `unknown platform certificate serial ${serial}`);
    const skew = Math.abs(now / 1000 - Number(timestamp));
    if (!Number.isFinite(skew) || skew > (this.options.maxClockSkewSeconds ?? 300)) {
      throw new AppError('unauthenticated', 'notify_stale', 'notification timestamp is too old or in the future');
    }
    if (!rsaVerify(signatureMessage(timestamp, nonceStr, body), signature, key)) {
      throw new AppError('unauthenticated', 'notify_bad_signature', 'notification signature does not verify');
    }
  }

  private async request(method: 'GET' | 'POST', pathWithQuery: string, payload?: unknown): Promise<unknown> {
    const body = payload === undefined || method === 'GET' ? '' : JSON.stringify(payload);
    const authorization = merchantAuthorization({
      method,
      pathWithQuery,
      body,
      mchid: this.options.mchid,
      serialNo: this.options.merchantSerial,
      privateKey: this.options.merchantPrivateKey,
    });
    let response: Response;
    try {
      response = await fetch(new URL(pathWithQuery.replace(/^\//, ''), withSlash(this.options.baseUrl())), {
        method,
        headers: { authorization, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 8000),
      });
    } catch {
      throw paymentUnavailable('WeChat Pay is unreachable');
    }
    const text = await response.text();
    if (response.status === 204) return undefined;
    // Answers are signed by the platform too: an unsigned or forged answer is not trusted.
    this.verifySignature(
      Object.fromEntries([...response.headers].map(([k, v]) => [k.toLowerCase(), v])),
      text,
      Date.now(),
    );
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const error = z.object({ code: z.string(), message: z.string() }).safeParse(json);
      throw new AppError(
        response.status >= 500 ? 'unavailable' : 'conflict',
        'payment_provider_error',
        `微信支付返回错误：${error.success ? error.data.message : response.status}`,
        error.success ? { providerCode: error.data.code } : { status: response.status },
      );
    }
    return json;
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function paymentUnavailable(detail: string) {
  return new AppError('unavailable', 'payment_unavailable', '微信支付暂时不可用，请稍后重试', { detail });
}

export function publicKeyFromPem(pem: string): KeyObject {
  return createPublicKey(pem);
}
