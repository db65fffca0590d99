/**
 * The demo catalog: a tea shop of 22 products in 5 categories, with member prices, private products
 * (members-only, gold-only, a gold teaser), a nearly sold-out SKU and two points-mall items.
 *
 * Idempotent: every row has an id derived from a stable key and is written with `$setOnInsert`, so a
 * second run (or a run finishing an interrupted one) changes nothing. It only seeds a catalog that has
 * no products of its own: once an operator has created a product, the seed leaves the catalog alone.
 */
import { createHash } from 'node:crypto';
import type { DescriptionBlock, MemberPrices, ProductVisibility, Spec, TierCode } from '@siyu/shared';
import { Types } from 'mongoose';
import { Category, Product, Sku, specsKeyOf } from '../modules/catalog/catalog.model';

interface SeedSku {
  specs: Spec[];
  price: number;
  stock: number;
  memberPrices?: MemberPrices;
  pointsPrice?: number;
  limitPerMember?: number;
}

interface SeedProduct {
  key: string;
  title: string;
  subtitle: string;
  category: string;
  tags: string[];
  skus: SeedSku[];
  visibility?: ProductVisibility;
  minTier?: TierCode;
  teaser?: boolean;
  sales?: number;
  story: string;
}

interface Palette {
  ground: string;
  ink: string;
}

const CATEGORIES: { key: string; name: string; mark: string; palette: Palette }[] = [
  { key: 'green', name: '名优绿茶', mark: '绿', palette: { ground: '#e6eedb', ink: '#47663a' } },
  { key: 'oolong', name: '乌龙岩茶', mark: '岩', palette: { ground: '#f0e4d4', ink: '#7a4b2a' } },
  { key: 'black', name: '红茶', mark: '红', palette: { ground: '#f5e1d9', ink: '#93392b' } },
  { key: 'herbal', name: '花草茶', mark: '花', palette: { ground: '#f6e4ea', ink: '#a2566f' } },
  { key: 'teaware', name: '茶器周边', mark: '器', palette: { ground: '#e2e8ec', ink: '#3e5566' } },
];

const size = (value: string): Spec => ({ name: '规格', value });
const flavor = (value: string): Spec => ({ name: '口味', value });
const color = (value: string): Spec => ({ name: '颜色', value });

