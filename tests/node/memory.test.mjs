// Wasm memory of the built module (pkg/), the figure a browser tab pays: `WebAssembly.Memory` only grows,
// so its size after a job is the peak of that job. Measured in Node, whose V8 runs the same module with the
// same linear memory as Chromium's. Each format gets a fresh instance (a glue module imported under its own
// URL); then one instance compresses a batch of 50 photos and must not grow after the first pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const photos = join(root, '..', 'shared', 'corpus', 'photos');
const twelveMp = join(photos, 'camera-canon-eos-450d-12mp.jpg');
const MB = 1e6;
// Under CI=true a missing corpus fails these tests (they run and find no photo) instead of skipping them.
const noCorpus = !existsSync(twelveMp) && process.env.CI !== 'true' && 'SKIP: ../shared/corpus is absent';

/**
 * A fresh wasm instance: the glue keeps one instance per module, and a new URL is a new module. `name`:
 * the core module (`pixsqueeze`) or the full one (`pixsqueeze_full`), which is the one that writes WebP and palette PNG.
 */
async function instance(tag, name = 'pixsqueeze') {
  const glue = await import(`${pathToFileURL(join(root, 'pkg', `${name}.js`))}?instance=${tag}`);
  const exports = await glue.default({ module_or_path: readFileSync(join(root, 'pkg', `${name}_bg.wasm`)) });
  return { glue, memoryBytes: () => exports.memory.buffer.byteLength };
}

// The budget the core meets natively (tests/memory.rs) plus the allocator's slack in wasm: the JPEG
// and WebP encoders keep their own whole-image buffers beside ours (see README, "Memory").
const BUDGET = { jpeg: 4.5, png: 4.5, 'png-palette': 4.5, webp: 4.5 };

test('peak wasm memory per output format for a 12 MP photo', { skip: noCorpus }, async () => {
  const photo = readFileSync(twelveMp);
  const lines = [];
  for (const format of Object.keys(BUDGET)) {
    const { glue, memoryBytes } = await instance(format, format === 'webp' || format === 'png-palette' ? 'pixsqueeze_full' : 'pixsqueeze');
    const r = glue.compress(photo, { format });
    const rgba = r.width * r.height * 4;
    const times = memoryBytes() / rgba;
    lines.push(`${format.padEnd(11)} ${(memoryBytes() / MB).toFixed(1)} MB = ${times.toFixed(2)}x RGBA (${(rgba / MB).toFixed(1)} MB)`);
    assert.ok(times <= BUDGET[format], `${format}: ${times.toFixed(2)}x RGBA`);
  }
  console.log(`wasm memory after one 12 MP compress, fresh instance each:\n  ${lines.join('\n  ')}`);
});

test('a batch of 50 photos does not grow the memory of one instance', { skip: noCorpus }, async () => {
  const files = readdirSync(photos).filter((n) => /\.(jpe?g|png)$/.test(n)).sort().map((n) => readFileSync(join(photos, n)));
  const { glue, memoryBytes } = await instance('batch');
  const after = [];
  for (let i = 0; i < 50; i++) {
    glue.compress(files[i % files.length], { format: 'jpeg' });
    after.push(memoryBytes());
  }
  const firstPass = after[files.length - 1];
  console.log(`batch of 50 (${files.length} corpus photos in turn, JPEG): memory ${(after[0] / MB).toFixed(1)} MB after the first, `
    + `${(firstPass / MB).toFixed(1)} MB after the first pass, ${(after[49] / MB).toFixed(1)} MB after the 50th`);
  assert.equal(after[49], firstPass, 'once every photo has been seen, later jobs reuse the memory');
});

test('a 50 MP photo compresses within the default limits, and what it costs', async () => {
  const [w, h] = [8660, 5774];
  const rgba = new Uint8Array(w * h * 4);
  let state = 0x2545f491;
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i += 4) {
      // xorshift32 noise over gradients: photo-like, so the JPEG is photo-sized.
      state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
      const n = (state >>> 0) % 9 - 4;
      rgba[i] = (x * 255) / w + n; rgba[i + 1] = (y * 255) / h - n; rgba[i + 2] = ((x + y) * 127) / (w + h) + 64 + n; rgba[i + 3] = 255;
    }
  }
  const maker = await instance('make-50mp');
  const photo = maker.glue.encode(rgba, w, h, { format: 'jpeg', quality: 90 });
  const { glue, memoryBytes } = await instance('50mp');
  const started = Date.now();
  const r = glue.compress(photo, { format: 'jpeg' });
  assert.deepEqual([r.width, r.height], [w, h]);
  const times = memoryBytes() / (w * h * 4);
  console.log(`50 MP (${w} x ${h}) to JPEG: ${((Date.now() - started) / 1000).toFixed(1)} s, wasm memory ${(memoryBytes() / MB).toFixed(0)} MB = ${times.toFixed(2)}x RGBA`);
  assert.ok(times <= BUDGET.jpeg, `${times.toFixed(2)}x RGBA`);
});
