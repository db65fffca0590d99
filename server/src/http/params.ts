/**
 * The one id-params schema: every `/:id` route takes a 24-hex-digit id and answers 400 otherwise.
 * Routes with a differently named parameter build theirs from the same `ObjectIdSchema`.
 */
import { ObjectIdSchema } from '@siyu/shared';
import { z } from 'zod';

export const IdParams = z.object({ id: ObjectIdSchema }).strict();
