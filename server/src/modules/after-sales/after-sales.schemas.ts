/** Request and response shapes of the after-sales routes (the store ones live in shared, for the storefront). */
import {
  AdminAfterSaleDecisionSchema,
  AdminAfterSaleListQuerySchema,
  AfterSaleEligibilitySchema,
  AfterSaleListQuerySchema,
  AfterSaleListSchema,
  AfterSaleViewSchema,
  ObjectIdSchema,
  StoreAfterSaleCreateSchema,
} from '@siyu/shared';
import { z } from 'zod';

export {
  AdminAfterSaleDecisionSchema,
  AdminAfterSaleListQuerySchema,
  AfterSaleEligibilitySchema,
  AfterSaleListQuerySchema,
  AfterSaleListSchema,
  AfterSaleViewSchema,
  StoreAfterSaleCreateSchema,
};

export const AfterSaleOrderParams = z.object({ orderId: ObjectIdSchema }).strict();

export const AdminAfterSaleViewSchema = AfterSaleViewSchema.extend({ memberId: z.string() });
export const AdminAfterSaleListSchema = AfterSaleListSchema.extend({ items: z.array(AdminAfterSaleViewSchema) });
