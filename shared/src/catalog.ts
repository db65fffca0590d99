/**
 * The catalog as the storefront sees it: categories, product cards, product detail with SKUs, and the
 * rules that decide who may see a product. Prices are integer fen, already computed by the server
 * with the one pricing function for the viewer's tier; the storefront only shows them.
 */
import { z } from 'zod';
import { FenSchema } from './money';
import { TIER_CODES, TIER_NAMES, type TierCode, TierCodeSchema, tierAtLeast } from './tiers';

export const PRODUCT_STATUSES = ['draft', 'on_sale', 'off_shelf'] as const;
export const ProductStatusSchema = z.enum(PRODUCT_STATUSES);
export type ProductStatus = z.infer<typeof ProductStatusSchema>;

/** public: everyone; members: any logged-in member; tier: members of `minTier` or above. */
export const PRODUCT_VISIBILITIES = ['public', 'members', 'tier'] as const;
export const ProductVisibilitySchema = z.enum(PRODUCT_VISIBILITIES);
export type ProductVisibility = z.infer<typeof ProductVisibilitySchema>;

/** Tiers a `tier` product can require (regular would be the same as `members`). */
export const MEMBER_PRICE_TIERS = ['silver', 'gold', 'black'] as const satisfies readonly TierCode[];
export const MemberPriceTierSchema = z.enum(MEMBER_PRICE_TIERS);
export type MemberPriceTier = z.infer<typeof MemberPriceTierSchema>;

export const PRODUCT_SORTS = ['default', 'sales', 'price_asc', 'price_desc', 'newest'] as const;
export const ProductSortSchema = z.enum(PRODUCT_SORTS);
export type ProductSort = z.infer<typeof ProductSortSchema>;

export const ObjectIdSchema = z.string().regex(/^[0-9a-f]{24}$/i, '不是有效的编号');

export const SpecSchema = z
  .object({ name: z.string().trim().min(1).max(12), value: z.string().trim().min(1).max(24) })
  .strict();
export type Spec = z.infer<typeof SpecSchema>;

/** '原味 / 500g' — how a SKU is named on cards, carts and orders. */
export function specsText(specs: readonly Spec[]): string {
  return specs.map((spec) => spec.value).join(' / ');
}

/** An https image, or a small inline raster/SVG image (data URI, base64). */
export const ImageUrlSchema = z
  .string()
  .max(200_000)
  .regex(
    /^(https:\/\/[^\s"'<>]+|\/api\/(uploads|media)\/(?!.*\.\.)[A-Za-z0-9._/-]+|data:image\/(png|jpeg|webp|gif|svg\+xml);base64,[A-Za-z0-9+/]+=*)$/,
    '图片地址无效',
  );

/**
 * Product description as structured blocks, never HTML: the storefront renders each block with its own
 * component, so there is nothing to sanitize and no markup can reach a shopper's screen.
 */
export const DescriptionBlockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('heading'), text: z.string().trim().min(1).max(60) }).strict(),
  z.object({ type: z.literal('paragraph'), text: z.string().trim().min(1).max(2000) }).strict(),
  z.object({ type: z.literal('image'), url: ImageUrlSchema }).strict(),
]);
export type DescriptionBlock = z.infer<typeof DescriptionBlockSchema>;

export const MemberPricesSchema = z
  .object({ silver: FenSchema.optional(), gold: FenSchema.optional(), black: FenSchema.optional() })
  .strict();
export type MemberPrices = z.infer<typeof MemberPricesSchema>;

/** The visibility fields a rule needs. */
export interface ProductAudience {
  visibility: ProductVisibility;
  minTier?: TierCode | null;
  teaser?: boolean | null;
}

/**
 * What a viewer may do with a product: `open` (see and buy), `locked` (a teaser shown to a member below
 * its tier: seen, not bought) or `hidden` (as if it did not exist). Anonymous viewers never see teasers.
 */
export function productAccess(viewerTier: TierCode | null, product: ProductAudience): 'open' | 'locked' | 'hidden' {
  if (product.visibility === 'public') return 'open';
  if (viewerTier === null) return 'hidden';
  if (product.visibility === 'members') return 'open';
  if (tierAtLeast(viewerTier, product.minTier ?? 'black')) return 'open';
  return product.teaser ? 'locked' : 'hidden';
}

