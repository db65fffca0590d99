/**
 * Member image uploads (review screenshots, avatars). Only PNG, JPEG and WebP are kept, judged by their
 * magic bytes, never by the name or the declared type; at most 2 MB, at most 20 a day per member. Files
 * get random names (128 bits). A review screenshot (order details, names, addresses) is private: it is
 * served only through short-lived signed links (`?exp=&sig=`, HMAC) that the API hands to its member
 * and to support, which the mini-program's <Image> can load (it cannot send an Authorization header).
 * An avatar is shown to anyone. An upload that nothing uses is removed after a day.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { trustedOperators } from '../../db/connection';
import { AppError } from '../../http/errors';
import { consumeRateLimit } from '../../http/rate-limit';
import { Upload, type UploadDoc, type UploadUse } from './upload.model';

export const UPLOAD_MAX_BYTES = 2 * 1024 * 1024;
/** Uploads one member may make per day (Shanghai or not: a rolling fixed window of 24 h). */
export const UPLOAD_DAILY_QUOTA = 20;
/** Unused uploads older than this are removed by the housekeeping job. */
export const UNUSED_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a signed link to a private image works. */
export const SIGNED_URL_TTL_SECONDS = 10 * 60;
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
  /** Secret for the signed links (derived from the JWT secret by the app). */
  signingKey: string;
}

export function createUploadsService(options: UploadsServiceOptions) {
  const clock = options.clock ?? (() => new Date());
  const urlFor = (name: string) => `${options.publicUrl?.replace(/\/$/, '') ?? ''}/api/uploads/${name}`;
  const key = createHmac('sha256', options.signingKey).update('siyu-mall uploads v1').digest();
  const signatureFor = (name: string, exp: number) =>
    createHmac('sha256', key).update(`${name}:${exp}`).digest('base64url').slice(0, 32);

  /** The upload a URL names (`…/api/uploads/<name>`, any host, query ignored), or null. */
  function nameOf(url: string): string | null {
    let pathname: string;
    try {
      pathname = new URL(url, 'http://local').pathname;
    } catch {
      return null;
    }
    return UPLOAD_PATH.exec(pathname)?.[1] ?? null;
  }

  /** A link to `url` that works for `ttlSeconds` (the canonical URL for anything that is not ours). */
  function signedUrl(url: string, ttlSeconds = SIGNED_URL_TTL_SECONDS, now = clock()): string {
    const name = nameOf(url);
    if (!name) return url;
    // Rounded up to the minute, so a page that lists many images gets cacheable, stable links.
    const exp = Math.ceil((now.getTime() / 1000 + ttlSeconds) / 60) * 60;
    return `${urlFor(name)}?exp=${exp}&sig=${signatureFor(name, exp)}`;
  }

  function signatureValid(name: string, exp: string | undefined, sig: string | undefined, now: Date): boolean {
    if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return false;
    if (Number(exp) * 1000 <= now.getTime()) return false;
    const expected = Buffer.from(signatureFor(name, Number(exp)));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** Marks the member's own upload as used for `use` (once used as one thing, it stays that). */
  async function claim(memberId: string, url: string, use: UploadUse): Promise<string | null> {
    const name = nameOf(url);
    if (!name) return null;
    const claimed = await Upload.updateOne(
      { _id: name, member: memberId, $or: [{ usedAs: null }, { usedAs: use }] },
      { $set: { usedAs: use, usedAt: clock() } },
    );
    return claimed.matchedCount ? urlFor(name) : null;
  }

  return {
    maxBytes: UPLOAD_MAX_BYTES,

    /**
     * Stores an image for a member and answers a signed link to it (for the preview; sending it back in
     * a submission or as the avatar is how it gets used). 415 for anything that is not PNG/JPEG/WebP,
     * 429 `upload_quota_exceeded` past the daily quota (counted in the database, so on every instance).
     */
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
      try {
        await consumeRateLimit('upload-day', memberId, UPLOAD_DAILY_QUOTA, 86_400);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'rate_limited') throw error;
        throw new AppError(
          'rate_limited',
          'upload_quota_exceeded',
          `每天最多上传 ${UPLOAD_DAILY_QUOTA} 张图片，请明天再试`,
          { quota: UPLOAD_DAILY_QUOTA, ...(error.details as object) },
          error.headers,
        );
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
      return { url: signedUrl(urlFor(name)) };
    },

    signedUrl,

    /**
     * The file behind a served name, or null when there is none. A private image needs a valid, unexpired
     * signature (`private: true` tells the route how long it may be cached); without one: 403.
     */
    async locate(
      name: string,
      signature: { exp?: string | undefined; sig?: string | undefined } = {},
      now = clock(),
    ): Promise<{ file: string; contentType: string; size: number; public: boolean } | null> {
      const match = UPLOAD_NAME.exec(name);
      if (!match) return null;
      const upload = await Upload.findById(name).lean<UploadDoc>();
      if (!upload) return null;
      const isPublic = upload.usedAs === 'avatar';
      if (!isPublic && !signatureValid(name, signature.exp, signature.sig, now)) {
        throw new AppError('forbidden', 'upload_link_expired', '图片链接已失效，请刷新页面');
      }
      const file = path.join(options.dir, name);
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) return null;
      return { file, contentType: CONTENT_TYPES[match[1] as ImageExt], size: info.size, public: isPublic };
    },

    /** Uses the member's own upload as a review screenshot: its canonical URL, or null when it is not theirs. */
    claimReview: (memberId: string, url: string) => claim(memberId, url, 'review'),
    /** Uses the member's own upload as their avatar (from then on shown publicly), or null. */
    claimAvatar: (memberId: string, url: string) => claim(memberId, url, 'avatar'),

    /**
     * Removes uploads nobody used within a day: first the record (conditionally: still unused), which is
     * the decision, then the file. A crash between leaves a file no URL can reach (nothing serves a name
     * without its record).
     */
    async removeUnused(now = clock()): Promise<number> {
      const stale = await Upload.find(
        { usedAs: null, createdAt: trustedOperators({ $lt: new Date(now.getTime() - UNUSED_UPLOAD_TTL_MS) }) },
        { _id: 1 },
      )
        .limit(500)
        .lean<UploadDoc[]>();
      let removed = 0;
      for (const upload of stale) {
        const gone = await Upload.deleteOne({ _id: upload._id, usedAs: null });
        if (!gone.deletedCount) continue;
        await unlink(path.join(options.dir, upload._id)).catch(() => {});
        removed++;
      }
      return removed;
    },

    /** The canonical URL of `url` when it names one of this member's uploads, else null (no claim). */
    async ownedUrl(memberId: string, url: string): Promise<string | null> {
      const name = nameOf(url);
      if (!name) return null;
      const owned = await Upload.exists({ _id: name, member: memberId });
      return owned ? urlFor(name) : null;
    },
  };
}

export type UploadsService = ReturnType<typeof createUploadsService>;
