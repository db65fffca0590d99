/**
 * The only reader of process.env. One zod schema, parsed once at boot; a bad value stops the start
 * with a readable list of what is wrong.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((text) => text === 'true' || text === '1' || text === 'yes');

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_URL: z.string().url().optional(),
    TRUST_PROXY: booleanText.default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
      .optional(),
    DB_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,48}$/)
      .default('siyu_mall'),
    DB_ENGINE: z.enum(['auto', 'mongod', 'ferretdb', 'ferretdb-sqlite']).default('auto'),
    MONGOD_BIN: z.string().optional(),
    DATA_DIR: z.string().default('.data'),
    TOOLS_DIR: z.string().default('.tools'),

    JWT_SECRET: z.string().optional(),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),

    WECHAT_APPID: z.string().optional(),
    WECHAT_SECRET: z.string().optional(),
    WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),

    WECHATPAY_API_BASE: z.string().url().default('https://api.mch.weixin.qq.com'),
    WECHATPAY_MCHID: z.string().optional(),
    WECHATPAY_MCH_SERIAL: z.string().optional(),
    WECHATPAY_PRIVATE_KEY_FILE: z.string().optional(),
    WECHATPAY_APIV3_KEY: z.string().length(32, 'the APIv3 key is 32 characters').optional(),
    WECHATPAY_PLATFORM_SERIAL: z.string().optional(),
    WECHATPAY_PLATFORM_PUBLIC_KEY_FILE: z.string().optional(),
    ORDER_PAY_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
    ORDER_AUTO_COMPLETE_DAYS: z.coerce.number().int().min(1).max(60).default(10),
    /** Unpaid orders one member may hold at once: stops one member holding stock with endless unpaid orders. */
    ORDER_MAX_OPEN_UNPAID: z.coerce.number().int().min(1).max(100).default(5),
    ORDER_RATE_PER_MEMBER_PER_MINUTE: z.coerce.number().int().min(1).default(20),

    ADMIN_USERNAME: z
      .string()
      .regex(/^[a-z0-9_.-]{3,32}$/)
      .default('admin'),
    ADMIN_PASSWORD: z.string().min(10, 'ADMIN_PASSWORD must be at least 10 characters').optional(),

    CORS_ORIGIN: z.string().optional(),
    SERVE_STOREFRONT: booleanText.default(true),
    STOREFRONT_DIR: z.string().default('miniapp/dist-h5'),
    SEED_DEMO: booleanText.optional(),
    JOBS_ENABLED: booleanText.default(true),

    /** API requests one instance runs at once; the rest wait in arrival order (http/admission.ts). */
    API_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(64),
    /** How long a request may wait for its turn before it is answered 503 `busy`. */
    API_MAX_WAIT_MS: z.coerce.number().int().min(100).max(120_000).default(30_000),

    LOGIN_RATE_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).default(60),
    LOGIN_RATE_PER_IDENTITY_PER_MINUTE: z.coerce.number().int().min(1).default(10),

    // Coupons (modules/coupons): a fully refunded order keeps its coupon used unless this is true.
    COUPON_RETURN_ON_REFUND: booleanText.default(false),
    /** Redeem-code attempts per 10 minutes, per member and per IP (429 with Retry-After beyond). */
    COUPON_REDEEM_RATE_PER_MEMBER: z.coerce.number().int().min(1).default(10),
    COUPON_REDEEM_RATE_PER_IP: z.coerce.number().int().min(1).default(60),

    // Subscribe messages (modules/notices): `key=templateId` pairs, e.g. `live_reminder=AbC…,groupbuy_result=XyZ…`.
    SUBSCRIBE_TEMPLATES: z
      .string()
      .regex(
        /^[a-z0-9_]+=[A-Za-z0-9_-]+(,[a-z0-9_]+=[A-Za-z0-9_-]+)*$/,
        'must be key=templateId pairs, comma-separated',
      )
      .optional(),
    WECHAT_MINIPROGRAM_STATE: z.enum(['developer', 'trial', 'formal']).default('formal'),
    // Livestreams (modules/livestream)
    LIVE_REMINDER_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
    LIVE_ATTRIBUTION_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  })
  .superRefine((env, issue) => {
    if (env.NODE_ENV !== 'production') return;
    if (!env.JWT_SECRET || Buffer.byteLength(env.JWT_SECRET) < 32) {
      issue.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'production needs JWT_SECRET of at least 32 bytes',
      });
    }
    if (!env.WECHAT_APPID || !env.WECHAT_SECRET) {
      issue.addIssue({
        code: 'custom',
        path: ['WECHAT_APPID'],
        message: 'production needs WECHAT_APPID and WECHAT_SECRET (demo logins are refused in production)',
      });
    }
    for (const key of [
      'WECHATPAY_MCHID',
      'WECHATPAY_MCH_SERIAL',
      'WECHATPAY_PRIVATE_KEY_FILE',
      'WECHATPAY_APIV3_KEY',
      'WECHATPAY_PLATFORM_SERIAL',
      'WECHATPAY_PLATFORM_PUBLIC_KEY_FILE',
      'PUBLIC_URL',
    ] as const) {
      if (!env[key]) issue.addIssue({ code: 'custom', path: [key], message: `production needs ${key} (WeChat Pay)` });
    }
    if (!env.MONGODB_URI) {
      issue.addIssue({ code: 'custom', path: ['MONGODB_URI'], message: 'production needs MONGODB_URI' });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

export interface Config extends Env {
  /** No WeChat credentials: demo logins (`demo:<name>`) and sandbox payments. Never in production. */
  demoMode: boolean;
  dataDir: string;
  toolsDir: string;
  storefrontDir: string;
  seedDemo: boolean;
  /** SUBSCRIBE_TEMPLATES as a map: template key → WeChat template id. */
  subscribeTemplates: Record<string, string>;
}

export class ConfigError extends Error {}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join('.') || 'env'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const resolve = (dir: string) => (path.isAbsolute(dir) ? dir : path.join(REPO_ROOT, dir));
  const demoMode = !env.WECHAT_APPID;
  return {
    ...env,
    demoMode,
    dataDir: resolve(env.DATA_DIR),
    toolsDir: resolve(env.TOOLS_DIR),
    storefrontDir: resolve(env.STOREFRONT_DIR),
    seedDemo: env.SEED_DEMO ?? env.NODE_ENV !== 'production',
    subscribeTemplates: Object.fromEntries(
      (env.SUBSCRIBE_TEMPLATES ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair) => pair.split('=') as [string, string]),
    ),
  };
}
