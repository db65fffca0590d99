/**
 * Serves the built H5 storefront at `/` (with an index.html fallback for its routes), the seeded
 * pictures, the API docs, and compresses what the server sends.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Context, Next } from 'koa';
import compress from 'koa-compress';
import send from 'koa-send';

const YEAR_SECONDS = 365 * 86_400;
/** `app.3f9a1c2e.js`: the build names an asset by its content hash, so it can be cached for good. */
const HASHED_ASSET = /\.[0-9a-f]{8,}\.(js|css|woff2?|png|jpe?g|svg|webp|gif)$/;

/**
 * Brotli or gzip for JSON, HTML, JS, CSS and SVG above 1 KB, as the client accepts (brotli at quality 4:
 * nearly gzip's speed, smaller output). Images that are already compressed are sent as they are.
 */
/** How API JSON and files are compressed: here by koa-compress, and once per shared answer (route.ts). */
export const COMPRESSION = {
  /** Below this many bytes compression costs more than it saves. */
  threshold: 1024,
  brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
  gzip: { level: 6 },
} as const;

export function compression() {
  return compress({
    threshold: COMPRESSION.threshold,
    br: COMPRESSION.brotli,
    gzip: COMPRESSION.gzip,
    deflate: false,
    zstd: false,
  });
}

/** Seeded pictures by file name (`/api/media/seed/<hash>.svg`): content-named, so cached for a year. */
export function seedMediaFiles(files: ReadonlyMap<string, string>) {
  return async (ctx: Context, next: Next) => {
    if (!ctx.path.startsWith('/api/media/seed/') || !['GET', 'HEAD'].includes(ctx.method)) return next();
    const svg = files.get(ctx.path.slice('/api/media/seed/'.length));
    if (svg === undefined) return next();
    const etag = `"${createHash('sha256').update(svg).digest('base64url').slice(0, 22)}"`;
    ctx.set('Cache-Control', `public, max-age=${YEAR_SECONDS}, immutable`);
    ctx.set('ETag', etag);
    if (ctx.get('If-None-Match') === etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = 'image/svg+xml';
    ctx.body = svg;
  };
}

export function storefront(rootDir: string) {
  return async (ctx: Context, next: Next) => {
    if (ctx.path.startsWith('/api') || !['GET', 'HEAD'].includes(ctx.method)) return next();
    if (!existsSync(path.join(rootDir, 'index.html'))) {
      ctx.status = 503;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'The H5 storefront has not been built yet: run `npm run build:h5` (npm start does this for you).';
      return;
    }
    const file = ctx.path === '/' ? '/index.html' : ctx.path;
    const hasExtension = path.extname(file) !== '';
    try {
      // Hashed build assets never change under their name; everything else (index.html, icons) is
      // revalidated so a new build shows at once.
      const hashed = hasExtension && HASHED_ASSET.test(file);
      await send(ctx, hasExtension ? file : '/index.html', {
        root: rootDir,
        maxage: hashed ? YEAR_SECONDS * 1000 : 0,
        immutable: hashed,
        setHeaders: (res) => {
          if (!hashed) res.setHeader('Cache-Control', 'no-cache');
        },
      });
    } catch {
      if (hasExtension) return next();
      await send(ctx, '/index.html', { root: rootDir });
    }
  };
}

const require = createRequire(import.meta.url);

/**
 * The interactive docs and the OpenAPI document. Off in production (`enabled: false`): the map of every
 * admin route is for developers, not for whoever probes the public site; they answer 404 there.
 */
export function apiDocs(openApi: () => unknown, options: { enabled: boolean } = { enabled: true }) {
  const uiDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  const page = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Siyu Mall API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;
  const init = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#docs', deepLinking: true, persistAuthorization: true });`;
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'GET' || !options.enabled) return next();
    if (ctx.path === '/api/openapi.json') {
      ctx.body = openApi();
    } else if (ctx.path === '/api/docs' || ctx.path === '/api/docs/') {
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = page;
    } else if (ctx.path === '/api/docs/init.js') {
      ctx.type = 'application/javascript';
      ctx.body = init;
    } else if (ctx.path.startsWith('/api/docs/assets/')) {
      const name = path.basename(ctx.path);
      if (!/^swagger-ui(-bundle)?\.(js|css)$/.test(name)) return next();
      await send(ctx, name, { root: uiDir, maxage: 86_400_000 });
    } else {
      return next();
    }
  };
}
