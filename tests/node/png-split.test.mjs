// One lossless PNG over several workers (js/pool.js, encodePngSplit), with the wasm calls run here in turn
// as the pool's workers would run them: the joined file must decode, with our decoder and with Node's zlib
// inflating its IDAT stream and the rows unfiltered here (independent of our DEFLATE and filters), to
// exactly the pixels of a plain one-worker encode at the same settings, and cost under 0.2 % more bytes
// on a photo-sized image. Options the split
// does not take (another format, a search, a palette image) encode whole (null).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { core } from '../../js/core.js';
import { run } from './worker-calls.mjs';
import { adler32Combine, encodePngSplit } from '../../js/pool.js';
import { corpusFile } from '../e2e/support.mjs';

/** Photo-like pixels made in code: gradients, a ripple and noise; `alpha` adds an alpha ramp. */
function pixels(width, height, alpha = false) {
  const data = new Uint8Array(width * height * 4);
  let s = 0x2545f491;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
      const n = (s >>> 0) % 7;
      data.set([(x * 255 / width + n) & 255, (y * 255 / height) & 255, (128 + 60 * Math.sin(x / 9) * Math.cos(y / 13) + n) & 255, alpha ? (x + y) & 255 : 255], (y * width + x) * 4);
    }
  }
  return data;
}

/**
 * The rows of an 8-bit direct-colour PNG (gray, gray and alpha, RGB, RGBA), its IDAT chunks joined and
 * inflated by Node's zlib (which checks the Adler-32), then unfiltered here: independent of our decoder.
 */
function unfiltered(png) {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const parts = [];
  let width = 0;
  let bpp = 0;
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      assert.equal(png[at + 16], 8, 'bit depth');
      bpp = { 0: 1, 2: 3, 4: 2, 6: 4 }[png[at + 17]];
    }
    if (type === 'IDAT') parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(parts));
  const stride = width * bpp;
  const out = new Uint8Array((raw.length / (stride + 1)) * stride);
  for (let y = 0, at = 0; at < raw.length; y++, at += stride + 1) {
    const filter = raw[at];
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[row + i - bpp] : 0;
      const b = y > 0 ? out[row - stride + i] : 0;
      const c = i >= bpp && y > 0 ? out[row - stride + i - bpp] : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const predicted = [0, a, b, (a + b) >> 1, paeth][filter];
      assert.ok(predicted !== undefined, `filter type ${filter}`);
      out[row + i] = (raw[at + 1 + i] + predicted) & 255;
    }
  }
  return out;
}

async function check(rgba, width, height, options, workers, label, limit = 0.002) {
  const plain = core.encode(rgba.slice(), width, height, options);
  const input = rgba.slice();
  const joined = await encodePngSplit(run, input, width, height, options, workers);
  assert.ok(joined, `${label}: split`);
  assert.equal(input.length, rgba.length, `${label}: the caller's bytes are read, not given away`);
  assert.deepEqual(core.decode(joined).data, rgba, `${label}: our decoder`);
  assert.deepEqual(core.decode(plain).data, rgba, `${label}: our decoder, plain`);
  // Same layout (the filters may differ: a band may rank another strategy first): the same rows.
  assert.deepEqual(unfiltered(joined), unfiltered(plain), `${label}: zlib inflates the same rows`);
  const cost = joined.length / plain.length - 1;
  console.log(`${label} over ${workers} workers: ${joined.length} vs ${plain.length} bytes (${(cost * 100).toFixed(4)} %)`);
  assert.ok(cost < limit, `${label}: the split costs ${(cost * 100).toFixed(3)} % (at most ${limit * 100} %)`);
}

test('adler32Combine is the Adler-32 of the two parts joined', () => {
  const adler = (bytes) => {
    let a = 1; let b = 0;
    for (const x of bytes) { a = (a + x) % 65521; b = (b + a) % 65521; }
    return (b * 65536 + a) >>> 0;
  };
  const data = Uint8Array.from({ length: 150000 }, (_, i) => (i * 7919) % 251);
  for (const cut of [0, 1, 5552, 65521, 100000, 150000]) {
    assert.equal(adler32Combine(adler(data.subarray(0, cut)), adler(data.subarray(cut)), data.length - cut), adler(data));
  }
});

test('a split PNG decodes (ours, Node zlib) to the pixels of a plain encode', async () => {
  const [w, h] = [600, 400];
  await check(pixels(w, h), w, h, { format: 'png' }, 2, `${w} x ${h} RGB`, 0.01);
  await check(pixels(w, h, true), w, h, { format: 'png', effort: 'fast' }, 3, `${w} x ${h} RGBA fast`, 0.01);
});

test('options and images the split does not take are encoded whole', async () => {
  const [w, h] = [600, 400];
  const rgba = pixels(w, h);
  assert.equal(await encodePngSplit(run, rgba, w, h, { format: 'png', maxBytes: 100000 }, 2), null);
  assert.equal(await encodePngSplit(run, rgba, w, h, { format: 'png', maxWidth: 300 }, 2), null);
  assert.equal(await encodePngSplit(run, rgba, w, 100, { format: 'png' }, 2), null);
  const colours = [[0, 0, 0, 255], [255, 0, 0, 255], [0, 90, 255, 255], [9, 9, 9, 255]];
  const few = new Uint8Array(w * h * 4);
  for (let i = 0, s = 7; i < w * h; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    few.set(colours[(s >>> 16) & 3], i * 4);
  }
  assert.equal(await encodePngSplit(run, few, w, h, { format: 'png' }, 2), null, 'palette');
});

test('a 12-megapixel photo from the corpus split over 2 workers, at most 0.2 % more bytes', async () => {
  const path = corpusFile('photos/camera-canon-eos-450d-12mp.jpg');
  if (!path) return;
  const { width, height, data } = core.decode(readFileSync(path));
  await check(data, width, height, { format: 'png', effort: 'fast' }, 2, `canon 12 MP (${width} x ${height}) fast`);
});
