import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config';

/**
 * The JWT secret: JWT_SECRET when set (required in production). In demo and development a random
 * secret is generated once and kept in DATA_DIR, so tokens survive a restart.
 */
export async function resolveJwtSecret(config: Config): Promise<{ secret: string; generated: boolean }> {
  if (config.JWT_SECRET) return { secret: config.JWT_SECRET, generated: false };
  const file = path.join(config.dataDir, 'secrets', 'jwt-secret');
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing.trim().length >= 43) return { secret: existing.trim(), generated: false };
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  await writeFile(file, secret, { mode: 0o600 });
  return { secret, generated: true };
}
