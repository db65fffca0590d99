/**
 * The two upload endpoints read and write raw streams: declared routes (validated, in OpenAPI) with a
 * `stream` handler that gets the Koa context (http/route.ts):
 *   POST /api/uploads          multipart, field `file`; member only; answers 201 { url }
 *   GET  /api/uploads/:name    the image, with its content type and `X-Content-Type-Options: nosniff`;
 *                              a private one (a review screenshot) only with a valid `?exp=&sig=` (403)
 */
import { createReadStream } from 'node:fs';
import busboy from 'busboy';
import type { Context } from 'koa';
import { z } from 'zod';
import { AppError } from '../../http/errors';
import { consumeRateLimit } from '../../http/rate-limit';
import { defineRoute } from '../../http/route';
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

export function uploadsRoutes(uploads: UploadsService) {
  const upload = defineRoute({
    method: 'post',
    path: '/uploads',
    summary: '上传图片（multipart/form-data，字段 file；按文件头识别 PNG/JPEG/WebP，≤ 2 MB）',
    tags: ['uploads'],
    auth: 'member',
    status: 201,
    requestContent: 'multipart/form-data',
    errors: { 413: '图片过大', 415: '不是 multipart/form-data', 429: '上传过于频繁或超出每日额度' },
    handler: async () => undefined,
    stream: async (ctx, { caller }) => {
      const member = caller.member!;
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
    },
  });

  const image = defineRoute({
    method: 'get',
    path: '/uploads/:name',
    summary: '图片文件（评价截图等私有图片需有效的 exp/sig 签名链接）',
    tags: ['uploads'],
    auth: 'public',
    params: z.object({ name: z.string().min(1).max(80) }).strict(),
    query: z.object({ exp: z.string().max(20).optional(), sig: z.string().max(200).optional() }),
    produces: ['image/png', 'image/jpeg', 'image/webp'],
    errors: { 403: '签名无效或已过期', 404: '图片不存在' },
    handler: async () => undefined,
    stream: async (ctx, { params, query }) => {
      const found = await uploads.locate(params.name, { exp: query.exp, sig: query.sig });
      if (!found) throw new AppError('not_found', 'upload_not_found', '图片不存在');
      ctx.type = found.contentType;
      ctx.length = found.size;
      ctx.set('X-Content-Type-Options', 'nosniff');
      // A private image may be kept only by the browser that was given the link, and only briefly.
      ctx.set('Cache-Control', found.public ? 'public, max-age=86400' : 'private, max-age=300');
      ctx.set('Content-Disposition', 'inline');
      ctx.body = createReadStream(found.file);
    },
  });

  return [upload, image];
}
