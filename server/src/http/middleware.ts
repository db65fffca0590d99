/** The chain every request passes: request id and log line, error mapping, security headers, JSON body. */
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import getRawBody from 'raw-body';
import { AppError } from './errors';
import type { Logger } from './logger';

export const BODY_LIMIT_BYTES = 1024 * 1024;

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    log: Logger;
    /** Parsed JSON body (undefined when the request had none). */
    body?: unknown;
    /** The body exactly as received, for routes that verify signatures over it. */
    rawBody?: string;
  }
}

/** First in the chain: maps every error to `{ error: { code, message, details } }`. */
export function errorHandler() {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (caught) {
      const error = toAppError(caught);
      if (error.code === 'database_unavailable') {
        ctx.state.log?.warn({ err: (caught as Error)?.message }, 'database unavailable');
      } else if (error.status >= 500) {
        ctx.state.log?.error({ err: caught }, 'request failed');
      }
      ctx.status = error.status;
      if (error.headers) ctx.set(error.headers);
      ctx.body = {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details === undefined ? {} : { details: error.details }),
        },
      };
    }
  };
}

/** Errors that mean "the database cannot be reached right now", not "this request is wrong". */
const DATABASE_DOWN_NAME =
  /^Mongo(ose)?(ServerSelection|Network|NetworkTimeout|NotConnected|TopologyClosed|PoolCleared|PoolClearedOnNetwork)Error$/;
const DATABASE_DOWN_MESSAGE =
  /buffering timed out|socket has been ended|ECONNREFUSED|ECONNRESET|EPIPE|connection (\S+ )?(to \S+ )?(closed|reset)|Client must be connected|Topology is closed|connection pool .* cleared/i;

export function isDatabaseUnavailable(caught: unknown): boolean {
  const error = caught as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown } | null;
  if (!error || typeof error !== 'object') return false;
  if (typeof error.name === 'string' && DATABASE_DOWN_NAME.test(error.name)) return true;
  // The driver's socket to the engine broke mid-command (the only sockets our handlers write to raw).
  if (typeof error.code === 'string' && ['EPIPE', 'ECONNRESET', 'ECONNREFUSED'].includes(error.code)) return true;
  // Mongoose queues commands while disconnected and gives up after bufferTimeoutMS.
  if (typeof error.message === 'string' && DATABASE_DOWN_MESSAGE.test(error.message)) return true;
  return error.cause !== undefined && error.cause !== caught && isDatabaseUnavailable(error.cause);
}

function toAppError(caught: unknown): AppError {
  if (caught instanceof AppError) return caught;
  if (isDatabaseUnavailable(caught)) {
    return new AppError('unavailable', 'database_unavailable', '服务暂时不可用，请稍后重试', undefined, {
      'Retry-After': '5',
    });
  }
  // Errors raised by Koa / raw-body carry an HTTP status; only client errors are passed through.
  const status = (caught as { status?: unknown })?.status;
  if (status === 413) return new AppError('payload_too_large', 'payload_too_large', '请求内容过大（上限 1 MB）');
  if (status === 400) return new AppError('bad_request', 'bad_request', '请求格式有误');
  return new AppError('internal', 'internal_error', '服务器开小差了，请稍后重试');
}

/** The client's `X-Request-Id` when it is a sane one, else a new id. */
export function requestIdOf(ctx: Context): string {
  const incoming = ctx.get('X-Request-Id');
  return /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : randomUUID();
}

export function requestContext(rootLog: Logger) {
  return async (ctx: Context, next: Next) => {
    const requestId = requestIdOf(ctx);
    ctx.state.requestId = requestId;
    ctx.state.log = rootLog.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    // The line is written once the response has left (or the client went away), with the status that was
    // actually sent: an error mapped by an outer errorHandler sets the status only after `next` returns here.
    let logged = false;
    const logLine = () => {
      if (logged) return;
      logged = true;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      ctx.state.log.info(
        {
          method: ctx.method,
          path: ctx.path,
          status: ctx.res.statusCode,
          ms: Math.round(ms * 10) / 10,
          ...(ctx.res.writableFinished ? {} : { aborted: true }),
        },
        'request',
      );
    };
    ctx.res.once('finish', logLine);
    ctx.res.once('close', logLine);
    await next();
  };
}

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
/** What `securityHeaders()` sets on an API answer (the hot lane sets the same). */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  'Content-Security-Policy': API_CSP,
};

/** Sets the security headers on every answer, errors included (they are set again after a thrown error). */
export function securityHeaders() {
  const apply = (ctx: Context) => {
    ctx.set(SECURITY_HEADERS);
    // The storefront keeps no inline script (its root-font-size script is a file) and Taro's H5 components bring
    // their icon fonts as data: URLs, hence font-src data:.
    if (!ctx.response.get('Content-Security-Policy')) {
      ctx.set(
        'Content-Security-Policy',
        ctx.path.startsWith('/api/') && !ctx.path.startsWith('/api/docs')
          ? API_CSP
          : "default-src 'self'; img-src 'self' data: blob: https:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
      );
    }
    ctx.remove('X-Powered-By');
  };
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } finally {
      apply(ctx);
    }
  };
}

/**
 * Reads a JSON body of at most 1 MB into ctx.state.body. Malformed JSON is a 400, a larger body a 413,
 * a body that is not JSON a 415. Multipart uploads are left to the routes that take them.
 */
export function jsonBody() {
  return async (ctx: Context, next: Next) => {
    if (
      !['POST', 'PUT', 'PATCH', 'DELETE'].includes(ctx.method) ||
      (!ctx.request.length && !ctx.get('Transfer-Encoding'))
    ) {
      return next();
    }
    if (ctx.is('multipart')) return next();
    if (!ctx.is('application/json')) {
      throw new AppError(
        'unsupported_media_type',
        'unsupported_media_type',
        '请求体须为 JSON（Content-Type: application/json）',
      );
    }
    let text: string;
    try {
      text = await getRawBody(ctx.req, { limit: BODY_LIMIT_BYTES, length: ctx.request.length, encoding: 'utf8' });
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') {
        throw new AppError('payload_too_large', 'payload_too_large', '请求内容过大（上限 1 MB）', {
          limitBytes: BODY_LIMIT_BYTES,
        });
      }
      throw new AppError('bad_request', 'unreadable_body', '请求体读取失败');
    }
    ctx.state.rawBody = text;
    if (text.trim() === '') return next();
    try {
      ctx.state.body = JSON.parse(text);
    } catch {
      throw new AppError('bad_request', 'malformed_json', '请求体不是合法的 JSON');
    }
    return next();
  };
}

/**
 * WeChat's wx.request cannot send PATCH, so the mini-program sends `POST` with
 * `X-HTTP-Method-Override: PATCH`. Only POST may be overridden, and only to PATCH, PUT or DELETE.
 */
export function methodOverride() {
  return async (ctx: Context, next: Next) => {
    const override = ctx.get('X-HTTP-Method-Override').toUpperCase();
    if (ctx.method === 'POST' && ['PATCH', 'PUT', 'DELETE'].includes(override)) ctx.method = override;
    return next();
  };
}
