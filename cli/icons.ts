import { mkdir, writeFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';

/**
 * Draws the extension icon (a rounded square with an open book's underline mark) at every size the
 * Chrome Web Store and Firefox Add-ons ask for, as PNG files in public/icon/. Run: npm run icons.
 */
const SIZES = [16, 32, 48, 96, 128];

function crc32(buf: Uint8Array): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(size: number): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  const r = size * 0.22;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const o = y * (size * 4 + 1) + 1 + x * 4;
      const cx = Math.min(Math.max(x + 0.5, r), size - r);
      const cy = Math.min(Math.max(y + 0.5, r), size - r);
      const inside = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) <= r;
      if (!inside) continue;
      let rgb = [30, 58, 138]; // deep blue
      const u = x / size;
      const v = y / size;
      // three lines of "text", the middle one underlined in amber: a marked name
      const line = (top: number) => v >= top && v < top + 0.09 && u > 0.2 && u < 0.8;
      if (line(0.24) || line(0.44) || line(0.64)) rgb = [226, 232, 240];
      if (v >= 0.55 && v < 0.6 && u > 0.2 && u < 0.62) rgb = [245, 158, 11];
      raw.set([...rgb, 255], o);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array())]);
}

await mkdir(new URL('../public/icon/', import.meta.url), { recursive: true });
for (const s of SIZES) await writeFile(new URL(`../public/icon/${s}.png`, import.meta.url), png(s));
console.error(`wrote public/icon/{${SIZES.join(',')}}.png`);