/** '升级到金卡解锁' */
export function unlockText(tier: TierCode): string {
  return `升级到${TIER_NAMES[tier]}解锁`;
}

/** Tiers at or below `tier`, lowest first (the tiers whose member prices and products it reaches). */
export function tiersUpTo(tier: TierCode): TierCode[] {
  return TIER_CODES.filter((code) => tierAtLeast(tier, code));
}

// ---------- store API ----------

export const StoreCategorySchema = z.object({
  id: z.string(),
  name: z.string(),
  icon: z.string(),
  /** Products in this category this viewer can see (teasers included for members). */
  productCount: z.number().int(),
});
export type StoreCategory = z.infer<typeof StoreCategorySchema>;

export const StoreProductListQuerySchema = z
  .object({
    category: ObjectIdSchema.optional(),
    q: z.string().trim().max(40).optional(),
    sort: ProductSortSchema.default('default'),
    page: z.coerce.number().int().min(1).max(1000).default(1),
    pageSize: z.coerce.number().int().min(1).max(50).default(20),
    /** members: only member-exclusive products; points: only points-mall products. */
    zone: z.enum(['members', 'points']).optional(),
  })
  .strict();
export type StoreProductListQuery = z.input<typeof StoreProductListQuerySchema>;

/** The lowest member price of a SKU or product, and the tier that gets it: "金卡价 ¥58 起". */
export const MemberPriceFromSchema = z.object({ tier: TierCodeSchema, price: FenSchema }).nullable();

const productCommon = {
  id: z.string(),
  title: z.string(),
  subtitle: z.string(),
  image: z.string(),
  categoryId: z.string(),
  tags: z.array(z.string()),
  visibility: ProductVisibilitySchema,
  minTier: TierCodeSchema.nullable(),
  /** Lowest list price over the product's SKUs. */
  listPrice: FenSchema,
};

export const StoreOpenCardSchema = z.object({
  ...productCommon,
  locked: z.literal(false),
  /** What this viewer pays for the cheapest SKU. */
  price: FenSchema,
  memberPriceFrom: MemberPriceFromSchema,
  pointsPrice: z.number().int().nullable(),
  sales: z.number().int(),
  soldOut: z.boolean(),
});

/** A teaser for a member below its tier: no SKU, no stock, nothing that can be bought. */
export const StoreLockedCardSchema = z.object({
  ...productCommon,
  locked: z.literal(true),
  unlockTier: TierCodeSchema,
  unlockText: z.string(),
});

export const StoreProductCardSchema = z.discriminatedUnion('locked', [StoreOpenCardSchema, StoreLockedCardSchema]);
export type StoreProductCard = z.infer<typeof StoreProductCardSchema>;

export const StoreProductPageSchema = z.object({
  items: z.array(StoreProductCardSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type StoreProductPage = z.infer<typeof StoreProductPageSchema>;

export const StoreSkuSchema = z.object({
  id: z.string(),
  specs: z.array(SpecSchema),
  specsText: z.string(),
  /** What this viewer pays. */
  price: FenSchema,
  listPrice: FenSchema,
  /** The member price of the viewer's tier (or a lower tier), when the SKU has one; null otherwise. */
  memberPrice: FenSchema.nullable(),
  /** The lowest member price of any tier, shown as a teaser ("金卡价 ¥58"). */
  memberPriceFrom: MemberPriceFromSchema,
  stock: z.number().int(),
  limitPerMember: z.number().int(),
  pointsPrice: z.number().int().nullable(),
});
export type StoreSku = z.infer<typeof StoreSkuSchema>;

const productDetailCommon = {
  images: z.array(z.string()),
  description: z.array(DescriptionBlockSchema),
};

export const StoreProductDetailSchema = z.discriminatedUnion('locked', [
  StoreOpenCardSchema.extend({ ...productDetailCommon, skus: z.array(StoreSkuSchema) }),
  StoreLockedCardSchema.extend(productDetailCommon),
]);
export type StoreProductDetail = z.infer<typeof StoreProductDetailSchema>;