const PRODUCTS: SeedProduct[] = [
  // 名优绿茶
  {
    key: 'longjing',
    title: '西湖龙井 · 明前特级',
    subtitle: '狮峰山核心产区，豆香清雅',
    category: 'green',
    tags: ['绿茶', '明前', '西湖龙井'],
    sales: 326,
    story: '清明前采摘一芽一叶，手工青锅、辉锅，扁平光滑，色泽嫩绿。',
    skus: [
      { specs: [size('50g')], price: 12800, stock: 120, memberPrices: { silver: 12200, gold: 11500, black: 10800 } },
      { specs: [size('100g')], price: 23800, stock: 80, memberPrices: { silver: 22600, gold: 21400, black: 19800 } },
      { specs: [size('250g 礼盒')], price: 58800, stock: 30, memberPrices: { gold: 52800, black: 49800 } },
    ],
  },
  {
    key: 'biluochun',
    title: '洞庭碧螺春',
    subtitle: '卷曲如螺，花果香',
    category: 'green',
    tags: ['绿茶', '碧螺春'],
    sales: 188,
    story: '产自太湖洞庭东山，茶果间作，天然花果香。',
    skus: [
      { specs: [size('50g')], price: 9800, stock: 90 },
      { specs: [size('100g')], price: 18800, stock: 60, memberPrices: { silver: 17800, gold: 16800 } },
    ],
  },
  {
    key: 'maofeng',
    title: '黄山毛峰',
    subtitle: '形似雀舌，清香高长',
    category: 'green',
    tags: ['绿茶', '口粮茶'],
    sales: 412,
    story: '黄山高山云雾茶园，白毫显露，汤色清碧。',
    skus: [
      { specs: [size('100g')], price: 6800, stock: 200 },
      { specs: [size('200g 罐装')], price: 12800, stock: 100 },
    ],
  },
  {
    key: 'anji',
    title: '安吉白茶 · 会员专享',
    subtitle: '氨基酸含量高，鲜爽回甘',
    category: 'green',
    tags: ['绿茶', '会员专享'],
    visibility: 'members',
    sales: 96,
    story: '白叶一号，春季低温白化期采摘，仅向会员供应。',
    skus: [
      { specs: [size('50g')], price: 15800, stock: 40, memberPrices: { silver: 14800, gold: 14200, black: 13800 } },
    ],
  },
  {
    key: 'points-longjing',
    title: '积分兑换 · 龙井品鉴装',
    subtitle: '10g 体验装，积分免费兑',
    category: 'green',
    tags: ['积分兑换'],
    sales: 57,
    story: '两泡量的小罐装，适合初次品鉴。',
    skus: [{ specs: [size('10g')], price: 0, pointsPrice: 1500, stock: 200, limitPerMember: 2 }],
  },
  {
    // New members only (the coupons module flags its SKU): the first-order trial.
    key: 'trial-pack',
    title: '新人尝鲜装 · 9.9 元',
    subtitle: '龙井、岩茶、红茶各一泡，新会员首单专享',
    category: 'green',
    tags: ['新人专享'],
    sales: 312,
    story: '三款招牌茶各一泡的小样，给第一次来的你。每位新会员限购一份。',
    skus: [{ specs: [size('3 泡装')], price: 990, stock: 500, limitPerMember: 1 }],
  },
  // 乌龙岩茶
  {
    key: 'dahongpao',
    title: '武夷大红袍 · 传统炭焙',
    subtitle: '正岩产区，足火慢焙',
    category: 'oolong',
    tags: ['岩茶', '大红袍'],
    sales: 241,
    story: '传统龙眼木炭焙火，岩韵明显，耐泡七泡以上。',
    skus: [
      { specs: [size('125g')], price: 16800, stock: 70, memberPrices: { silver: 15800, gold: 14800, black: 13800 } },
      { specs: [size('250g 礼盒')], price: 32800, stock: 25, memberPrices: { gold: 29800, black: 27800 } },
    ],
  },
  {
    key: 'rougui',
    title: '牛栏坑肉桂 · 金卡私藏',
    subtitle: '三坑两涧核心，桂皮香霸气',
    category: 'oolong',
    tags: ['岩茶', '肉桂', '私藏'],
    visibility: 'tier',
    minTier: 'gold',
    sales: 38,
    story: '年产有限，仅向金卡及以上会员开放。',
    skus: [{ specs: [size('50g')], price: 36800, stock: 12, memberPrices: { black: 33800 }, limitPerMember: 2 }],
  },
  {
    key: 'shuixian',
    title: '老枞水仙 · 百年枞',
    subtitle: '枞味木质香，汤感醇厚',
    category: 'oolong',
    tags: ['岩茶', '水仙', '私藏'],
    visibility: 'tier',
    minTier: 'gold',
    teaser: true,
    sales: 21,
    story: '百年以上老茶树，苔藓满身，金卡会员专享。',
    skus: [{ specs: [size('100g')], price: 26800, stock: 15, memberPrices: { gold: 25800, black: 23800 } }],
  },
  {
    key: 'tieguanyin',
    title: '安溪铁观音',
    subtitle: '兰花香，观音韵',
    category: 'oolong',
    tags: ['乌龙', '铁观音'],
    sales: 175,
    story: '西坪镇原产地，清香型鲜爽，浓香型醇厚。',
    skus: [
      { specs: [flavor('清香型'), size('125g')], price: 8800, stock: 80, memberPrices: { silver: 8400 } },
      { specs: [flavor('浓香型'), size('125g')], price: 9200, stock: 60, memberPrices: { silver: 8800 } },
    ],
  },
  {
    key: 'dancong',
    title: '凤凰单丛 · 鸭屎香',
    subtitle: '银花香高扬，回甘生津',
    category: 'oolong',
    tags: ['乌龙', '单丛'],
    sales: 132,
    story: '潮州凤凰山乌岽村，名字朴素，香气惊艳。',
    skus: [
      { specs: [size('100g')], price: 12800, stock: 50 },
      // Nearly sold out: the storefront shows "仅剩 3 件".
      { specs: [size('200g 礼盒')], price: 25800, stock: 3 },
    ],
  },
  // 红茶
  {
    key: 'lapsang',
    title: '正山小种 · 桐木关',
    subtitle: '松烟桂圆香，暖胃醇和',
    category: 'black',
    tags: ['红茶', '正山小种'],
    sales: 268,
    story: '桐木关保护区内传统松木熏焙，世界红茶的鼻祖。',
    skus: [
      { specs: [size('100g')], price: 8800, stock: 100, memberPrices: { silver: 8400, gold: 7900 } },
      { specs: [size('200g')], price: 16800, stock: 60, memberPrices: { gold: 14900 } },
    ],
  },
  {
    key: 'keemun',
    title: '祁门红茶 · 香螺',
    subtitle: '祁门香，蜜糖甜',
    category: 'black',
    tags: ['红茶', '祁红'],
    sales: 154,
    story: '世界三大高香红茶之一，螺形紧结。',
    skus: [{ specs: [size('100g')], price: 7800, stock: 90 }],
  },
  {
    key: 'jinjunmei',
    title: '金骏眉 · 会员珍享',
    subtitle: '全芽头制作，花果蜜香',
    category: 'black',
    tags: ['红茶', '金骏眉', '会员专享'],
    visibility: 'members',
    sales: 73,
    story: '一斤金骏眉约需六万颗芽头，会员专供。',
    skus: [
      { specs: [size('50g')], price: 19800, stock: 30, memberPrices: { silver: 18800, gold: 17800, black: 16800 } },
      { specs: [size('100g')], price: 36800, stock: 15, memberPrices: { gold: 33800, black: 31800 } },
    ],
  },
  {
    key: 'dianhong',
    title: '滇红 · 古树金芽',
    subtitle: '金毫显露，甜润饱满',
    category: 'black',
    tags: ['红茶', '滇红', '口粮茶'],
    sales: 301,
    story: '临沧凤庆古茶园，大叶种金芽，性价比之选。',
    skus: [{ specs: [size('100g')], price: 6800, stock: 150 }],
  },
  // 花草茶
  {
    key: 'osmanthus',
    title: '桂花乌龙袋泡茶',
    subtitle: '窨制桂花，冷热皆宜',
    category: 'herbal',
    tags: ['花草茶', '袋泡'],
    sales: 520,
    story: '三窨一提，桂花香融入乌龙，办公室一杯刚好。',
    skus: [
      { specs: [flavor('原味'), size('10袋')], price: 3900, stock: 300 },
      { specs: [flavor('蜜桃'), size('10袋')], price: 4200, stock: 200 },
    ],
  },
  {
    key: 'rose',
    title: '平阴玫瑰花冠茶',
    subtitle: '重瓣大花冠，香气馥郁',
    category: 'herbal',
    tags: ['花草茶', '玫瑰'],
    sales: 208,
    story: '平阴重瓣红玫瑰，低温烘干，一杯一朵。',
    skus: [{ specs: [size('50g')], price: 4800, stock: 120 }],
  },
  {
    key: 'chrysanthemum',
    title: '菊花枸杞养生茶',
    subtitle: '胎菊 · 宁夏枸杞 · 决明子',
    category: 'herbal',
    tags: ['花草茶', '养生'],
    sales: 389,
    story: '熬夜加班后的一杯清润，独立三角包。',
    skus: [{ specs: [size('12袋')], price: 3600, stock: 250, memberPrices: { silver: 3400, gold: 3200, black: 2900 } }],
  },
  {
    key: 'peach-oolong',
    title: '白桃乌龙冷泡茶',
    subtitle: '冷水 4 小时，清甜不苦',
    category: 'herbal',
    tags: ['花草茶', '冷泡'],
    sales: 612,
    story: '夏日人气款，冷泡更显白桃清甜。',
    skus: [{ specs: [size('10袋')], price: 4500, stock: 180, memberPrices: { silver: 4200, gold: 3900 } }],
  },
  // 茶器周边
  {
    key: 'ru-cup',
    title: '汝窑开片品茗杯',
    subtitle: '养出冰裂纹，越用越润',
    category: 'teaware',
    tags: ['茶器', '品茗杯'],
    sales: 143,
    story: '天青与月白两色，手工拉坯，单杯礼盒装。',
    skus: [
      { specs: [color('天青')], price: 6800, stock: 60 },
      { specs: [color('月白')], price: 6800, stock: 45 },
    ],
  },
  {
    key: 'travel-set',
    title: '便携快客杯 · 一壶两杯',
    subtitle: '收纳包随行，出差露营好伴',
    category: 'teaware',
    tags: ['茶器', '旅行'],
    sales: 97,
    story: '高白瓷内胆，防烫硅胶外套。',
    skus: [{ specs: [], price: 12800, stock: 40, memberPrices: { gold: 11800, black: 10800 } }],
  },
  {
    key: 'bamboo-tray',
    title: '竹制储水茶盘',
    subtitle: '整竹拼接，抽屉式储水',
    category: 'teaware',
    tags: ['茶器', '茶盘'],
    sales: 52,
    story: '楠竹碳化处理，不易开裂。',
    skus: [{ specs: [size('小号 40cm')], price: 26800, stock: 20 }],
  },
  {
    key: 'points-tote',
    title: '积分兑换 · 茶人帆布袋',
    subtitle: '山茶集定制，积分免费兑',
    category: 'teaware',
    tags: ['积分兑换', '周边'],
    sales: 88,
    story: '加厚帆布，可装下两罐茶和一本书。',
    skus: [{ specs: [], price: 0, pointsPrice: 800, stock: 100, limitPerMember: 1 }],
  },
];

