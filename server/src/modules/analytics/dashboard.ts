/** Serves the read-only operator dashboard at `/admin/` (static files; it talks to the admin API). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Next } from 'koa';
import send from 'koa-send';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dashboard');
const FILES = new Set(['/index.html', '/dashboard.js', '/dashboard.css']);

export function dashboard() {
  return async (ctx: Context, next: Next) => {
    if (!(ctx.path === '/admin' || ctx.path.startsWith('/admin/')) || !['GET', 'HEAD'].includes(ctx.method)) {
      return next();
    }
    if (ctx.path === '/admin') return ctx.redirect('/admin/');
    const file = ctx.path === '/admin/' ? '/index.html' : ctx.path.slice('/admin'.length);
    if (!FILES.has(file)) return next();
    ctx.set('Cache-Control', 'no-cache');
    await send(ctx, file, { root: ROOT });
  };
}
