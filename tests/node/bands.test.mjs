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
  // The same job whole (default limits) has the same coefficients, only other Huffman tables: close PSNR.
  const whole = await compress(png, { format: 'jpeg', quality: 80 });
  assert.equal(banded(whole), undefined);
  assert.ok(Number.isFinite(whole.ssimulacra2));
  assert.ok(Math.abs(whole.psnr - r.psnr) < 0.5, `whole ${whole.psnr} dB, bands ${r.psnr} dB`);
});

test('below what bands need, the job is refused with the figure', async () => {
  await assert.rejects(compress(png, { format: 'jpeg', limits: { maxMemoryBytes: 50e6 } }),
    (e) => e.name === 'LimitExceeded' && /in bands needs about \d+ MB/.test(e.message));
});
