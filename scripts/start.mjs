#!/usr/bin/env node
// `npm start`: builds the H5 storefront when it is missing or older than its sources, then starts the
// API (which brings up the embedded database, seeds demo data and serves the storefront at /).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const h5Index = path.join(root, 'miniapp/dist-h5/index.html');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const sources = [
  path.join(root, 'miniapp/src'),
  path.join(root, 'miniapp/config'),
  path.join(root, 'shared/src'),
].filter(existsSync);
const builtAt = existsSync(h5Index) ? statSync(h5Index).mtimeMs : 0;
if (process.env.SERVE_STOREFRONT !== 'false' && sources.some((dir) => newestMtime(dir) > builtAt)) {
  console.log(
    builtAt
      ? 'Storefront sources changed: rebuilding the H5 storefront…'
      : 'Building the H5 storefront (first start, about half a minute)…',
  );
  const started = Date.now();
  const build = spawnSync('npm', ['run', 'build:h5', '--silent'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) {
    console.error('The H5 build failed: see the errors above (`npm run build:h5` reproduces it).');
    process.exit(build.status ?? 1);
  }
  console.log(`H5 storefront built in ${Math.round((Date.now() - started) / 1000)} s.`);
}

const api = spawn(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'server/src/main.ts')], {
  cwd: root,
  stdio: 'inherit',
});
// Ctrl-C reaches the API too (same process group); wait for its graceful stop and exit as it does.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => api.kill(signal));
api.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
