// A job in bands through the package's public API in Node (README, "Huge images, in bands"): a 3 MP PNG
// made here, with `limits.maxMemoryBytes` lowered below what the whole-image job needs but above what
// bands need, goes to lossless PNG (checked identical) and to baseline JPEG a band of rows at a time,
// without a SSIMULACRA2 score and with a note saying so; `limitOptions()` gives the limits' meta.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compress, decode, limitOptions, terminate } from '../../js/node.js';
import { photoLikePng } from '../e2e/support.mjs';

// 2000 x 1500: the whole-image jobs need about 170 MB by the core's estimate, bands about 130 MB.
const png = photoLikePng(2000, 1500);
const limits = { maxMemoryBytes: 140e6 };
const banded = (r) => r.notes.find((n) => n.startsWith('the image was compressed in bands of 256 rows'));

test.after(terminate);

test('limitOptions() lists the limits with their defaults', async () => {
  const meta = await limitOptions();
  assert.deepEqual(meta.map((o) => o.name), ['maxWidth', 'maxHeight', 'maxPixels', 'maxInputBytes', 'maxMemoryBytes']);
  assert.equal(meta.find((o) => o.name === 'maxPixels').default, 100_000_000);
  assert.ok(meta.every((o) => o.type === 'integer' && o.label && o.description));
});

test('a PNG over maxMemoryBytes goes to lossless PNG in bands, identical', async () => {
  const r = await compress(png, { format: 'png', effort: 'fast', limits });
  assert.match(banded(r) ?? '', /matches the input pixel for pixel; SSIMULACRA2 needs the whole image/);
  assert.equal(r.mimeType, 'image/png');
  assert.deepEqual([r.width, r.height], [2000, 1500]);
  assert.equal(r.mse, 0);
  assert.equal(r.psnr, Infinity);
  assert.equal(r.ssimulacra2, null);
  assert.equal(r.compressedBytes, r.data.length);
  const [a, b] = await Promise.all([decode(png), decode(r.data)]);
  assert.ok(Buffer.from(a.data).equals(Buffer.from(b.data)), 'the pixels are the same');
});

test('a PNG over maxMemoryBytes goes to baseline JPEG in bands, measured band by band', async () => {
  const r = await compress(png, { format: 'jpeg', quality: 80, limits });
  assert.match(banded(r) ?? '', /restart marker every \d+ rows/);
  assert.equal(r.mimeType, 'image/jpeg');
  assert.equal(r.ssimulacra2, null);
  assert.ok(r.psnr > 30 && r.psnr < 60, `PSNR ${r.psnr}`);
  const back = await decode(r.data);
  assert.deepEqual([back.width, back.height], [2000, 1500]);
  // The same job whole (default limits) has the same coefficients and, from the bands' first pass, the
  // same optimal Huffman tables: close PSNR, and the bytes but for the restart markers.
  assert.match(banded(r), /optimal Huffman tables/);
  const whole = await compress(png, { format: 'jpeg', quality: 80 });
  assert.equal(banded(whole), undefined);
  assert.ok(Number.isFinite(whole.ssimulacra2));
  assert.ok(Math.abs(whole.psnr - r.psnr) < 0.5, `whole ${whole.psnr} dB, bands ${r.psnr} dB`);
  assert.ok(r.data.length / whole.data.length - 1 < 0.005, `${r.data.length} bytes in bands, ${whole.data.length} whole`);
});

test('below what bands need, the job is refused with the figure', async () => {
  await assert.rejects(compress(png, { format: 'jpeg', limits: { maxMemoryBytes: 50e6 } }),
    (e) => e.name === 'LimitExceeded' && /in bands needs about \d+ MB/.test(e.message));
});

/** An uncompressed little-endian RGB TIFF in strips of 64 rows whose pixel at (x, y) is `pixel(x, y)`. */
function stripTiff(width, height, pixel) {
  const rows = 64;
  const strips = Math.ceil(height / rows);
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0, i = 0; y < height; y++) for (let x = 0; x < width; x++, i += 3) data.set(pixel(x, y), i);
  // Header, pixels, the bits and strip tables, then the directory.
  const tables = 8 + data.length;
  const offsets = tables + 6;
  const counts = offsets + 4 * strips;
  const ifd = counts + 4 * strips;
  const entries = [
    [256, 4, 1, width], [257, 4, 1, height], [258, 3, 3, tables], [259, 3, 1, 1], [262, 3, 1, 2],
    [273, 4, strips, offsets], [277, 3, 1, 3], [278, 4, 1, rows], [279, 4, strips, counts],
  ];
  const out = Buffer.alloc(ifd + 2 + 12 * entries.length + 4);
  out.write('II*\0', 0, 'latin1');
  out.writeUInt32LE(ifd, 4);
  data.copy(out, 8);
  for (let i = 0; i < 3; i++) out.writeUInt16LE(8, tables + 2 * i);
  for (let s = 0; s < strips; s++) {
    out.writeUInt32LE(8 + s * rows * width * 3, offsets + 4 * s);
    out.writeUInt32LE(Math.min(rows, height - s * rows) * width * 3, counts + 4 * s);
  }
  out.writeUInt16LE(entries.length, ifd);
  entries.forEach(([tag, type, count, value], i) => {
    const at = ifd + 2 + 12 * i;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(count, at + 4);
    if (type === 3 && count === 1) out.writeUInt16LE(value, at + 8);
    else out.writeUInt32LE(value, at + 8);
  });
  return out;
}

test('a TIFF over maxMemoryBytes goes to PNG and JPEG in bands (full module)', async () => {
  const [w, h] = [2000, 1500];
  const tiff = stripTiff(w, h, (x, y) => [(x * 255 / w) | 0, (y * 255 / h) | 0, ((x ^ y) & 63) + 96]);
  // The TIFF is 9 MB uncompressed, held beside the job: bands need about 136 MB, the whole JPEG job
  // fits in 155 MB.
  const room = { maxMemoryBytes: 145e6 };
  const png = await compress(tiff, { format: 'png', effort: 'fast', limits: room });
  assert.match(banded(png) ?? '', /matches the input pixel for pixel/);
  assert.equal(png.mse, 0);
  const [a, b] = await Promise.all([decode(tiff), decode(png.data)]);
  assert.ok(Buffer.from(a.data).equals(Buffer.from(b.data)), 'the pixels are the same');
  const jpeg = await compress(tiff, { format: 'jpeg', quality: 80, limits: room });
  assert.match(banded(jpeg) ?? '', /restart marker every \d+ rows/);
  const whole = await compress(tiff, { format: 'jpeg', quality: 80 });
  assert.equal(banded(whole), undefined);
  assert.ok(Math.abs(whole.psnr - jpeg.psnr) < 0.5, `whole ${whole.psnr} dB, bands ${jpeg.psnr} dB`);
});
