/** Admin request and response shapes for the catalog (store shapes live in @siyu/shared). */
import {
  DescriptionBlockSchema,
  FenSchema,
  ImageUrlSchema,
  MemberPricesSchema,
  MemberPriceTierSchema,
  ObjectIdSchema,
  ProductStatusSchema,
  ProductVisibilitySchema,
  SpecSchema,
  TierCodeSchema,
} from '@siyu/shared';
import { z } from 'zod';
import { IdParams } from '../../http/params';

export const IdParamsSchema = IdParams;

export const AdminCategoryCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(20),
    icon: ImageUrlSchema.or(z.literal('')).optional(),
    sort: z.number().int().min(-100_000).max(100_000).optional(),
    active: z.boolean().optional(),
  })
  .strict();
export const AdminCategoryPatchSchema = AdminCategoryCreateSchema.partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, '至少修改一项');

export const AdminCategorySchema = z.object({
  id: z.string(),
  name: z.string(),
  icon: z.string(),
  sort: z.number().int(),
  active: z.boolean(),
  productCount: z.number().int(),
});

const specsList = z.array(SpecSchema).max(3);
const limitPerMember = z.number().int().min(0).max(999);
const pointsPrice = z.number().int().min(1).max(10_000_000);

export const AdminSkuCreateSchema = z
  .object({
    specs: specsList,
    price: FenSchema,
    stock: z.number().int().min(0).max(1_000_000),
    limitPerMember: limitPerMember.optional(),
    memberPrices: MemberPricesSchema.optional(),
    pointsPrice: pointsPrice.nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict();

/** Updating an existing SKU: stock is not here on purpose (it changes only through the audited adjustment). */
export const AdminSkuUpdateSchema = z
  .object({
    id: ObjectIdSchema,
    specs: specsList.optional(),
    price: FenSchema.optional(),
    limitPerMember: limitPerMember.optional(),
    /** Replaces the SKU's member prices; `{}` removes them. */
    memberPrices: MemberPricesSchema.optional(),
    pointsPrice: pointsPrice.nullable().optional(),
    /** false takes the SKU off sale (SKUs are never deleted: orders point at them). */
    active: z.boolean().optional(),
  })
  .strict();

const productFields = {
  title: z.string().trim().min(1).max(60),
  subtitle: z.string().trim().max(120).optional(),
  categoryId: ObjectIdSchema,
  images: z.array(ImageUrlSchema).max(9).optional(),
  description: z.array(DescriptionBlockSchema).max(60).optional(),
  status: ProductStatusSchema.default('draft'),
  visibility: ProductVisibilitySchema.default('public'),
  minTier: MemberPriceTierSchema.nullable().optional(),
  teaser: z.boolean().optional(),
  tags: z.array(z.string().trim().min(1).max(12)).max(10).optional(),
  sort: z.number().int().min(-100_000).max(100_000).optional(),
};

export const AdminProductCreateSchema = z
  .object({ ...productFields, skus: z.array(AdminSkuCreateSchema).min(1).max(50) })
  .strict();
export type AdminProductCreate = z.infer<typeof AdminProductCreateSchema>;

export const AdminProductPatchSchema = z
  .object({
    title: productFields.title.optional(),
    subtitle: productFields.subtitle,
    categoryId: ObjectIdSchema.optional(),
    images: productFields.images,
    description: productFields.description,
    status: ProductStatusSchema.optional(),
    visibility: ProductVisibilitySchema.optional(),
    minTier: productFields.minTier,
    teaser: z.boolean().optional(),
    tags: productFields.tags,
    sort: productFields.sort,
    /** Items with an `id` update that SKU; items without one add a SKU. */
    skus: z
      .array(z.union([AdminSkuUpdateSchema, AdminSkuCreateSchema]))
      .max(50)
      .optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, '至少修改一项');
export type AdminProductPatch = z.infer<typeof AdminProductPatchSchema>;

export const AdminProductListQuerySchema = z
  .object({
    status: ProductStatusSchema.optional(),
    category: ObjectIdSchema.optional(),
    q: z.string().trim().max(40).optional(),
    deleted: z.enum(['true', 'false']).optional(),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const AdminSkuSchema = z.object({
  id: z.string(),
  specs: z.array(SpecSchema),
  specsText: z.string(),
  price: FenSchema,
  memberPrices: MemberPricesSchema,
  pointsPrice: z.number().int().nullable(),
  stock: z.number().int(),
  sold: z.number().int(),
  limitPerMember: z.number().int(),
  active: z.boolean(),
});

export const AdminProductSchema = z.object({
  id: z.string(),
  title: z.string(),
  subtitle: z.string(),
  categoryId: z.string(),
  images: z.array(z.string()),
  description: z.array(DescriptionBlockSchema),
  status: ProductStatusSchema,
  visibility: ProductVisibilitySchema,
  minTier: TierCodeSchema.nullable(),
  teaser: z.boolean(),
  tags: z.array(z.string()),
  minPrice: FenSchema.nullable(),
  pointsMall: z.boolean(),
  sales: z.number().int(),
  sort: z.number().int(),
  deletedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  skus: z.array(AdminSkuSchema),
});
export type AdminProduct = z.infer<typeof AdminProductSchema>;

export const AdminProductRowSchema = AdminProductSchema.omit({ description: true, images: true, skus: true }).extend({
  image: z.string(),
  skuCount: z.number().int(),
  stock: z.number().int(),
});

export const AdminProductPageSchema = z.object({
  items: z.array(AdminProductRowSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const AdminStockAdjustSchema = z
  .object({
    delta: z
      .number()
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .refine((delta) => delta !== 0, '调整数量不能为 0'),
    reason: z.string().trim().min(2, '请填写调整原因').max(200),
  })
  .strict();

export const AdminStockAdjustResultSchema = z.object({
  skuId: z.string(),
  delta: z.number().int(),
  stock: z.number().int(),
  sold: z.number().int(),
});