/** Written on insert only: an upsert that finds its row must not touch it, not even `updatedAt`. */
function timestamps() {
  const now = new Date();
  return { createdAt: now, updatedAt: now };
}

/** A stable ObjectId for a seed key, so a rerun upserts the same row. */
function seedId(key: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`siyu-seed:${key}`).digest('hex').slice(0, 24));
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * Seeded pictures are static files the server answers from memory (`/api/media/seed/<hash>.svg`,
 * cached for a year: the name changes when the picture does), never data URIs inside documents, which
 * made every list page carry the pictures of all its products.
 */
const SEED_MEDIA = new Map<string, string>();

function svgFile(svg: string): string {
  const name = `${createHash('sha256').update(svg).digest('hex').slice(0, 16)}.svg`;
  SEED_MEDIA.set(name, svg);
  return `/api/media/seed/${name}`;
}

/** Every seeded picture by file name, whether or not this process seeded (a restart serves them too). */
export function seedMedia(): ReadonlyMap<string, string> {
  if (SEED_MEDIA.size === 0) {
    for (const category of CATEGORIES) categoryIcon(category.mark, category.palette);
    for (const product of PRODUCTS) {
      const palette = CATEGORIES.find((category) => category.key === product.category)!.palette;
      productImage(product.title, palette, (product.visibility ?? 'public') !== 'public');
    }
  }
  return SEED_MEDIA;
}

