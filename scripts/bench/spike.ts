/**
 * Benchmark 2: a livestream spike. 1,000 members open one product page at once, then 300 of them
 * order its SKU (stock 100) at once. Reports page and order latency and rate, and checks in the
 * database that exactly 100 orders hold the SKU and its stock is 0.
 */
import { Types } from 'mongoose';
import {
  addressFor,
  adminToken,
  database,
  json,
  loginMembers,
  mark,
  measure,
  type RunningApi,
  type Table,
} from './harness';

const VIEWERS = 1000;
const BUYERS = 300;
const STOCK = 100;

export async function spikeBenchmark(api: RunningApi, uri: string): Promise<Table> {
  const admin = await adminToken(api.base);
  const categories = await json(api.base, 'GET', '/api/admin/categories', { token: admin });
  const product = await json(api.base, 'POST', '/api/admin/products', {
    token: admin,
    body: {
      title: '直播间限量 大红袍礼盒',
      categoryId: categories.body[0].id,
      status: 'on_sale',
      visibility: 'public',
      skus: [{ specs: [{ name: '规格', value: '直播专享' }], price: 19900, stock: STOCK }],
    },
  });
  if (product.status !== 201) throw new Error(`product: ${product.status} ${JSON.stringify(product.body)}`);
  const productId: string = product.body.id;
  const skuId: string = product.body.skus[0].id;

  const members = await loginMembers(api.base, 'live', VIEWERS);
  const addresses = new Array<string>(BUYERS);
  await measure(BUYERS, 20, async (i) => {
    addresses[i] = await addressFor(api.base, members[i]!.token);
    return true;
  });

  const pages = await measure(VIEWERS, VIEWERS, async (i) => {
    const response = await fetch(`${api.base}/api/products/${productId}`, {
      headers: { authorization: `Bearer ${members[i]!.token}` },
    });
    await response.arrayBuffer();
    return response.status === 200;
  });

  const statuses = new Map<number, number>();
  const orders = await measure(BUYERS, BUYERS, async (i) => {
    const response = await json(api.base, 'POST', '/api/orders', {
      token: members[i]!.token,
      headers: { 'idempotency-key': `live-spike-${i}` },
      body: { items: [{ skuId, qty: 1 }], addressId: addresses[i] },
    });
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    return response.status === 201 || response.status === 409;
  });

  const { db, close } = await database(uri, api.dbName);
  const held = await db.collection('orders').countDocuments({
    'items.skuId': { $in: [skuId, new Types.ObjectId(skuId)] },
    status: { $nin: ['failed', 'cancelled'] },
  });
  const stock = (await db.collection('skus').findOne({ _id: new Types.ObjectId(skuId) }))?.stock;
  await close();
  const created = statuses.get(201) ?? 0;
  const codes = [...statuses].map(([code, count]) => `${code}×${count}`).join(' ');
  return {
    title: `2. Livestream spike: ${VIEWERS} members open one product page, ${BUYERS} order a SKU with stock ${STOCK}`,
    columns: ['step', 'requests', 'rate /s', 'p50 ms', 'p99 ms', 'max ms', 'answers', 'check'],
    rows: [
      [
        'open the product page (member)',
        VIEWERS,
        pages.rate,
        pages.p50,
        pages.p99,
        pages.max,
        pages.failed ? `${pages.failed} failed` : 'all 200',
        '',
      ],
      [
        'POST /api/orders at once',
        BUYERS,
        orders.rate,
        orders.p50,
        orders.p99,
        orders.max,
        codes,
        `${held} orders hold the SKU, stock ${stock}: ${mark(held === STOCK && stock === 0 && created === STOCK)}`,
      ],
    ],
    notes: [`API RSS after the spike: ${await api.rssMb()} MB (goal < 300 MB)`],
  };
}
