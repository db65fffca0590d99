/** Serves the built H5 storefront at `/` (with an index.html fallback for its routes) and the API docs. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Context, Next } from 'koa';
import send from 'koa-send';

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
      await send(ctx, hasExtension ? file : '/index.html', {
        root: rootDir,
        maxage: hasExtension && !file.endsWith('.html') ? 7 * 86_400_000 : 0,
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