/** A square product picture: the category colour, a steaming tea bowl and the product's name (gold frame for private ones). */
function productImage(title: string, palette: Palette, privateProduct: boolean): string {
  const [name = title, edition] = title.split(' · ');
  const accent = privateProduct ? '#b98f4e' : palette.ink;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" viewBox="0 0 600 600">
<rect width="600" height="600" fill="${palette.ground}"/>
<rect x="24" y="24" width="552" height="552" fill="none" stroke="${accent}" stroke-width="2" opacity="0.45"/>
<path d="M262 176 q14 -22 0 -44 t0 -44 M300 170 q14 -22 0 -44 t0 -44 M338 176 q14 -22 0 -44 t0 -44" stroke="${palette.ink}" stroke-width="4" fill="none" opacity="0.35" stroke-linecap="round"/>
<path d="M196 212 h208 q-8 112 -104 112 q-96 0 -104 -112 z" fill="${palette.ink}" opacity="0.88"/>
<ellipse cx="300" cy="336" rx="128" ry="14" fill="${palette.ink}" opacity="0.22"/>
<text x="300" y="450" text-anchor="middle" font-family="'PingFang SC','Noto Serif SC','Songti SC',serif" font-size="${name.length > 7 ? 40 : 48}" fill="${palette.ink}">${escapeXml(name)}</text>
${edition ? `<text x="300" y="505" text-anchor="middle" font-family="'PingFang SC','Noto Sans SC',sans-serif" font-size="28" fill="${accent}">${escapeXml(edition)}</text>` : ''}
<text x="560" y="570" text-anchor="end" font-family="serif" font-size="22" fill="${palette.ink}" opacity="0.6">山茶集</text>
</svg>`;
  return svgFile(svg);
}

function categoryIcon(mark: string, palette: Palette): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">
<circle cx="48" cy="48" r="46" fill="${palette.ground}"/>
<text x="48" y="62" text-anchor="middle" font-family="'PingFang SC','Noto Serif SC',serif" font-size="40" fill="${palette.ink}">${escapeXml(mark)}</text>
</svg>`;
  return svgFile(svg);
}

