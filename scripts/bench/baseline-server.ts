/**
 * The two baselines the catalog benchmark runs beside the mall, as their own process:
 *   BASELINE=driver  bare node:http + the MongoDB driver doing the mall's uncached queries for a list
 *                    page (find + sort + limit, count, the page's SKUs) and a product page (product, SKUs)
 *   BASELINE=memory  bare node:http sending the mall's own response bytes from memory: this machine's limit
 * It prints `ready <port>` once it listens.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import {
  CARD_FIELDS,
  DETAIL_FIELDS,
  SKU_FIELDS,
  SORTS,
  storeBase,
  visibleTo,
} from '../../server/src/modules/catalog/catalog-views';

const mode = process.env.BASELINE;
const productId = process.env.PRODUCT_ID ?? '';

async function driverHandler() {
  const client = new mongoose.mongo.MongoClient(process.env.URI!, { directConnection: true, maxPoolSize: 100 });
  await client.connect();
  const db = client.db(process.env.DB_NAME);
  const products = db.collection('products');
  const skus = db.collection('skus');
  const filter = { ...storeBase(), $and: [visibleTo(undefined)] };
  return async (url: string): Promise<string> => {
    if (url.startsWith('/list')) {
      const [page, total] = await Promise.all([
        products.find(filter, { projection: CARD_FIELDS }).sort(SORTS.default).limit(20).toArray(),
        products.countDocuments(filter),
      ]);
      const pageSkus = await skus
        .find({ product: { $in: page.map((product) => product._id) }, active: true }, { projection: SKU_FIELDS })
        .sort({ sort: 1, _id: 1 })
        .toArray();
      return JSON.stringify({ items: page, skus: pageSkus, total, page: 1, pageSize: 20 });
    }
    const id = new mongoose.Types.ObjectId(productId);
    const product = await products.findOne({ ...storeBase(), _id: id }, { projection: DETAIL_FIELDS });
    const productSkus = await skus
      .find({ product: id, active: true }, { projection: SKU_FIELDS })
      .sort({ sort: 1, _id: 1 })
      .toArray();
    return JSON.stringify({ ...product, skus: productSkus });
  };
}

async function memoryHandler() {
  const list = await readFile(process.env.LIST_BODY!);
  const detail = await readFile(process.env.DETAIL_BODY!);
  return async (url: string) => (url.startsWith('/list') ? list : detail);
}

const handle = mode === 'driver' ? await driverHandler() : await memoryHandler();
const server = http.createServer((request, response) => {
  handle(request.url ?? '/').then(
    (body) => {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(body);
    },
    (error: Error) => {
      response.writeHead(500);
      response.end(error.message);
    },
  );
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
