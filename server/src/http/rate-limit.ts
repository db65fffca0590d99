/**
 * Fixed-window rate limits counted in the database, so the limit holds across any number of API
 * instances. One upsert-$inc per hit; old windows are removed by the housekeeping job.
 */
import { model, Schema } from 'mongoose';
import { trustedOperators } from '../db/connection';
import { AppError, isDuplicateKey } from './errors';

const rateWindowSchema = new Schema(
  {
    _id: { type: String, required: true },
    count: { type: Number, default: 0 },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'rate_windows', versionKey: false },
);
rateWindowSchema.index({ expiresAt: 1 });
export const RateWindow = model('RateWindow', rateWindowSchema);

export async function consumeRateLimit(
  scope: string,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<void> {
  const now = Date.now();
  const windowStart = Math.floor(now / (windowSeconds * 1000)) * windowSeconds * 1000;
  const windowEnd = windowStart + windowSeconds * 1000;
  const id = `${scope}:${key}:${windowStart}`;
  let count = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const doc = await RateWindow.findOneAndUpdate(
        { _id: id },
        { $inc: { count: 1 }, $setOnInsert: { expiresAt: new Date(windowEnd) } },
        { upsert: true, new: true, lean: true },
      );
      count = doc?.count ?? 1;
      break;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  if (count > limit) {
    const retryAfter = Math.max(1, Math.ceil((windowEnd - now) / 1000));
    throw new AppError(
      'rate_limited',
      'rate_limited',
      `操作过于频繁，请 ${retryAfter} 秒后再试`,
      { retryAfterSeconds: retryAfter },
      {
        'Retry-After': String(retryAfter),
      },
    );
  }
}

export async function removeExpiredRateWindows(now = new Date()): Promise<number> {
  const result = await RateWindow.deleteMany({ expiresAt: trustedOperators({ $lt: now }) });
  return result.deletedCount;
}
