// Animated PNG out through the package (README, "Animated GIF and WebP to animated WebP or APNG"): the
// corpus's animated GIF to `format: 'apng'`, every frame kept (acTL, fcTL and fdAT read back here
// from the chunks), lossless, with the first frame a plain PNG any decoder reads; the format's meta.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compress, decode, formats, terminate } from '../../js/node.js';
import { corpusFile } from '../e2e/support.mjs';

test.after(terminate);

/** A PNG's chunks: [{ type, data }]. */
function chunks(png) {
  const b = Buffer.from(png);
  assert.equal(b.subarray(0, 8).toString('latin1'), '\x89PNG\r\n\x1a\n');
  const out = [];
  for (let at = 8; at < b.length;) {
    const len = b.readUInt32BE(at);
    out.push({ type: b.subarray(at + 4, at + 8).toString('latin1'), data: b.subarray(at + 8, at + 8 + len) });
    at += 12 + len;
  }
  return out;
}

test('formats() lists apng: lossless, .png, image/apng', async () => {
  const apng = (await formats()).find((f) => f.id === 'apng');
  assert.ok(apng, 'apng is an output format');
  assert.equal(apng.mimeType, 'image/apng');
  assert.equal(apng.extension, 'png');
  assert.equal(apng.lossy, false);
});

test('the corpus animated GIF to APNG: every frame, its timing and the loop count, exact', async (t) => {
  const path = corpusFile('special/animated-loop-gif-test-suite.gif');
  if (!path) {
    t.skip('no corpus');
    return;
  }
  const gif = readFileSync(path);
  const r = await compress(gif, { format: 'apng' });
  assert.equal(r.mimeType, 'image/apng');
  assert.deepEqual([r.width, r.height, r.frames, r.mse], [100, 100, 4, 0]);
  assert.match(r.notes[0], /^animation: 4 frames, .* written as 4 frames/);
  const list = chunks(r.data);
  const actl = list.find((c) => c.type === 'acTL').data;
  assert.equal(actl.readUInt32BE(0), 4, 'four frames');
  assert.equal(actl.readUInt32BE(4), 0, 'looping forever, as the GIF');
  const fctl = list.filter((c) => c.type === 'fcTL').map((c) => c.data);
  assert.equal(fctl.length, 4);
  // Sequence numbers run over fcTL and fdAT in order; the first frame is the IDAT image.
  const seq = list.filter((c) => c.type === 'fcTL' || c.type === 'fdAT').map((c) => c.data.readUInt32BE(0));
  assert.deepEqual(seq, seq.map((_, i) => i));
  assert.ok(list.findIndex((c) => c.type === 'fcTL') < list.findIndex((c) => c.type === 'IDAT'));
  const ms = fctl.map((d) => (d.readUInt16BE(20) * 1000) / (d.readUInt16BE(22) || 100));
  assert.ok(ms.every((v) => v > 0), `delays ${ms}`);
  console.log(`APNG ${r.data.length} bytes vs the GIF's ${gif.length} (${((r.data.length / gif.length - 1) * 100).toFixed(1)} %), delays ${ms.join(', ')} ms`);
  // The first frame is what a viewer without APNG shows: the GIF's first frame, pixel for pixel.
  const [a, b] = await Promise.all([decode(gif), decode(r.data)]);
  assert.ok(Buffer.from(a.data).equals(Buffer.from(b.data)), 'the first frame is the same');
  // Through animated WebP and back to APNG: still four frames, still exact.
  const webp = await compress(gif, { format: 'webp', lossless: true });
  const again = await compress(webp.data, { format: 'apng' });
  assert.deepEqual([again.frames, again.mse], [4, 0]);
});

test('a still image as apng is a plain PNG', async () => {
  const { photoLikePng } = await import('../e2e/support.mjs');
  const r = await compress(photoLikePng(64, 48), { format: 'apng', effort: 'fast' });
  assert.deepEqual([r.frames, r.mse], [1, 0]);
  assert.ok(!chunks(r.data).some((c) => c.type === 'acTL'));
  // Typed as what it is: a PNG (image/png, .png); image/apng is for animations.
  assert.equal(r.mimeType, 'image/png');
  // Lossless, so scored as lossless PNG is: identical pixels, score 100 without running SSIMULACRA2
  // (on an image large enough to be scored: 113 pixels a side).
  const big = await compress(photoLikePng(160, 120), { format: 'apng', effort: 'fast' });
  assert.deepEqual([big.mimeType, big.mse, big.psnr, big.ssimulacra2], ['image/png', 0, Infinity, 100]);
});
