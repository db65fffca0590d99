/**
 * The one error shape every API failure has, and the closed set of error types the server maps to
 * HTTP statuses. Clients switch on `code` (stable, machine-readable) and show `message` (plain Chinese).
 */
import { z } from 'zod';

export const ERROR_TYPES = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;
export type ErrorType = keyof typeof ERROR_TYPES;

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
