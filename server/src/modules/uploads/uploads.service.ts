/**
 * Member image uploads (review screenshots). Only PNG, JPEG and WebP are kept, judged by their magic
 * bytes, never by the name or the declared type; at most 2 MB. Files get random names (128 bits) and
 * are served back by that name, so a URL is the capability to see the image (the mini-program's
 * <Image> cannot send an Authorization header).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../http/errors';
import { Upload } from './upload.model';

export const UPLOAD_MAX_BYTES = 2 * 1024 * 1024;
export const UPLOAD_NAME = /^[0-9a-f]{32}\.(png|jpg|webp)$/;
const UPLOAD_PATH = /\/api\/uploads\/([0-9a-f]{32}\.(?:png|jpg|webp))$/;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CONTENT_TYPES = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' } as const;
type ImageExt = keyof typeof CONTENT_TYPES;

/** The image type of a file by its first bytes, or null when it is not one we accept. */
export function sniffImage(bytes: Buffer): ImageExt | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (
    bytes.length >= 12 &&
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  ) {
    return 'webp';
  }
  return null;
}

export interface UploadsServiceOptions {
  /** Absolute directory, DATA_DIR/uploads. */
  dir: string;
  /** When set, answered URLs are absolute (`<publicUrl>/api/uploads/<name>`). */
  publicUrl?: string;
  clock?: () => Date;
}

export function createUploadsService(options: UploadsServiceOptions) {
  const clock = options.clock ?? (() => new Date());
  const urlFor = (name: string) => `${options.publicUrl?.replace(/\/$/, '') ?? ''}/api/uploads/${name}`;

  return {
    maxBytes: UPLOAD_MAX_BYTES,

    /** Stores an image for a member and answers its URL. 415 for anything that is not PNG/JPEG/WebP. */
    async save(memberId: string, bytes: Buffer): Promise<{ url: string }> {
      if (bytes.length > UPLOAD_MAX_BYTES) {
        throw new AppError('payload_too_large', 'upload_too_large', '图片不能超过 2 MB', {
          limitBytes: UPLOAD_MAX_BYTES,
        });
      }
      const ext = sniffImage(bytes);
      if (!ext) {
        throw new AppError('unsupported_media_type', 'upload_not_image', '仅支持 PNG、JPEG、WebP 图片');
      }
      const name = `${randomBytes(16).toString('hex')}.${ext}`;
      await mkdir(options.dir, { recursive: true });
      // Written under a temporary name and renamed, so a half-written file is never served.
      const partial = path.join(options.dir, `${name}.part`);
      await writeFile(partial, bytes, { flag: 'wx' });
      await rename(partial, path.join(options.dir, name));
      await Upload.create({
        _id: name,
        member: memberId,
        contentType: CONTENT_TYPES[ext],
        size: bytes.length,
        createdAt: clock(),
      });
      return { url: urlFor(name) };
    },

    /** The file behind a served name, or null. */
    async locate(name: string): Promise<{ file: string; contentType: string; size: number } | null> {
      const match = UPLOAD_NAME.exec(name);
      if (!match) return null;
      const file = path.join(options.dir, name);
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) return null;
      return { file, contentType: CONTENT_TYPES[match[1] as ImageExt], size: info.size };
    },

    /** The canonical URL of `url` when it names one of this member's uploads, else null. */
    async ownedUrl(memberId: string, url: string): Promise<string | null> {
      let pathname = url;
      try {
        pathname = new URL(url, 'http://local').pathname;
      } catch {
        return null;
      }
      const match = UPLOAD_PATH.exec(pathname);
      if (!match) return null;
      const owned = await Upload.exists({ _id: match[1]!, member: memberId });
      return owned ? urlFor(match[1]!) : null;
    },
  };
}

export type UploadsService = ReturnType<typeof createUploadsService>;
