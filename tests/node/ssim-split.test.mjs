// measure() of a large image over several workers (js/pool.js, measureSplit), with the wasm calls run here
// in turn as the pool's workers would run them: the squared error summed over bands of rows and the
// SSIMULACRA2 tiles scored apart on crops, combined (measureTotal), must give exactly one worker's figures.
// Images scored whole (a megapixel or less) or not at all are measured on one worker (null).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core } from '../../js/core.js';
import { run } from './worker-calls.mjs';
import { measureSplit } from '../../js/pool.js';

/** Photo-like pixels made in code, and a copy with blocky, noisy error (`strength` 0: identical). */
function pair(width, height, strength) {
  const a = new Uint8Array(width * height * 4);
  const b = new Uint8Array(a.length);
  let s = 0x2545f491;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
      const n = (s >>> 0) % 7;
      const i = (y * width + x) * 4;
      a.set([(x * 255 / width + n) & 255, (y * 255 / height) & 255, (128 + 60 * Math.sin(x / 9) * Math.cos(y / 13) + n) & 255, 255], i);
      const block = ((x >> 3) + (y >> 3)) % 2 ? strength : 0;
      b.set([Math.min(255, a[i] + block), a[i + 1], Math.max(0, a[i + 2] - (n % 3) * strength), 255], i);
    }
  }
  return [a, b];
}

test('SSIMULACRA2 split over workers gives one worker\'s figures to the bit', async () => {
  for (const [width, height, workers] of [[1400, 1000, 2], [2100, 1500, 3], [1300, 900, 4]]) {
    const [a, b] = pair(width, height, 4);
    const plain = core.measure(a.slice(), b.slice(), width, height);
    const split = await measureSplit(run, a.slice(), b.slice(), width, height, workers);
    assert.ok(split, `${width} x ${height}: split`);
    assert.ok(plain.ssimulacra2 > 0 && plain.ssimulacra2 < 100, `${plain.ssimulacra2}`);
    assert.ok(Object.is(split.ssimulacra2, plain.ssimulacra2), `${width} x ${height} over ${workers}: ${split.ssimulacra2} vs ${plain.ssimulacra2}`);
    assert.ok(Object.is(split.mse, plain.mse) && Object.is(split.psnr, plain.psnr), `${width} x ${height}: MSE and PSNR`);
  }
  const [a] = pair(1400, 1000, 0);
  assert.deepEqual(await measureSplit(run, a.slice(), a.slice(), 1400, 1000, 2), { mse: 0, psnr: Infinity, ssimulacra2: 100 });
});

test('images scored whole or not at all are measured on one worker', async () => {
  const [a, b] = pair(1024, 1024, 4);
  assert.equal(await measureSplit(run, a, b, 1024, 1024, 2), null);
  const [c, d] = pair(10000, 112, 4);
  assert.equal(await measureSplit(run, c, d, 10000, 112, 2), null);
  const [e, f] = pair(1400, 1000, 4);
  assert.equal(await measureSplit(run, e, f, 1400, 1000, 1), null);
});

test('measureRegions refuses regions out of bounds or too small', async () => {
  const [a, b] = pair(200, 150, 4);
  for (const regions of [[0, 201, 0, 150], [0, 7, 0, 150], [10, 5, 0, 150], [0, 200, 0]]) {
    await assert.rejects(run('measureRegions', [a.slice(), b.slice(), 200, 150, Uint32Array.from(regions)], []), { name: 'InvalidInput' }, `${regions}`);
  }
  const whole = await run('measureRegions', [a.slice(), b.slice(), 200, 150, Uint32Array.of(0, 200, 0, 150)], []);
  assert.ok(Object.is(whole.scores[0], core.measure(a, b, 200, 150).ssimulacra2));
});

test('measureTotal refuses a squared error that is no whole number, or scores not one a region', async () => {
  for (const sum of [-1, 0.5, NaN, 2 ** 54]) {
    await assert.rejects(run('measureTotal', [1400, 1000, new Float64Array(4), sum], []), { name: 'InvalidInput' }, `${sum}`);
  }
  await assert.rejects(run('measureTotal', [1400, 1000, new Float64Array(3), 10], []), { name: 'InvalidInput' });
  const [a, b] = pair(1400, 1000, 4);
  const plain = core.measure(a.slice(), b.slice(), 1400, 1000);
  const regions = await run('ssimulacra2Regions', [1400, 1000], []);
  const whole = await run('measureRegions', [a, b, 1400, 1000, regions], []);
  assert.deepEqual(await run('measureTotal', [1400, 1000, whole.scores, whole.squaredError], []), plain);
});
