// Draws the tab bar icons (81×81 PNG, WeChat's recommended size) into src/assets/tab/.
// Run: node miniapp/scripts/draw-tab-icons.mjs — no image library needed: shapes are signed distances,
// antialiased by 4×4 supersampling, and the PNG is written with node:zlib.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 81;
const STROKE = 5;
const SAMPLES = 4;
const INK = [0xa3, 0x9d, 0x90]; // tab text colour (ink tertiary)
const PRIMARY = [0x1f, 0x3a, 0x2e]; // ink green
const GOLD = [0xb9, 0x8f, 0x4e];

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'assets', 'tab');

// ---- distances ----
function segment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

function polyline(points) {
  return (x, y) => {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < points.length - 1; i++) {
      const [ax, ay] = points[i];
      const [bx, by] = points[i + 1];
      best = Math.min(best, segment(x, y, ax, ay, bx, by));
    }
    return best;
  };
}

function roundedBox(x0, y0, x1, y1, r) {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const hx = (x1 - x0) / 2 - r;
  const hy = (y1 - y0) / 2 - r;
  return (x, y) => {
    const qx = Math.abs(x - cx) - hx;
    const qy = Math.abs(y - cy) - hy;
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
  };
}

function circle(cx, cy, r) {
  return (x, y) => Math.hypot(x - cx, y - cy) - r;
}

/** The upper half of a circle's rim (y above the centre), as an open arc. */
function upperArc(cx, cy, r) {
  return (x, y) => {
    if (y <= cy) return Math.abs(Math.hypot(x - cx, y - cy) - r);
    return Math.min(Math.hypot(x - (cx - r), y - cy), Math.hypot(x - (cx + r), y - cy));
  };
}

// A layer is [colourRole, coverage(x, y) → boolean]; later layers paint over earlier ones.
const stroke = (distance) => (x, y) => distance(x, y) <= STROKE / 2;
const outline = (sdf) => (x, y) => Math.abs(sdf(x, y)) <= STROKE / 2;
const fill = (sdf) => (x, y) => sdf(x, y) <= 0;

const ICONS = {
  home: (active) => [
    [
      'line',
      stroke(
        polyline([
          [12, 40],
          [40.5, 15],
          [69, 40],
        ]),
      ),
    ],
    [
      'line',
      stroke(
        polyline([
          [21, 35],
          [21, 66],
          [60, 66],
          [60, 35],
        ]),
      ),
    ],
    active
      ? ['accent', fill(roundedBox(33, 48, 48, 66, 3))]
      : [
          'line',
          stroke(
            polyline([
              [34, 66],
              [34, 50],
              [47, 50],
              [47, 66],
            ]),
          ),
        ],
  ],
  category: (active) => [
    ['line', outline(roundedBox(15, 15, 37, 37, 6))],
    active ? ['accent', fill(roundedBox(44, 15, 66, 37, 6))] : ['line', outline(roundedBox(44, 15, 66, 37, 6))],
    ['line', outline(roundedBox(15, 44, 37, 66, 6))],
    ['line', outline(roundedBox(44, 44, 66, 66, 6))],
  ],
  cart: (active) => [
    ['line', outline(roundedBox(16, 29, 65, 68, 7))],
    [active ? 'accent' : 'line', stroke(upperArc(40.5, 30, 11))],
    ...(active ? [['accent', fill(circle(40.5, 46, 4))]] : []),
  ],
  me: (active) => [
    active ? ['accent', fill(circle(40.5, 28, 13))] : ['line', outline(circle(40.5, 28, 11))],
    ['line', stroke(upperArc(40.5, 72, 25))],
  ],
};

function render(layers, colours) {
  const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
  for (let y = 0; y < SIZE; y++) {
    raw[y * (SIZE * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
      const sums = [0, 0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const px = x + (sx + 0.5) / SAMPLES;
          const py = y + (sy + 0.5) / SAMPLES;
          let hit = null;
          for (const [role, covers] of layers) if (covers(px, py)) hit = colours[role];
          if (hit) {
            sums[0] += hit[0];
            sums[1] += hit[1];
            sums[2] += hit[2];
            sums[3] += 1;
          }
        }
      }
      const offset = y * (SIZE * 4 + 1) + 1 + x * 4;
      const count = sums[3];
      raw[offset] = count ? Math.round(sums[0] / count) : 0;
      raw[offset + 1] = count ? Math.round(sums[1] / count) : 0;
      raw[offset + 2] = count ? Math.round(sums[2] / count) : 0;
      raw[offset + 3] = Math.round((255 * count) / (SAMPLES * SAMPLES));
    }
  }
  return raw;
}

// ---- PNG ----
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, body) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

function png(raw) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(outDir, { recursive: true });
for (const [name, draw] of Object.entries(ICONS)) {
  const idle = png(render(draw(false), { line: INK, accent: INK }));
  const active = png(render(draw(true), { line: PRIMARY, accent: GOLD }));
  writeFileSync(join(outDir, `${name}.png`), idle);
  writeFileSync(join(outDir, `${name}-active.png`), active);
  console.log(`${name}: ${idle.length} B, active ${active.length} B`);
}
