/**
 * Demo mode has no WeChat credentials, so it cannot ask for a real mini-program code: it draws a
 * placeholder PNG locally instead, a circle of modules derived from the scene (so each code's image
 * differs) around a blank centre, in the look of a 小程序码. It is not scannable and says so by
 * being obviously a placeholder; production always uses `wxacode.getUnlimited`.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A grayscale PNG of `size`×`size` pixels where `dark(x, y)` decides each pixel. */
export function grayscalePng(size: number, dark: (x: number, y: number) => boolean): Buffer {
  const raw = Buffer.alloc((size + 1) * size, 255);
  for (let y = 0; y < size; y++) {
    raw[y * (size + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) if (dark(x, y)) raw[y * (size + 1) + 1 + x] = 0;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grayscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function placeholderMiniProgramCode(scene: string, size = 280): Buffer {
  const bits = createHash('sha256').update(scene).digest();
  const centre = size / 2;
  const cells = 36;
  const cell = size / cells;
  return grayscalePng(size, (x, y) => {
    const dx = x - centre;
    const dy = y - centre;
    const r = Math.sqrt(dx * dx + dy * dy) / centre;
    if (r > 0.98) return false;
    if (r > 0.9) return r < 0.94; // outer ring
    if (r < 0.36) return r > 0.3 && r < 0.33; // the blank centre where WeChat puts the logo
    const cx = Math.floor(x / cell);
    const cy = Math.floor(y / cell);
    const index = (cx * 31 + cy * 17) % (bits.length * 8);
    return ((bits[index >> 3]! >> (index & 7)) & 1) === 1 && x % cell > 1 && y % cell > 1;
  });
}
