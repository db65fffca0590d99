/**
 * The two upload endpoints read and write raw streams, which the data-declared routes (http/route.ts)
 * do not give handlers, so they are a small router of their own, mounted before the store router:
 *   POST /api/uploads          multipart, field `file`; member only; answers 201 { url }
 *   GET  /api/uploads/:name    the image, with its content type and `X-Content-Type-Options: nosniff`;
 *                              a private one (a review screenshot) only with a valid `?exp=&sig=` (403)
 */
import { createReadStream } from 'node:fs';
import Router from '@koa/router';
import busboy from 'busboy';
import type { Context } from 'koa';
import { AppError } from '../../http/errors';
import { consumeRateLimit } from '../../http/rate-limit';
import type { Authenticator } from '../../http/route';
import type { UploadsService } from './uploads.service';

/** Bodies declared beyond this are refused before reading; smaller oversize bodies are read and dropped. */
const HARD_LIMIT_BYTES = 8 * 1024 * 1024;

interface ReadFile {
  bytes: Buffer | null;
  tooLarge: boolean;
}

function readSingleFile(ctx: Context, maxBytes: number): Promise<ReadFile> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: ctx.req.headers, limits: { files: 1, fileSize: maxBytes, fields: 10, parts: 11 } });
    } catch {
      reject(new AppError('bad_request', 'upload_malformed', '上传内容格式有误'));
      return;
    }
    const result: ReadFile = { bytes: null, tooLarge: false };
    parser.on('file', (field, stream) => {
      if (field !== 'file' || result.bytes !== null) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      // The rest of an oversized file is read and discarded, so the client gets the 413 cleanly.
      stream.on('limit', () => {
        result.tooLarge = true;
      });
      stream.on('end', () => {
        result.bytes = result.tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks);
      });
    });
    parser.on('close', () => resolve(result));
    parser.on('error', () => reject(new AppError('bad_request', 'upload_malformed', '上传内容格式有误')));
    ctx.req.pipe(parser);
  });
}

export function uploadsRouter(uploads: UploadsService, authenticator: Authenticator): Router {
  const router = new Router({ prefix: '/api' });

  router.post('/uploads', async (ctx) => {
    const member = (await authenticator.member(ctx, true))!;
    await consumeRateLimit('upload-member', member.id, 30, 60);
    if (!ctx.is('multipart/form-data')) {
      throw new AppError(
        'unsupported_media_type',
        'upload_multipart_required',
        '请以 multipart/form-data 上传，字段名 file',
      );
    }
    if (Number(ctx.get('Content-Length') || 0) > HARD_LIMIT_BYTES) {
      ctx.set('Connection', 'close');
      throw new AppError('payload_too_large', 'upload_too_large', '图片不能超过 2 MB', {
        limitBytes: uploads.maxBytes,
      });
    }
    // busboy flags a file that reaches its limit, so it is given one byte more than we accept.
    const read = await readSingleFile(ctx, uploads.maxBytes + 1);
    if (read.tooLarge || (read.bytes?.length ?? 0) > uploads.maxBytes) {
      throw new AppError('payload_too_large', 'upload_too_large', '图片不能超过 2 MB', {
        limitBytes: uploads.maxBytes,
      });
    }
    if (!read.bytes || read.bytes.length === 0) {
      throw new AppError('bad_request', 'upload_file_missing', '请选择要上传的图片（字段名 file）');
    }
    ctx.status = 201;
    ctx.body = await uploads.save(member.id, read.bytes);
  });

  router.get('/uploads/:name', async (ctx) => {
    const query = ctx.query as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const found = await uploads.locate(ctx.params.name ?? '', { exp: text(query.exp), sig: text(query.sig) });
    if (!found) throw new AppError('not_found', 'upload_not_found', '图片不存在');
    ctx.type = found.contentType;
    ctx.length = found.size;
    ctx.set('X-Content-Type-Options', 'nosniff');
    // A private image may be kept only by the browser that was given the link, and only briefly.
    ctx.set('Cache-Control', found.public ? 'public, max-age=86400' : 'private, max-age=300');
    ctx.set('Content-Disposition', 'inline');
    ctx.body = createReadStream(found.file);
  });

  return router;
}
