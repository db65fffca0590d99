/**
 * Routes are declared as data: method, path, auth, zod schemas, handler. The same declarations mount
 * the Koa routes (validating every request) and produce the OpenAPI document, so the docs cannot drift
 * from what is enforced. Handlers receive parsed input and a Caller, never the Koa context.
 */
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type Router from '@koa/router';
import type { AdminRole } from '@siyu/shared';
import type { Context } from 'koa';
import { z } from 'zod';
import { AppError } from './errors';
import type { Logger } from './logger';
import { COMPRESSION } from './storefront';

export type RouteAuth = 'public' | 'member' | 'optional-member' | { admin: readonly AdminRole[] };

export interface AuthenticatedMember {
  id: string;
  tier: import('@siyu/shared').TierCode;
  /** The login the access token belongs to (absent on tokens issued before sessions were named). */
  sessionId?: string;
}
export interface AuthenticatedAdmin {
  id: string;
  username: string;
  role: AdminRole;
}

export interface Caller {
  member?: AuthenticatedMember;
  admin?: AuthenticatedAdmin;
  ip: string;
  requestId: string;
  idempotencyKey?: string;
  log: Logger;
  /** Only for routes declared `rawBody: true`: the body as received and the request headers. */
  raw?: { body: string; headers: Record<string, string | undefined> };
}

type Schema = z.ZodType | undefined;
type Parsed<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;
type Returned<S extends Schema> = S extends z.ZodType ? z.input<S> : undefined;

export interface RouteDef<
  B extends Schema = Schema,
  Q extends Schema = Schema,
  P extends Schema = Schema,
  R extends Schema = Schema,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Koa-style path below /api, e.g. `/orders/:id`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: RouteAuth;
  body?: B;
  query?: Q;
  params?: P;
  response?: R;
  /** Success status; 204 routes return nothing. */
  status?: number;
  /** An `Idempotency-Key` header is required (8–128 chars). */
  idempotent?: boolean;
  /** The route verifies a signature over the exact body (webhooks): it gets `caller.raw` instead of `body`. */
  rawBody?: boolean;
  /**
   * For the few routes that read or write raw streams (uploads): the request body is left unread and
   * this gets the Koa context after auth and params/query validation, instead of `handler` answering.
   * `requestContent` documents what it reads (e.g. `multipart/form-data`).
   */
  stream?: (ctx: Context, input: { params: Parsed<P>; query: Parsed<Q>; caller: Caller }) => Promise<void>;
  requestContent?: string;
  /** Non-JSON answers the handler may give (a `FileAnswer`), e.g. `['text/csv']`. */
  produces?: string[];
  /**
   * The handler answers shared, read-only objects from a read model (the catalog's): the same object
   * for as long as its data is unchanged. Each such object is then validated, serialized and
   * compressed once (`sendPacked`), and every later request that gets the same object is sent those
   * bytes. Correct by construction: a changed answer is a new object.
   */
  sharedAnswers?: boolean;
  /** Extra documented error answers, e.g. `{ 409: '库存不足' }`. */
  errors?: Record<number, string>;
  handler: (input: {
    body: Parsed<B>;
    query: Parsed<Q>;
    params: Parsed<P>;
    caller: Caller;
  }) => Promise<Returned<R> | FileAnswer>;
}

// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of routes needs the widest form
export type AnyRoute = RouteDef<any, any, any, any>;

export function defineRoute<
  B extends Schema = undefined,
  Q extends Schema = undefined,
  P extends Schema = undefined,
  R extends Schema = undefined,
>(def: RouteDef<B, Q, P, R>): RouteDef<B, Q, P, R> {
  return def;
}

/**
 * A handler's answer that is a file, not JSON (a CSV export, an image): sent as is with its type. The
 * route's `response` schema describes the JSON twin, if any; `produces` documents the file's type.
 */
export class FileAnswer {
  constructor(
    readonly body: string | Buffer | AsyncIterable<string | Buffer>,
    readonly contentType: string,
    readonly filename?: string,
    readonly headers: Record<string, string> = {},
  ) {}
}

