// One JPEG over several workers (js/pool.js, encodeJpegSplit), with the wasm calls run here in turn as
// the pool's workers would run them: the joined file must decode, with our decoder and with libjpeg-turbo's
// djpeg (independent), to exactly the pixels of a plain one-worker encode at the same settings, and cost
// under 0.2 % more bytes. (src/codecs/jpeg/split.rs tests that it is byte for byte the file one worker
// writes with the same restart interval.) Options the split does not take encode whole (null).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { core, module } from '../../js/core.js';
import { fullBuild, run } from './worker-calls.mjs';
import { encodeJpegSplit } from '../../js/pool.js';
import { corpusFile } from '../e2e/support.mjs';

/** Photo-like pixels made in code: gradients, a ripple and noise; `gray` makes R = G = B. */
function pixels(width, height, gray = false) {
  const data = new Uint8Array(width * height * 4);
  let s = 0x2545f491;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
      const n = (s >>> 0) % 23;
      const at = (y * width + x) * 4;
      const r = (x * 255 / width + n) & 255;
      data.set(gray ? [r, r, r, 255] : [r, (y * 255 / height) & 255, (128 + 60 * Math.sin(x / 9) * Math.cos(y / 13) + n) & 255, 255], at);
    }
  }
  return data;
}

const djpegAvailable = (() => {
  try {
    execFileSync('djpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!djpegAvailable) {
  if (process.env.CI === 'true') throw new Error('djpeg (libjpeg-turbo-progs) is missing; scripts/setup.sh --test installs it');
  console.log('SKIP djpeg part: djpeg (libjpeg-turbo-progs) not found');
}
const djpeg = (jpeg) => (djpegAvailable ? execFileSync('djpeg', ['-pnm'], { input: jpeg, maxBuffer: 1 << 28 }) : null);

async function check(rgba, width, height, options, workers, label) {
  const plain = core.encode(rgba.slice(), width, height, options);
  const input = rgba.slice();
  const joined = await encodeJpegSplit(run, input, width, height, options, workers);
  assert.ok(joined, `${label}: split`);
  assert.equal(input.length, rgba.length, `${label}: the caller's bytes are read (copied in pieces), not given away`);
  assert.deepEqual(core.decode(joined).data, core.decode(plain).data, `${label}: our decoder`);
  if (djpegAvailable) assert.ok(djpeg(joined).equals(djpeg(plain)), `${label}: djpeg`);
  const cost = joined.length / plain.length - 1;
  console.log(`${label} over ${workers} workers: ${joined.length} vs ${plain.length} bytes (${(cost * 100).toFixed(4)} %)`);
  assert.ok(cost < 0.002, `${label}: the split costs ${(cost * 100).toFixed(3)} % (at most 0.2 %)`);
  return joined;
}

test('a split JPEG decodes (ours, djpeg) to the pixels of a plain encode, for at most 0.2 % more bytes', async () => {
  const [w, h] = [1000, 720];
  const rgba = pixels(w, h);
  for (const [options, workers] of [
    [{ format: 'jpeg' }, 2],
    [{ format: 'jpeg', quality: 92, subsampling: '4:4:4' }, 3],
    [{ format: 'jpeg', quality: 40, subsampling: '4:2:2', optimizeHuffman: false }, 4],
  ]) {
    await check(rgba, w, h, options, workers, `${w} x ${h} ${JSON.stringify(options)}`);
  }
  // Gray pixels: one component, as a plain encode writes them.
  await check(pixels(w, h, true), w, h, { format: 'jpeg' }, 2, `${w} x ${h} gray`);
});

test('a 12-megapixel photo from the corpus split over 2 workers', async () => {
  const path = corpusFile('photos/camera-canon-eos-450d-12mp.jpg');
  if (!path) return;
  const { width, height, data } = core.decode(readFileSync(path));
  await check(data, width, height, { format: 'jpeg', quality: 75 }, 2, `canon 12 MP (${width} x ${height})`);
});

test('what the split does not take is encoded whole (null): progressive, PNG, a resize, a search, one band', async () => {
  const rgba = pixels(200, 100);
  for (const options of [{ format: 'jpeg', progressive: true }, { format: 'png' }, { format: 'jpeg', maxWidth: 100 }, { format: 'jpeg', maxBytes: 5000 }, { format: 'jpeg', quality: 'bad' }]) {
    assert.equal(await encodeJpegSplit(run, rgba, 200, 100, options, 2), null, JSON.stringify(options));
  }
  assert.equal(await encodeJpegSplit(run, rgba.subarray(0, 200 * 16 * 4), 200, 16, { format: 'jpeg' }, 2), null, 'one band');
});

test('the core build sends the split to the full build', () => {
  assert.throws(() => core.jpegSplit(200, 100, { format: 'jpeg' }, 2), (e) => e.name === 'NeedsFullModule' && e.module === 'full');
});

test('a band is written only by the instance that quantised it, once, under its split token', async () => {
  const [w, h] = [200, 100];
  const rgba = pixels(w, h);
  const o = { format: 'jpeg' };
  const wasm = module('full');
  await wasm.init(fullBuild());
  const [[start, end]] = wasm.jpegSplit(w, h, o, 2);
  const input = wasm.rgbaInput((end - start) * w * 4);
  wasm.pushInput(input, rgba.subarray(start * w * 4, end * w * 4));
  const { counts } = wasm.jpegBandQuantise(w, h, o, 2, false, 0, 41, input);
  input.free();
  const refused = (token) => assert.throws(() => wasm.jpegBandWrite(w, h, o, 2, false, 0, token, counts), (e) => e.name === 'InvalidInput' && /not held/.test(e.message));
  refused(42); // another split's token
  assert.ok(wasm.jpegBandWrite(w, h, o, 2, false, 0, 41, counts).length > 0);
  refused(41); // given up by the write
});
