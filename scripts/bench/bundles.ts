/**
 * Benchmark 5b and the CI budget: the weapp main package (everything in miniapp/dist outside the
 * sub-package roots) must stay under 1 MB, the H5 storefront's initial JS (the scripts index.html loads)
 * under 200 KB gzipped. `--check` exits 1 when a budget is exceeded or a build is missing.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT } from '../../server/src/config';
import { mark, type Table } from './harness';

const WEAPP_DIR = path.join(REPO_ROOT, 'miniapp/dist');
const H5_DIR = path.join(REPO_ROOT, 'miniapp/dist-h5');
export const WEAPP_MAIN_BUDGET = 1024 * 1024;
export const H5_INITIAL_JS_BUDGET = 200 * 1024;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : Promise.resolve([path.join(dir, entry.name)]),
    ),
  );
  return nested.flat();
}

/** Bytes of the weapp main package: every file except those under a sub-package root from app.json. */
export async function weappMainBytes(): Promise<number> {
  const app = JSON.parse(await readFile(path.join(WEAPP_DIR, 'app.json'), 'utf8')) as {
    subPackages?: { root: string }[];
    subpackages?: { root: string }[];
  };
  const roots = [...(app.subPackages ?? []), ...(app.subpackages ?? [])].map((sub) =>
    path.join(WEAPP_DIR, sub.root.replace(/\/$/, '')),
  );
  let total = 0;
  for (const file of await filesUnder(WEAPP_DIR)) {
    if (file.endsWith('.map') || roots.some((root) => file.startsWith(`${root}${path.sep}`))) continue;
    total += (await stat(file)).size;
  }
  return total;
}

/** Gzipped bytes of the scripts index.html loads before the first page shows. */
export async function h5InitialJsGzipBytes(): Promise<{ bytes: number; files: number }> {
  const html = await readFile(path.join(H5_DIR, 'index.html'), 'utf8');
  const sources = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)]
    .map((match) => match[1]!)
    .filter((src) => !/^https?:/.test(src));
  let bytes = 0;
  for (const src of sources) bytes += gzipSync(await readFile(path.join(H5_DIR, src.replace(/^\//, '')))).length;
  return { bytes, files: sources.length };
}

export async function bundlesTable(): Promise<Table> {
  const kb = (bytes: number) => `${Math.round(bytes / 102.4) / 10} KB`;
  const rows: (string | number)[][] = [];
  try {
    const weapp = await weappMainBytes();
    rows.push(['weapp main package', kb(weapp), kb(WEAPP_MAIN_BUDGET), mark(weapp < WEAPP_MAIN_BUDGET)]);
  } catch {
    rows.push(['weapp main package', 'not built (npm run build:weapp)', kb(WEAPP_MAIN_BUDGET), 'missed']);
  }
  try {
    const h5 = await h5InitialJsGzipBytes();
    rows.push([
      `H5 initial JS, gzipped (${h5.files} files)`,
      kb(h5.bytes),
      kb(H5_INITIAL_JS_BUDGET),
      mark(h5.bytes < H5_INITIAL_JS_BUDGET),
    ]);
  } catch {
    rows.push(['H5 initial JS, gzipped', 'not built (npm run build:h5)', kb(H5_INITIAL_JS_BUDGET), 'missed']);
  }
  return { title: '5b. Storefront size budgets', columns: ['what', 'size', 'budget', 'budget'], rows };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const table = await bundlesTable();
  for (const row of table.rows) console.log(`${row[0]}: ${row[1]} (budget ${row[2]}): ${row[3]}`);
  if (process.argv.includes('--check') && table.rows.some((row) => row[3] !== 'met')) {
    console.error('storefront size budget exceeded (or a build is missing)');
    process.exit(1);
  }
}