export interface Authenticator {
  member(ctx: Context, required: boolean): Promise<AuthenticatedMember | undefined>;
  admin(ctx: Context, roles: readonly AdminRole[]): Promise<AuthenticatedAdmin>;
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError('bad_request', `invalid_${where}`, validationMessage(result.error), {
    issues: result.error.issues.map((issue) => ({
      path: [where, ...issue.path.map(String)].join('.'),
      code: issue.code,
      message: issue.message,
    })),
  });
}

function validationMessage(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return '请求参数有误';
  if (first.code === 'unrecognized_keys') return `不支持的字段：${first.keys.join('、')}`;
  const where = first.path.length ? `${first.path.join('.')}：` : '';
  return `请求参数有误（${where}${first.message}）`;
}

/** Koa's query object, with single values unwrapped from arrays only where a key repeats. */
function queryObject(ctx: Context): Record<string, unknown> {
  return { ...ctx.query };
}

interface PackedAnswer {
  json: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}
const packed = new WeakMap<object, PackedAnswer>();

/**
 * The bytes of a shared answer: validated against the route's schema and serialized on first use,
 * compressed per encoding on first request for it (with `compression()`'s settings), and forgotten
 * with the object.
 */
export function sendPacked(ctx: Context, route: AnyRoute, result: object): void {
  let entry = packed.get(result);
  if (!entry) {
    const valid = route.response ? route.response.parse(result) : result;
    entry = { json: Buffer.from(JSON.stringify(valid)) };
    packed.set(result, entry);
  }
  ctx.type = 'application/json; charset=utf-8';
  // Brotli whenever the client takes it, else gzip (koa-compress's preference, whatever the header's order).
  const big = entry.json.length >= COMPRESSION.threshold;
  const encoding = !big ? false : ctx.acceptsEncodings('br') === 'br' ? 'br' : ctx.acceptsEncodings('gzip');
  if (encoding === 'br') {
    entry.br ??= zlib.brotliCompressSync(entry.json, COMPRESSION.brotli);
    ctx.set('Content-Encoding', 'br');
    ctx.body = entry.br;
  } else if (encoding === 'gzip') {
    entry.gzip ??= zlib.gzipSync(entry.json, COMPRESSION.gzip);
    ctx.set('Content-Encoding', 'gzip');
    ctx.body = entry.gzip;
  } else {
    ctx.body = entry.json;
  }
}

export function mountRoutes(router: Router, routes: readonly AnyRoute[], auth: Authenticator): void {
  for (const route of routes) {
    router[route.method](route.path, async (ctx: Context) => {
      const caller: Caller = { ip: ctx.ip, requestId: ctx.state.requestId, log: ctx.state.log };
      if (route.auth === 'member' || route.auth === 'optional-member') {
        caller.member = await auth.member(ctx, route.auth === 'member');
      } else if (typeof route.auth === 'object') {
        caller.admin = await auth.admin(ctx, route.auth.admin);
      }
      if (route.idempotent) {
        const key = ctx.get('Idempotency-Key');
        if (!/^[A-Za-z0-9_.:-]{8,128}$/.test(key)) {
          throw new AppError(
            'bad_request',
            'idempotency_key_required',
            '缺少或无效的 Idempotency-Key 请求头（8–128 位字母数字）',
          );
        }
        caller.idempotencyKey = key;
      }
      const params = route.params ? parseOrThrow(route.params, ctx.params, 'params') : undefined;
      const query = route.query ? parseOrThrow(route.query, queryObject(ctx), 'query') : undefined;
      if (route.stream) {
        await route.stream(ctx, { params, query, caller } as never);
        return;
      }
      let body: unknown;
      if (route.rawBody) {
        caller.raw = { body: ctx.state.rawBody ?? '', headers: ctx.headers as Record<string, string | undefined> };
      } else if (route.body) {
        body = parseOrThrow(route.body, ctx.state.body ?? {}, 'body');
      } else if (
        ctx.state.body !== undefined &&
        !(typeof ctx.state.body === 'object' && ctx.state.body !== null && Object.keys(ctx.state.body).length === 0)
      ) {
        throw new AppError('bad_request', 'unexpected_body', '此接口不接受请求体');
      }
      const result = await route.handler({ body, query, params, caller } as never);
      ctx.status = route.status ?? 200;
      if (ctx.status === 204) return;
      if (result instanceof FileAnswer) {
        ctx.set('Content-Type', result.contentType);
        if (result.filename) ctx.set('Content-Disposition', `attachment; filename="${result.filename}"`);
        for (const [name, value] of Object.entries(result.headers)) ctx.set(name, value);
        ctx.body =
          typeof result.body === 'string' || Buffer.isBuffer(result.body) ? result.body : Readable.from(result.body);
        return;
      }
      if (route.sharedAnswers && typeof result === 'object' && result !== null) {
        sendPacked(ctx, route, result);
        return;
      }
      ctx.body = route.response ? route.response.parse(result) : result;
    });
  }
}

