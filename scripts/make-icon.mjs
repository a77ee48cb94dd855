// Draws images/icon.png (128x128 RGBA): a green rounded square, the nginx colour, with a white
// padlock for TLS. Pure Node: pixels are computed here and encoded as PNG with node:zlib.
// Run: node scripts/make-icon.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const GREEN = [0, 150, 57, 255];
const WHITE = [255, 255, 255, 255];
const CLEAR = [0, 0, 0, 0];

/** Is (x, y) inside the rectangle [x0,x1]x[y0,y1] with corners rounded by radius r? */
function inRoundedRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function pixel(x, y) {
  // Sample the pixel centre.
  const px = x + 0.5, py = y + 0.5;
  if (!inRoundedRect(px, py, 4, 4, 124, 124, 22)) return CLEAR;
  // Padlock body with a keyhole.
  const keyhole = (px - 64) ** 2 + (py - 78) ** 2 <= 7 ** 2 || (Math.abs(px - 64) <= 3 && py >= 78 && py <= 94);
  if (inRoundedRect(px, py, 34, 58, 94, 106, 8)) return keyhole ? GREEN : WHITE;
  // Shackle: a ring 8 px thick, upper half only, whose legs reach the body.
  const d = Math.hypot(px - 64, py - 50);
  const onRing = d >= 16 && d <= 24;
  if (onRing && py <= 50) return WHITE;
  if (py > 50 && py < 60 && ((px >= 40 && px <= 48) || (px >= 80 && px <= 88))) return WHITE;
  return GREEN;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

// Each scanline: filter byte 0 (none), then RGBA pixels.
const raw = Buffer.alloc(SIZE * (1 + SIZE * 4));
for (let y = 0; y < SIZE; y++) {
  const row = y * (1 + SIZE * 4);
  for (let x = 0; x < SIZE; x++) Buffer.from(pixel(x, y)).copy(raw, row + 1 + x * 4);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // colour type RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync(new URL('../images/', import.meta.url), { recursive: true });
writeFileSync(new URL('../images/icon.png', import.meta.url), png);
console.log(`images/icon.png: ${png.length} bytes`);
