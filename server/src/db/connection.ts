import { hasControlCharacters } from '@siyu/shared';
import mongoose from 'mongoose';
import { AppError } from '../http/errors';

// Operator objects in filters ({ $ne: null } where a value was expected) are neutralised, and
// unknown filter paths are dropped, so request data can never change the shape of a query.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

export async function connectDatabase(uri: string, dbName: string): Promise<typeof mongoose> {
  await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 5000, autoIndex: false });
  await ensureIndexes();
  return mongoose;
}

/** Models own their indexes; they are built before the first request so unique keys are enforced from the start. */
export async function ensureIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) {
    await model.createCollection().catch(() => {});
    await model.createIndexes();
  }
}

export async function databaseIsReachable(timeoutMs = 1000): Promise<boolean> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== 1 || !db) return false;
  try {
    await Promise.race([
      db.command({ ping: 1 }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), timeoutMs)),
    ]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Marks an operator object written by our own code as safe under `sanitizeFilter`:
 * `{ expiresAt: trustedOperators({ $lt: now }) }`. Request data is never passed through this.
 */
export const trustedOperators = <T extends object>(operators: T): T => mongoose.trusted(operators) as T;

/**
 * A case-insensitive "contains" pattern for search boxes: the text is matched literally, never as a regex.
 * Search text with control characters (a NUL, which BSON refuses inside a regex, and the rest of C0/C1)
 * is a 400, never a 500: nobody types them into a search box.
 */
export function containsPattern(text: string): RegExp {
  if (hasControlCharacters(text)) {
    throw new AppError('bad_request', 'invalid_search_text', '搜索内容含有无效字符', { field: 'q' });
  }
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}
