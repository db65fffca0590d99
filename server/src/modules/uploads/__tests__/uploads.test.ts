import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { Upload } from '../upload.model';

let mall: TestMall;
let dataDir: string;

/** A minimal valid-looking PNG: signature + padding (only the magic bytes are judged). */
export function pngBytes(size = 64): Buffer {
  const bytes = Buffer.alloc(size, 7);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  return bytes;
}

async function upload(token: string | undefined, bytes: Buffer, filename = 'shot.png', type = 'image/png') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), filename);
  const response = await fetch(`${mall.baseUrl}/api/uploads`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'siyu-uploads-'));
  mall = await startTestMall({ DATA_DIR: dataDir });
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('POST /api/uploads', () => {
  it('keeps a PNG under a random name and serves it back with its type and nosniff', async () => {
    const member = await mall.loginMember();
    const bytes = pngBytes(256);
    const response = await upload(member.token, bytes);
    expect(response.status).toBe(201);
    // The answer is a signed link (the image is private until used as an avatar): good for the preview.
    expect(response.body.url).toMatch(/^\/api\/uploads\/[0-9a-f]{32}\.png\?exp=\d+&sig=[\w-]+$/);
    const name = response.body.url.split('?')[0].split('/').pop();
    expect(await Upload.findById(name).lean()).toMatchObject({ member: expect.anything(), contentType: 'image/png' });
    expect(await readdir(path.join(dataDir, 'uploads'))).toContain(name);

    const served = await fetch(`${mall.baseUrl}${response.body.url}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('judges JPEG and WebP by their magic bytes, whatever the file is called', async () => {
    const member = await mall.loginMember();
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60)]);
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBP'), Buffer.alloc(40)]);
    expect((await upload(member.token, jpeg, 'a.txt', 'text/plain')).body.url).toMatch(/\.jpg\?/);
    expect((await upload(member.token, webp, 'b.bin', 'application/octet-stream')).body.url).toMatch(/\.webp\?/);
  });

  it('refuses a file that is not an image even when named and typed as one (415)', async () => {
    const member = await mall.loginMember();
    const response = await upload(member.token, Buffer.from('<svg onload="alert(1)"></svg>'), 'evil.png', 'image/png');
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('upload_not_image');
  });

  it('refuses an image over 2 MB (413)', async () => {
    const member = await mall.loginMember();
    const response = await upload(member.token, pngBytes(2 * 1024 * 1024 + 1));
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('upload_too_large');
  });

  it('takes exactly 2 MB', async () => {
    const member = await mall.loginMember();
    expect((await upload(member.token, pngBytes(2 * 1024 * 1024))).status).toBe(201);
  });

  it('is for logged-in members only, and needs multipart with a file', async () => {
    expect((await upload(undefined, pngBytes())).status).toBe(401);
    const member = await mall.loginMember();
    const json = await mall.api('POST', '/api/uploads', { token: member.token, body: { file: 'x' } });
    expect(json.status).toBe(415);
    const form = new FormData();
    form.append('other', 'value');
    const noFile = await fetch(`${mall.baseUrl}/api/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${member.token}` },
      body: form,
    });
    expect(noFile.status).toBe(400);
  });

  it('serves only names it issued (no paths, no guesses)', async () => {
    expect((await mall.api('GET', '/api/uploads/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
    expect((await mall.api('GET', `/api/uploads/${'0'.repeat(32)}.png`)).status).toBe(404);
  });
});
