/** The member's address book: at most 20 addresses, exactly one of them the default. */
import { z } from 'zod';
import { MainlandMobileSchema } from './identity';
import { MobileInputSchema } from './phone';

export const ADDRESS_BOOK_LIMIT = 20;

const addressFields = {
  name: z.string().trim().min(1).max(20),
  phone: MainlandMobileSchema,
  province: z.string().trim().min(1).max(20),
  city: z.string().trim().min(1).max(20),
  district: z.string().trim().min(1).max(20),
  detail: z.string().trim().min(2).max(120),
};

/** Requests take the phone as pasted (+86, spaces, dashes) and store the bare number: the page's rule exactly. */
export const CreateAddressRequestSchema = z
  .object({ ...addressFields, phone: MobileInputSchema, isDefault: z.boolean().optional() })
  .strict();
export type CreateAddressRequest = z.infer<typeof CreateAddressRequestSchema>;

export const UpdateAddressRequestSchema = CreateAddressRequestSchema.partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, '至少修改一项');
export type UpdateAddressRequest = z.infer<typeof UpdateAddressRequestSchema>;

export const AddressViewSchema = z.object({
  id: z.string(),
  ...addressFields,
  isDefault: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AddressView = z.infer<typeof AddressViewSchema>;