function description(product: SeedProduct, image: string): DescriptionBlock[] {
  return [
    { type: 'heading', text: '茶品故事' },
    { type: 'paragraph', text: product.story },
    { type: 'image', url: image },
    { type: 'heading', text: '冲泡建议' },
    {
      type: 'paragraph',
      text:
        product.category === 'teaware'
          ? '首次使用前以温水浸泡清洗，忌骤冷骤热。'
          : '茶水比约 1:50，水温 85–100℃，第一泡 10 秒出汤，之后每泡递增 5 秒。',
    },
  ];
}

/** Seeds the demo catalog; answers short lines for the start banner (empty when nothing was added). */
export async function seedCatalog(): Promise<string[]> {
  // A catalog of the shop's own (any product not written by this seed) is never touched.
  if (await Product.exists({ seedKey: null })) return [];

  let categoriesAdded = 0;
  let productsAdded = 0;
  let skusAdded = 0;
  const categoryIds = new Map<string, Types.ObjectId>();
  for (const [index, category] of CATEGORIES.entries()) {
    const id = seedId(`category:${category.key}`);
    categoryIds.set(category.key, id);
    const result = await Category.updateOne(
      { _id: id },
      {
        $setOnInsert: {
          ...timestamps(),
          name: category.name,
          icon: categoryIcon(category.mark, category.palette),
          sort: (CATEGORIES.length - index) * 10,
          active: true,
          seedKey: `category:${category.key}`,
        },
      },
      { upsert: true, timestamps: false },
    );
    categoriesAdded += result.upsertedCount;
  }

  for (const [index, product] of PRODUCTS.entries()) {
    const palette = CATEGORIES.find((category) => category.key === product.category)!.palette;
    const productId = seedId(`product:${product.key}`);
    // SKUs first, the product last: a product never shows without its SKUs.
    for (const [skuIndex, sku] of product.skus.entries()) {
      const result = await Sku.updateOne(
        { _id: seedId(`sku:${product.key}:${specsKeyOf(sku.specs)}`) },
        {
          $setOnInsert: {
            ...timestamps(),
            product: productId,
            specs: sku.specs,
            specsKey: specsKeyOf(sku.specs),
            price: sku.price,
            memberPrices: sku.memberPrices ?? {},
            pointsPrice: sku.pointsPrice ?? null,
            stock: sku.stock,
            // The product's demo sales are carried by its first SKU, so recountSales() agrees with them.
            sold: skuIndex === 0 ? (product.sales ?? 0) : 0,
            limitPerMember: sku.limitPerMember ?? 0,
            active: true,
            sort: skuIndex,
          },
        },
        { upsert: true, timestamps: false },
      );
      skusAdded += result.upsertedCount;
    }
    const image = productImage(product.title, palette, (product.visibility ?? 'public') !== 'public');
    const result = await Product.updateOne(
      { _id: productId },
      {
        $setOnInsert: {
          ...timestamps(),
          title: product.title,
          subtitle: product.subtitle,
          categoryId: categoryIds.get(product.category),
          images: [image],
          description: description(product, image),
          status: 'on_sale',
          visibility: product.visibility ?? 'public',
          minTier: product.visibility === 'tier' ? (product.minTier ?? 'gold') : null,
          teaser: product.teaser ?? false,
          tags: product.tags,
          minPrice: Math.min(...product.skus.map((sku) => sku.price)),
          pointsMall: product.skus.some((sku) => (sku.pointsPrice ?? 0) > 0),
          sales: product.sales ?? 0,
          deletedAt: null,
          sort: PRODUCTS.length - index,
          seedKey: `product:${product.key}`,
        },
      },
      { upsert: true, timestamps: false },
    );
    productsAdded += result.upsertedCount;
  }

  if (!categoriesAdded && !productsAdded && !skusAdded) return [];
  const privateCount = PRODUCTS.filter((product) => (product.visibility ?? 'public') !== 'public').length;
  const pointsCount = PRODUCTS.filter((product) => product.skus.some((sku) => sku.pointsPrice)).length;
  return [
    `${productsAdded} products (${skusAdded} SKUs) in ${CATEGORIES.length} tea categories`,
    `${privateCount} members-only (1 gold teaser: 老枞水仙)`,
    `${pointsCount} points-mall items`,
  ];
}
