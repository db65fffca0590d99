/**
 * One error type for the whole API. Services throw AppError with a type from the closed set, a stable
 * machine code and a message a shopper can read; the error middleware is the only place that maps a
 * type to an HTTP status.
 */
import { ERROR_TYPES, type ErrorType } from '@siyu/shared';

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_TYPES[type];
  }
}

export const notFound = (code: string, message: string) => new AppError('not_found', code, message);
export const conflict = (code: string, message: string, details?: unknown) =>
  new AppError('conflict', code, message, details);
export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError('bad_request', code, message, details);

/** MongoDB duplicate-key error (E11000), as raised by both mongod and FerretDB. */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
