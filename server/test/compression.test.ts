/**
 * What goes over the wire: API JSON and storefront files are compressed as the client accepts
 * (brotli, else gzip, else as they are), hashed build assets are cached for a year and index.html is
 * revalidated, and seeded pictures are static files, never data URIs inside catalog documents.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCategory, createProduct } from '../src/modules/catalog/__tests__/fixtures';
import { seedCatalog, seedMedia } from '../src/seed/catalog';
import { startTestMall, type TestMall } from './harness';

let mall: TestMall;
let storefrontDir: string;
const bundle = `console.log(${JSON.stringify('山茶集 '.repeat(800))});\n`;

beforeAll(async () => {
  storefrontDir = await mkdtemp(path.join(os.tmpdir(), 'siyu-h5-'));
  await mkdir(path.join(storefrontDir, 'js'));
  await writeFile(path.join(storefrontDir, 'index.html'), `<!doctype html><script src="/js/app.1a2b3c4d.js"></script>`);
  await writeFile(path.join(storefrontDir, 'js/app.1a2b3c4d.js'), bundle);
  mall = await startTestMall({ SERVE_STOREFRONT: 'true', STOREFRONT_DIR: storefrontDir });
  await seedCatalog(); // the demo catalog, before any product of our own (it never touches a shop's own)
  const category = await createCategory(mall, '压缩测试');
  for (let i = 0; i < 12; i++) {
    await createProduct(mall, {
      title: `压缩测试 第${i}款`,
      subtitle: '一段足够长的副标题'.repeat(3),
      categoryId: category.id,
    });
  }
});

afterAll(async () => {
  await rm(storefrontDir, { recursive: true, force: true });
});

function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

describe('compression', () => {
  it('answers API JSON in brotli when the client accepts it, gzip when it accepts only gzip, and plain otherwise', async () => {
    const plain = await get(`${mall.baseUrl}/api/products?pageSize=12`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const page = JSON.parse(plain.body.toString('utf8'));
    expect(page.items).toHaveLength(12);

    const br = await get(`${mall.baseUrl}/api/products?pageSize=12`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(JSON.parse(zlib.brotliDecompressSync(br.body).toString('utf8'))).toEqual(page);
    expect(br.body.length).toBeLessThan(plain.body.length / 2);

    const gzip = await get(`${mall.baseUrl}/api/products?pageSize=12`, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(zlib.gunzipSync(gzip.body).toString('utf8'))).toEqual(page);
  });

  it('leaves tiny answers alone: below 1 KB compression costs more than it saves', async () => {
    const health = await get(`${mall.baseUrl}/api/health`, { 'accept-encoding': 'br, gzip' });
    expect(health.status).toBe(200);
    expect(health.headers['content-encoding']).toBeUndefined();
  });

  it('compresses storefront files too; a hashed asset is cached for a year, index.html is revalidated', async () => {
    const asset = await get(`${mall.baseUrl}/js/app.1a2b3c4d.js`, { 'accept-encoding': 'gzip' });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(asset.body).toString('utf8')).toBe(bundle);
    expect(asset.headers['cache-control']).toMatch(/max-age=31536000/);
    expect(asset.headers['cache-control']).toMatch(/immutable/);

    const index = await get(`${mall.baseUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers['cache-control']).toBe('no-cache');
    const route = await get(`${mall.baseUrl}/pages/home/index`);
    expect(route.body.toString('utf8')).toContain('app.1a2b3c4d.js');
  });
});

describe('seeded pictures', () => {
  it('are static files the server answers with a year of caching, and catalog documents only name them', async () => {
    const list = await mall.api('GET', '/api/products?pageSize=50');
    const images: string[] = list.body.items.map((item: { image: string }) => item.image);
    const seeded = images.filter((image) => image.startsWith('/api/media/seed/'));
    expect(seeded.length).toBeGreaterThan(5);
    expect(images.some((image) => image.startsWith('data:'))).toBe(false);
    const categories = await mall.api('GET', '/api/categories');
    expect(categories.body.some((category: { icon: string }) => category.icon.startsWith('data:'))).toBe(false);

    const picture = await get(`${mall.baseUrl}${seeded[0]}`, { 'accept-encoding': 'gzip' });
    expect(picture.status).toBe(200);
    expect(picture.headers['content-type']).toBe('image/svg+xml');
    expect(picture.headers['content-encoding']).toBe('gzip');
    expect(picture.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(zlib.gunzipSync(picture.body).toString('utf8')).toContain('<svg');
    const again = await get(`${mall.baseUrl}${seeded[0]}`, { 'if-none-match': String(picture.headers.etag) });
    expect(again.status).toBe(304);

    // Known after a restart too: the names come from the seed's content, not from having seeded.
    expect(seedMedia().has(seeded[0]!.slice('/api/media/seed/'.length))).toBe(true);
    expect((await get(`${mall.baseUrl}/api/media/seed/0000000000000000.svg`)).status).toBe(404);
  });
});
