// The 300-megapixel fixture `bench/huge.mjs` (Node) and `bench/huge-browser.mjs` (Chromium) compress: a
// 20000 x 15000 RGB gradient with noise, made here as a PNG (about 397 MB, DEFLATE level 1).
import zlib from 'node:zlib';

export function hugePng(w = 20000, h = 15000) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  let state = 0x2545f491;
  for (let y = 0, i = 0; y < h; y++) {
    raw[i++] = 0;
    for (let x = 0; x < w; x++) {
      state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
      const n = (state >>> 0) & 7;
      raw[i++] = Math.floor((x * 240) / w) + n; raw[i++] = Math.floor((y * 240) / h) + (n >> 1); raw[i++] = Math.floor(((x + y) * 120) / (w + h)) + 60 + (n & 3);
    }
  }
  const idat = zlib.deflateSync(raw, { level: 1 });
  const crcTable = new Int32Array(256).map((_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c; });
  const crc = (b) => { let c = -1; for (const v of b) c = crcTable[(c ^ v) & 255] ^ (c >>> 8); return (c ^ -1) >>> 0; };
  const chunk = (type, data) => { const len = Buffer.alloc(4); len.writeUInt32BE(data.length); const td = Buffer.concat([Buffer.from(type), data]); const c = Buffer.alloc(4); c.writeUInt32BE(crc(td)); return Buffer.concat([len, td, c]); };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  for (let o = 0; o < idat.length; o += 1 << 20) parts.push(chunk('IDAT', idat.subarray(o, o + (1 << 20))));
  parts.push(chunk('IEND', Buffer.alloc(0)));
  return new Uint8Array(Buffer.concat(parts));
}
