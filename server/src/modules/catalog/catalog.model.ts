import {
  type DescriptionBlock,
  MEMBER_PRICE_TIERS,
  PRODUCT_STATUSES,
  PRODUCT_VISIBILITIES,
  type ProductStatus,
  type ProductVisibility,
  type Spec,
  type TierCode,
} from '@siyu/shared';
import { model, Schema, type Types } from 'mongoose';

const categorySchema = new Schema(
  {
    name: { type: String, required: true },
    icon: { type: String, default: '' },
    sort: { type: Number, default: 0 },
    active: { type: Boolean, default: true },
    /** Set on rows the demo seed wrote, so a second seed finds them instead of adding more. */
    seedKey: { type: String, default: null },
  },
  { timestamps: true, collection: 'categories' },
);
categorySchema.index({ active: 1, sort: -1 });
categorySchema.index({ seedKey: 1 });

export interface CategoryDoc {
  _id: Types.ObjectId;
  name: string;
  icon: string;
  sort: number;
  active: boolean;
  seedKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export const Category = model('Category', categorySchema);

/**
 * A product: what is shown. What is bought (price, stock) lives on its SKUs, one document each, so a
 * stock change is a single-document conditional update. `minPrice`, `pointsMall` and `sales` are
 * denormalized from the SKUs for sorting and filtering the hottest read path without a join.
 */
const productSchema = new Schema(
  {
    title: { type: String, required: true },
    subtitle: { type: String, default: '' },
    categoryId: { type: Schema.Types.ObjectId, required: true },
    images: { type: [String], default: [] },
    description: { type: Schema.Types.Mixed, default: [] },
    status: { type: String, enum: PRODUCT_STATUSES, default: 'draft' },
    visibility: { type: String, enum: PRODUCT_VISIBILITIES, default: 'public' },
    minTier: { type: String, enum: [...MEMBER_PRICE_TIERS, null], default: null },
    teaser: { type: Boolean, default: false },
    tags: { type: [String], default: [] },
    /** Lowest list price over the active SKUs; null while the product has none (then it is not listed). */
    minPrice: { type: Number, default: null },
    /** Some active SKU is sold for points. */
    pointsMall: { type: Boolean, default: false },
    sales: { type: Number, default: 0 },
    deletedAt: { type: Date, default: null },
    sort: { type: Number, default: 0 },
    seedKey: { type: String, default: null },
  },
  { timestamps: true, collection: 'products' },
);
// Store lists filter on status + deletedAt and sort by one of these.
productSchema.index({ status: 1, deletedAt: 1, categoryId: 1, sort: -1 });
productSchema.index({ status: 1, deletedAt: 1, sales: -1 });
productSchema.index({ status: 1, deletedAt: 1, minPrice: 1 });
productSchema.index({ status: 1, deletedAt: 1, createdAt: -1 });
productSchema.index({ deletedAt: 1, updatedAt: -1 });
productSchema.index({ seedKey: 1 });

export interface ProductDoc {
  _id: Types.ObjectId;
  title: string;
  subtitle: string;
  categoryId: Types.ObjectId;
  images: string[];
  description: DescriptionBlock[];
  status: ProductStatus;
  visibility: ProductVisibility;
  minTier: TierCode | null;
  teaser: boolean;
  tags: string[];
  minPrice: number | null;
  pointsMall: boolean;
  sales: number;
  deletedAt: Date | null;
  sort: number;
  seedKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export const Product = model('Product', productSchema);

const specSchema = new Schema(
  { name: { type: String, required: true }, value: { type: String, required: true } },
  {
    _id: false,
  },
);

const skuSchema = new Schema(
  {
    product: { type: Schema.Types.ObjectId, required: true },
    specs: { type: [specSchema], default: [] },
    /** 'name=value|name=value': unique per product, so one product never has two SKUs of the same specs. */
    specsKey: { type: String, default: '' },
    price: { type: Number, required: true, min: 0 },
    memberPrices: {
      type: new Schema(Object.fromEntries(MEMBER_PRICE_TIERS.map((tier) => [tier, { type: Number, min: 0 }])), {
        _id: false,
      }),
      default: {},
    },
    /** Points per unit for points-mall SKUs; null for cash-only SKUs. */
    pointsPrice: { type: Number, default: null },
    stock: { type: Number, required: true, min: 0 },
    sold: { type: Number, default: 0 },
    /**
     * Orders whose units are taken from `stock` and could still come back (not shipped yet): the proof
     * that makes taking and giving back repeatable (see catalog/stock.ts). Bounded by open orders.
     */
    holders: { type: [String], default: [] },
    /** Most units one member may buy; 0 = no limit (enforced by orders). */
    limitPerMember: { type: Number, default: 0 },
    active: { type: Boolean, default: true },
    sort: { type: Number, default: 0 },
  },
  { timestamps: true, collection: 'skus' },
);
skuSchema.index({ product: 1, specsKey: 1 }, { unique: true });
skuSchema.index({ product: 1, active: 1, sort: 1 });

export interface SkuDoc {
  _id: Types.ObjectId;
  product: Types.ObjectId;
  specs: Spec[];
  specsKey: string;
  price: number;
  memberPrices: Partial<Record<TierCode, number | null>>;
  pointsPrice: number | null;
  stock: number;
  sold: number;
  limitPerMember: number;
  active: boolean;
  sort: number;
  createdAt: Date;
  updatedAt: Date;
}
export const Sku = model('Sku', skuSchema);

export function specsKeyOf(specs: readonly Spec[]): string {
  return specs.map((spec) => `${spec.name}=${spec.value}`).join('|');
}