// ---------- OpenAPI ----------

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

function objectParameters(schema: z.ZodType | undefined, location: 'query' | 'path') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
};

export function buildOpenApi(groups: { prefix: string; routes: readonly AnyRoute[] }[], info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { prefix, routes } of groups) {
    for (const route of routes) {
      const path = `${prefix}${route.path}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const security =
        route.auth === 'public'
          ? []
          : route.auth === 'optional-member'
            ? [{}, { memberToken: [] }]
            : typeof route.auth === 'object'
              ? [{ adminToken: [] }]
              : [{ memberToken: [] }];
      const responses: Record<string, unknown> = {
        [String(route.status ?? 200)]:
          route.status === 204
            ? { description: 'No content' }
            : {
                description: 'OK',
                ...(route.response || route.produces
                  ? {
                      content: {
                        ...(route.response
                          ? { 'application/json': { schema: jsonSchema(route.response, 'output') } }
                          : {}),
                        ...Object.fromEntries(
                          (route.produces ?? []).map((type) => [type, { schema: { type: 'string' } }]),
                        ),
                      },
                    }
                  : {}),
              },
        400: { $ref: '#/components/responses/BadRequest' },
      };
      if (route.auth !== 'public') responses[401] = { $ref: '#/components/responses/Unauthenticated' };
      if (typeof route.auth === 'object') responses[403] = { $ref: '#/components/responses/Forbidden' };
      for (const [status, description] of Object.entries(route.errors ?? {})) {
        responses[status] = { description, content: { 'application/json': { schema: ERROR_SCHEMA } } };
      }
      const parameters = [...objectParameters(route.params, 'path'), ...objectParameters(route.query, 'query')];
      if (route.idempotent) {
        parameters.push({
          name: 'Idempotency-Key',
          in: 'header' as never,
          required: true,
          schema: { type: 'string', minLength: 8, maxLength: 128 },
          description: 'Same key + same body returns the first result; same key + other body is a 422.',
        });
      }
      paths[path] ??= {};
      paths[path][route.method] = {
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: route.tags,
        security,
        ...(typeof route.auth === 'object' ? { 'x-admin-roles': route.auth.admin } : {}),
        parameters,
        ...(route.body
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
              },
            }
          : route.requestContent
            ? { requestBody: { required: true, content: { [route.requestContent]: { schema: { type: 'string' } } } } }
            : {}),
        responses,
      };
    }
  }
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: ERROR_SCHEMA } },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Siyu Mall API',
      version: info.version,
      description:
        'Store API (members, bearer member token) and admin API (`/api/admin`, bearer admin token with a role). Money is integer fen. Errors are `{ error: { code, message, details } }`.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        memberToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        adminToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
      responses: {
        BadRequest: errorResponse('Invalid input; nothing was changed'),
        Unauthenticated: errorResponse('Missing, invalid or expired token'),
        Forbidden: errorResponse('Authenticated, but not allowed'),
      },
    },
  };
}
