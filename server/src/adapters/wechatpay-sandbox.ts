/**
 * A local WeChat Pay v3 sandbox with its own generated key pairs. It checks the merchant's request
 * signatures, signs its answers with its platform key, and delivers TRANSACTION.SUCCESS and
 * REFUND.SUCCESS notifications encrypted with the APIv3 key — so the demo (and the tests) run the
 * production code path end to end. Demo mode mounts it at /sandbox/wechatpay; the H5 cashier's
 * "pay" button calls its `POST /pay/:prepayId/confirm`, the stand-in for WeChat's payment sheet.
 */
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context, Next } from 'koa';
import {
  encryptResource,
  merchantAuthorization,
  parseAuthorization,
  platformSignatureHeaders,
  rsaVerify,
  signatureMessage,
} from './wechatpay-crypto';

export interface SandboxKeys {
  appid: string;
  mchid: string;
  merchantSerial: string;
  merchantPrivateKeyPem: string;
  merchantPublicKeyPem: string;
  platformSerial: string;
  platformPrivateKeyPem: string;
  platformPublicKeyPem: string;
  apiV3Key: string;
}

export function generateSandboxKeys(): SandboxKeys {
  const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
  const merchant = pair();
  const platform = pair();
  const serial = () => randomBytes(20).toString('hex').toUpperCase();
  return {
    appid: 'wxsandbox0000demo',
    mchid: '1900000109',
    merchantSerial: serial(),
    merchantPrivateKeyPem: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    merchantPublicKeyPem: merchant.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    platformSerial: serial(),
    platformPrivateKeyPem: platform.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    platformPublicKeyPem: platform.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    apiV3Key: randomBytes(16).toString('hex'), // 32 ASCII characters, as the APIv3 key is
  };
}

/** Demo mode keeps its sandbox keys in DATA_DIR so prepay orders survive a restart. */
export async function loadOrCreateSandboxKeys(dataDir: string): Promise<SandboxKeys> {
  const file = path.join(dataDir, 'secrets', 'wechatpay-sandbox.json');
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing) return JSON.parse(existing) as SandboxKeys;
  const keys = generateSandboxKeys();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

interface SandboxTrade {
  outTradeNo: string;
  prepayId: string;
  amount: number;
  openid: string;
  notifyUrl: string;
  description: string;
  state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
  transactionId?: string;
  successTime?: string;
  refunds: Map<string, { refundId: string; amount: number; notifyUrl: string }>;
}

export interface WechatPaySandbox {
  keys: SandboxKeys;
  middleware(): (ctx: Context, next: Next) => Promise<void>;
  /**
   * The cashier's confirm path for a prepay id, with the payer's ticket: handed only to the member who
   * asked to pay (their own order), so only they can confirm it.
   */
  confirmPath(prepayId: string): string;
  /** The shopper pays in WeChat's sheet: the trade succeeds and the notification is delivered. */
  confirmPayment(prepayId: string): Promise<{ outTradeNo: string; notifyStatus: number }>;
  /** Sends the transaction notification for a paid trade again (WeChat repeats notifications). */
  redeliver(outTradeNo: string): Promise<number>;
  /** Builds (without sending) a signed, encrypted notification: for tests of tampering. */
  buildTransactionNotification(
    outTradeNo: string,
    overrides?: { amount?: number; timestamp?: number },
  ): { headers: Record<string, string>; body: string };
  trade(outTradeNo: string): SandboxTrade | undefined;
  /** Lets outgoing notifications be awaited (tests). */
  settled(): Promise<void>;
}

export const SANDBOX_BODY_LIMIT_BYTES = 1024 * 1024;

export interface WechatPaySandboxOptions {
  prefix?: string;
  /** Throws (401/403) unless the confirm request comes from the member who pays as `payerOpenid`. */
  authorizePayer?: (ctx: Context, payerOpenid: string) => Promise<void>;
}

