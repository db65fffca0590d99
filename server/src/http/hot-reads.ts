/**
 * The hot lane: the storefront reads a livestream sends thousands of shoppers to at once (the product
 * page, the list pages, the categories) answered before the rest of the middleware chain.
 *
 * Only routes declared `sharedAnswers` (their handler answers shared objects from a read model) take
 * this lane, and only in their plain form: `GET`, the exact path, no `Origin` (CORS stays with the
 * full chain), params and query that parse. The lane runs the route's own handler with the route's
 * own schemas and authenticator and sends the answer's packed bytes (route.ts), with the headers the
 * chain would set (request id, security headers, Vary). Anything else, including every error (a bad
 * token, an unknown product, a bad query), goes down the full chain, which answers it as always: the
 * lane can make an answer faster, never different.
 *
 * The viewer behind a bearer token (which decides only the tier the catalog is shown for) is kept for
 * a second per instance, so a shopper refreshing a product page under a spike costs no database
 * round trip; this is the only place where a logout may take a second to show, and only as prices
 * (everything a member owns goes through the full chain's authenticator on every request).
 *
 * Why: the chain (CORS, the payment sandbox, method override, body reading, two routers over ~250
 * routes, response validation, JSON serialization, compression) costs more per request than the
 * read model's lookup. Measured in `scripts/bench/catalog.ts`.
 */
import type { Context, Next } from 'koa';
import type { Logger } from './logger';
import { API_SECURITY_HEADERS, requestIdOf } from './middleware';
import { type AnyRoute, type Authenticator, type Caller, sendPacked } from './route';

interface Lane {
  route: AnyRoute;
  pattern: RegExp;
  names: string[];
}

/** Parsed queries by their raw query string (the same string always parses the same). */
const PARSED_QUERIES_MAX = 2000;
/** How long a token's viewer is reused by the lane, and how many are kept. */
const VIEWER_TTL_MS = 1000;
const VIEWERS_MAX = 20_000;

function compile(prefix: string, route: AnyRoute): Lane {
  const names: string[] = [];
  const source = `${prefix}${route.path}`
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

export function hotReads(options: {
  prefix: string;
  routes: readonly AnyRoute[];
  auth: Authenticator;
  log: Logger;
  /** Runs work that reads the database (admission's `run`), so it waits its turn like any request. */
  admit?: <T>(work: () => Promise<T>) => Promise<T>;
}) {
  const admit = options.admit ?? (<T>(work: () => Promise<T>) => work());
  const lanes = options.routes
    .filter((route) => route.method === 'get' && route.sharedAnswers && !route.stream)
    .map((route) => compile(options.prefix, route));
  const parsedQueries = new Map<string, unknown>();
  // One lookup per token at a time: the requests that arrive while it runs share it (no stampede when
  // a popular token's second is up). A failed lookup is not kept (the chain answers it).
  const viewers = new Map<string, { member: Promise<Caller['member']>; until: number }>();

  function viewerOf(ctx: Context, required: boolean): Promise<Caller['member']> {
    const authorization = ctx.get('Authorization');
    if (!authorization) return options.auth.member(ctx, required);
    const now = Date.now();
    const known = viewers.get(authorization);
    if (known && known.until > now) return known.member;
    const member = admit(() => options.auth.member(ctx, required));
    if (viewers.size >= VIEWERS_MAX) viewers.clear();
    const entry = { member, until: now + VIEWER_TTL_MS };
    viewers.set(authorization, entry);
    member.catch(() => {
      if (viewers.get(authorization) === entry) viewers.delete(authorization);
    });
    return member;
  }

  function queryOf(ctx: Context, lane: Lane): { ok: boolean; query?: unknown } {
    if (!lane.route.query) return { ok: true, query: undefined };
    const key = `${lane.route.path}?${ctx.querystring}`;
    if (parsedQueries.has(key)) return { ok: true, query: parsedQueries.get(key) };
    const parsed = lane.route.query.safeParse({ ...ctx.query });
    if (!parsed.success) return { ok: false };
    if (parsedQueries.size >= PARSED_QUERIES_MAX) parsedQueries.clear();
    parsedQueries.set(key, parsed.data);
    return { ok: true, query: parsed.data };
  }

  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'GET' || !ctx.path.startsWith(options.prefix) || ctx.get('Origin')) return next();
    let lane: Lane | undefined;
    let match: RegExpExecArray | null = null;
    for (const candidate of lanes) {
      match = candidate.pattern.exec(ctx.path);
      if (match) {
        lane = candidate;
        break;
      }
    }
    if (!lane || !match) return next();
    const started = process.hrtime.bigint();
    const route = lane.route;
    let result: unknown;
    const requestId = requestIdOf(ctx);
    try {
      let params: unknown;
      if (route.params) {
        const raw: Record<string, string> = {};
        lane.names.forEach((name, index) => {
          raw[name] = decodeURIComponent(match[index + 1]!);
        });
        const parsed = route.params.safeParse(raw);
        if (!parsed.success) return next();
        params = parsed.data;
      }
      const query = queryOf(ctx, lane);
      if (!query.ok) return next();
      const caller: Caller = { ip: ctx.ip, requestId, log: options.log };
      if (route.auth === 'member' || route.auth === 'optional-member') {
        caller.member = await viewerOf(ctx, route.auth === 'member');
      } else if (route.auth !== 'public') {
        return next();
      }
      result = await route.handler({ body: undefined, query: query.query, params, caller } as never);
    } catch {
      // The full chain answers it again, with its error mapping (and its log line).
      return next();
    }
    if (typeof result !== 'object' || result === null) return next();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    ctx.set(API_SECURITY_HEADERS);
    ctx.vary('Accept-Encoding');
    ctx.status = route.status ?? 200;
    sendPacked(ctx, route, result);
    if (options.log.isLevelEnabled('info')) {
      ctx.res.once('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        options.log.info(
          {
            requestId,
            method: ctx.method,
            path: ctx.path,
            status: ctx.res.statusCode,
            ms: Math.round(ms * 10) / 10,
            lane: 'hot',
          },
          'request',
        );
      });
    }
  };
}