export function createWechatPaySandbox(keys: SandboxKeys, options: WechatPaySandboxOptions = {}): WechatPaySandbox {
  const prefix = options.prefix ?? '';
  const merchantPublic: KeyObject = createPublicKey(keys.merchantPublicKeyPem);
  const platformPrivate: KeyObject = createPrivateKey(keys.platformPrivateKeyPem);
  const trades = new Map<string, SandboxTrade>();
  const ticketKey = createHmac('sha256', keys.apiV3Key).update('sandbox confirm ticket').digest();
  const ticketFor = (prepayId: string, openid: string) =>
    createHmac('sha256', ticketKey).update(`${prepayId}:${openid}`).digest('base64url').slice(0, 32);
  const ticketMatches = (ticket: string, prepayId: string, openid: string) => {
    const expected = Buffer.from(ticketFor(prepayId, openid));
    const given = Buffer.from(ticket);
    return expected.length === given.length && timingSafeEqual(expected, given);
  };
  const byPrepay = new Map<string, string>();
  const inFlight = new Set<Promise<unknown>>();
  let counter = 0;

  const track = <T>(promise: Promise<T>) => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => {});
    return promise;
  };

  function transactionResource(trade: SandboxTrade, amount = trade.amount) {
    return {
      appid: keys.appid,
      mchid: keys.mchid,
      out_trade_no: trade.outTradeNo,
      transaction_id: trade.transactionId!,
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      attach: '',
      success_time: trade.successTime!,
      payer: { openid: trade.openid },
      amount: { total: amount, payer_total: amount, currency: 'CNY', payer_currency: 'CNY' },
    };
  }

  function notification(eventType: string, originalType: string, resource: unknown, timestamp?: number) {
    const body = JSON.stringify({
      id: randomBytes(16).toString('hex'),
      create_time: new Date().toISOString(),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary: eventType === 'TRANSACTION.SUCCESS' ? '支付成功' : '退款成功',
      resource: encryptResource(JSON.stringify(resource), keys.apiV3Key, originalType, originalType),
    });
    return {
      headers: {
        'content-type': 'application/json',
        ...platformSignatureHeaders(body, platformPrivate, keys.platformSerial, timestamp),
      },
      body,
    };
  }

  async function deliver(url: string, message: { headers: Record<string, string>; body: string }): Promise<number> {
    // Like WeChat Pay, try again when the merchant does not acknowledge (a few quick retries here).
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: message.headers,
          body: message.body,
          signal: AbortSignal.timeout(10_000),
        });
        if (response.ok) return response.status;
        if (response.status < 500) return response.status;
      } catch {
        // the merchant is unreachable: retry
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
    }
    return 0;
  }

  /** Answers like WeChat Pay, signed with the platform key; true = handled. */
  function reply(ctx: Context, status: number, payload?: unknown): true {
    ctx.status = status;
    if (payload === undefined) return true;
    const body = JSON.stringify(payload);
    ctx.set(platformSignatureHeaders(body, platformPrivate, keys.platformSerial));
    ctx.type = 'application/json';
    ctx.body = body;
    return true;
  }

  /** Reads at most 1 MB (WeChat Pay's own requests are a few KB); null when the body is larger. */
  async function readBody(ctx: Context): Promise<string | null> {
    if (Number(ctx.get('Content-Length') || 0) > SANDBOX_BODY_LIMIT_BYTES) return null;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req) {
      size += (chunk as Buffer).length;
      if (size > SANDBOX_BODY_LIMIT_BYTES) {
        ctx.req.resume();
        return null;
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function authorized(ctx: Context, body: string, pathWithQuery: string): boolean {
    const fields = parseAuthorization(ctx.get('Authorization'));
    if (!fields || fields.mchid !== keys.mchid || fields.serial_no !== keys.merchantSerial) return false;
    const skew = Math.abs(Date.now() / 1000 - Number(fields.timestamp));
    if (!(skew <= 300)) return false;
    const message = signatureMessage(ctx.method, pathWithQuery, fields.timestamp!, fields.nonce_str!, body);
    return rsaVerify(message, fields.signature ?? '', merchantPublic);
  }

  async function handle(ctx: Context): Promise<boolean> {
    const route = ctx.path.slice(prefix.length);
    const pathWithQuery = `${route}${ctx.querystring ? `?${ctx.querystring}` : ''}`;
    const confirm = /^\/pay\/([A-Za-z0-9_]+)\/confirm$/.exec(route);
    if (confirm && ctx.method === 'POST') {
      const outTradeNo = byPrepay.get(confirm[1]!);
      if (!outTradeNo) return reply(ctx, 404, { code: 'ORDER_NOT_EXIST', message: '预支付交易不存在' });
      // Like WeChat's sheet, which only the payer's own WeChat can open: the confirm carries the payer's
      // ticket (in the URL handed only to the paying member) or the payer's own login.
      const payer = trades.get(outTradeNo)!.openid;
      const ticket = typeof ctx.query.payer === 'string' ? ctx.query.payer : '';
      if (!ticketMatches(ticket, confirm[1]!, payer)) {
        if (!options.authorizePayer || !ctx.get('Authorization')) {
          return reply(ctx, 403, { code: 'PAYER_MISMATCH', message: '只能由付款人本人确认支付' });
        }
        await options.authorizePayer(ctx, payer);
      }
      const result = await sandbox.confirmPayment(confirm[1]!);
      reply(ctx, 200, { out_trade_no: result.outTradeNo, notify_status: result.notifyStatus });
      return true;
    }
    if (!route.startsWith('/v3/')) return false;
    const body = ctx.method === 'GET' ? '' : await readBody(ctx);
    if (body === null) {
      ctx.set('Connection', 'close');
      return reply(ctx, 413, { code: 'PARAM_ERROR', message: '请求体过大（上限 1 MB）' });
    }
    if (!authorized(ctx, body, pathWithQuery)) {
      reply(ctx, 401, { code: 'SIGN_ERROR', message: '签名错误' });
      return true;
    }
    // biome-ignore lint/suspicious/noExplicitAny: the sandbox reads loosely typed merchant JSON, as the real API does
    let payload: Record<string, any> = {};
    try {
      payload = body ? JSON.parse(body) : {};
    } catch {
      return reply(ctx, 400, { code: 'PARAM_ERROR', message: '请求体不是合法的 JSON' });
    }
    if (route === '/v3/pay/transactions/jsapi' && ctx.method === 'POST') {
      const existing = trades.get(payload.out_trade_no);
      if (existing) {
        if (existing.amount !== payload.amount?.total)
          return reply(ctx, 400, { code: 'INVALID_REQUEST', message: '订单号重复且金额不同' });
        if (existing.state === 'SUCCESS') return reply(ctx, 400, { code: 'ORDERPAID', message: '该订单已支付' });
        reply(ctx, 200, { prepay_id: existing.prepayId });
        return true;
      }
      if (payload.appid !== keys.appid || !Number.isInteger(payload.amount?.total) || payload.amount.total < 1) {
        return reply(ctx, 400, { code: 'PARAM_ERROR', message: '参数错误' });
      }
      // Unguessable, like WeChat's: knowing one prepay id tells nothing about the next.
      const prepayId = `wx${randomBytes(16).toString('hex')}`;
      trades.set(payload.out_trade_no, {
        outTradeNo: payload.out_trade_no,
        prepayId,
        amount: payload.amount.total,
        openid: payload.payer?.openid ?? '',
        notifyUrl: payload.notify_url,
        description: payload.description,
        state: 'NOTPAY',
        refunds: new Map(),
      });
      byPrepay.set(prepayId, payload.out_trade_no);
      reply(ctx, 200, { prepay_id: prepayId });
      return true;
    }
    const query = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(route);
    if (query && ctx.method === 'GET') {
      const trade = trades.get(decodeURIComponent(query[1]!));
      if (!trade) return reply(ctx, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      reply(
        ctx,
        200,
        trade.state === 'SUCCESS' || trade.state === 'REFUND'
          ? transactionResource(trade)
          : {
              out_trade_no: trade.outTradeNo,
              trade_state: trade.state,
              amount: { total: trade.amount, currency: 'CNY' },
            },
      );
      return true;
    }
    const close = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/.exec(route);
    if (close && ctx.method === 'POST') {
      const trade = trades.get(decodeURIComponent(close[1]!));
      if (trade?.state === 'SUCCESS') return reply(ctx, 400, { code: 'ORDERPAID', message: '订单已支付' });
      if (trade) trade.state = 'CLOSED';
      reply(ctx, 204);
      return true;
    }
    if (route === '/v3/refund/domestic/refunds' && ctx.method === 'POST') {
      const trade = trades.get(payload.out_trade_no);
      if (!trade || (trade.state !== 'SUCCESS' && trade.state !== 'REFUND'))
        return reply(ctx, 400, { code: 'INVALID_REQUEST', message: '订单未支付' });
      const already = trade.refunds.get(payload.out_refund_no);
      if (!already) {
        const refunded = [...trade.refunds.values()].reduce((sum, r) => sum + r.amount, 0);
        if (
          !Number.isInteger(payload.amount?.refund) ||
          payload.amount.refund < 1 ||
          refunded + payload.amount.refund > trade.amount
        ) {
          return reply(ctx, 400, { code: 'INVALID_REQUEST', message: '退款金额超过可退金额' });
        }
        trade.refunds.set(payload.out_refund_no, {
          refundId: `50${Date.now()}${++counter}`,
          amount: payload.amount.refund,
          notifyUrl: payload.notify_url ?? trade.notifyUrl,
        });
        trade.state = 'REFUND';
        const refund = trade.refunds.get(payload.out_refund_no)!;
        // The refund settles a moment later and is announced by a REFUND.SUCCESS notification.
        track(
          new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
            deliver(
              refund.notifyUrl,
              notification('REFUND.SUCCESS', 'refund', {
                mchid: keys.mchid,
                out_trade_no: trade.outTradeNo,
                transaction_id: trade.transactionId,
                out_refund_no: payload.out_refund_no,
                refund_id: refund.refundId,
                refund_status: 'SUCCESS',
                success_time: new Date().toISOString(),
                amount: {
                  total: trade.amount,
                  refund: refund.amount,
                  payer_total: trade.amount,
                  payer_refund: refund.amount,
                },
              }),
            ),
          ),
        );
      }
      const refund = trade.refunds.get(payload.out_refund_no)!;
      reply(ctx, 200, {
        refund_id: refund.refundId,
        out_refund_no: payload.out_refund_no,
        status: 'PROCESSING',
        amount: { total: trade.amount, refund: refund.amount },
      });
      return true;
    }
    reply(ctx, 404, { code: 'NOT_FOUND', message: 'no such sandbox API' });
    return true;
  }

  const sandbox: WechatPaySandbox = {
    keys,
    middleware() {
      return async (ctx, next) => {
        if (!ctx.path.startsWith(`${prefix}/`) || !(await handle(ctx))) await next();
      };
    },
    confirmPath(prepayId) {
      const trade = trades.get(byPrepay.get(prepayId) ?? '');
      return `/pay/${prepayId}/confirm?payer=${trade ? ticketFor(prepayId, trade.openid) : ''}`;
    },
    async confirmPayment(prepayId) {
      const outTradeNo = byPrepay.get(prepayId);
      const trade = outTradeNo ? trades.get(outTradeNo) : undefined;
      if (!trade) throw new Error(`unknown prepay id ${prepayId}`);
      if (trade.state === 'NOTPAY') {
        trade.state = 'SUCCESS';
        trade.transactionId = `4200${Date.now()}${String(++counter).padStart(6, '0')}`;
        trade.successTime = new Date().toISOString();
      }
      const notifyStatus = await track(
        deliver(trade.notifyUrl, notification('TRANSACTION.SUCCESS', 'transaction', transactionResource(trade))),
      );
      return { outTradeNo: trade.outTradeNo, notifyStatus };
    },
    async redeliver(outTradeNo) {
      const trade = trades.get(outTradeNo);
      if (!trade?.transactionId) throw new Error(`trade ${outTradeNo} is not paid`);
      return track(
        deliver(trade.notifyUrl, notification('TRANSACTION.SUCCESS', 'transaction', transactionResource(trade))),
      );
    },
    buildTransactionNotification(outTradeNo, overrides = {}) {
      const trade = trades.get(outTradeNo);
      if (!trade) throw new Error(`unknown trade ${outTradeNo}`);
      if (!trade.transactionId) {
        trade.transactionId = `4200${Date.now()}${String(++counter).padStart(6, '0')}`;
        trade.successTime = new Date().toISOString();
      }
      return notification(
        'TRANSACTION.SUCCESS',
        'transaction',
        transactionResource(trade, overrides.amount),
        overrides.timestamp,
      );
    },
    trade: (outTradeNo) => trades.get(outTradeNo),
    async settled() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
  return sandbox;
}

/** For tests: a merchant Authorization header signed with the sandbox's merchant key. */
export function sandboxMerchantAuthorization(keys: SandboxKeys, method: string, pathWithQuery: string, body: string) {
  return merchantAuthorization({
    method,
    pathWithQuery,
    body,
    mchid: keys.mchid,
    serialNo: keys.merchantSerial,
    privateKey: createPrivateKey(keys.merchantPrivateKeyPem),
  });
}
