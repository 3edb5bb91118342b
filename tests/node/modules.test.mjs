// The wasm ladder in Node: a JPEG job reads only the core module from disk; WebP in or out and a
// Display-P3 photo converted to sRGB are refused by core (NeedsFullModule naming the "full" build, never
// seen by the caller) and run again on the full module, read once, with the same bytes the full module
// gives when called directly. AVIF in or out goes to the avif build the same way. The wasm reads are observed by wrapping fs/promises' readFile before the
// package loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { corpusFile, photoLikePng, root } from '../e2e/support.mjs';

const reads = [];
const readFile = fsp.readFile;
fsp.readFile = (path, ...rest) => {
  reads.push(String(path));
  return readFile(path, ...rest);
};
syncBuiltinESMExports();
const px = await import('../../js/node.js');

const wasmRead = () => reads.map((p) => p.split('/').pop()).filter((n) => n.endsWith('.wasm'));

// The full module called directly, as the single module of earlier versions was: the reference result.
const fullGlue = await import('../../pkg/pixsqueeze_full.js');
await fullGlue.default({ module_or_path: readFileSync(join(root, 'pkg', 'pixsqueeze_full_bg.wasm')) });
const reference = (bytes, options) => fullGlue.compress(bytes, options);

const png = photoLikePng(160, 120);

test('a JPEG job loads only the core module', async () => {
  const r = await px.compress(png, { format: 'jpeg', quality: 70 });
  assert.equal(r.format, 'jpeg');
  assert.deepEqual(r.data, reference(png, { format: 'jpeg', quality: 70 }).data);
  assert.ok((await px.formats()).some((f) => f.id === 'webp'), 'formats() lists what only the full module writes');
  assert.deepEqual(wasmRead(), ['pixsqueeze_bg.wasm']);
});

test('WebP output, palette PNG, WebP input and an sRGB conversion run on the full module, read once', async () => {
  const palette = await px.compress(png, { format: 'png-palette', colors: 16 });
  assert.deepEqual(palette.data, reference(png, { format: 'png-palette', colors: 16 }).data);
  const webp = await px.compress(png, { format: 'webp' });
  assert.equal(webp.format, 'webp');
  assert.deepEqual(webp.data, reference(png, { format: 'webp' }).data);

  const fromWebp = await px.compress(webp.data, { format: 'png' });
  assert.deepEqual(fromWebp.data, reference(webp.data, { format: 'png' }).data);
  const decoded = await px.decode(webp.data);
  assert.deepEqual([decoded.width, decoded.height], [160, 120]);

  const p3 = corpusFile('special/icc-displayp3-orientation6-iphone7-12mp.jpg');
  if (p3) {
    const bytes = readFileSync(p3);
    const options = { format: 'jpeg', quality: 60, maxWidth: 400, colorProfile: 'srgb' };
    assert.deepEqual((await px.compress(bytes, options)).data, reference(bytes, options).data);
  } else {
    console.log('  SKIP Display-P3 photo: ../shared/corpus is absent');
  }
  assert.deepEqual(wasmRead(), ['pixsqueeze_bg.wasm', 'pixsqueeze_full_bg.wasm']);

  // What core does itself stays on core; an error of the full module's own reaches the caller as it is.
  await px.compress(png, { format: 'png' });
  await assert.rejects(px.compress(webp.data.subarray(0, 40), { format: 'jpeg' }), { name: 'DecodeError' });
  assert.deepEqual(wasmRead(), ['pixsqueeze_bg.wasm', 'pixsqueeze_full_bg.wasm']);
});

test('core names the build that serves what it refuses; init() takes a source per build', async () => {
  const coreGlue = await import('../../pkg/pixsqueeze.js');
  await coreGlue.default({ module_or_path: readFileSync(join(root, 'pkg', 'pixsqueeze_bg.wasm')) });
  assert.throws(() => coreGlue.compress(png, { format: 'webp' }), (e) => e.name === 'NeedsFullModule' && e.module === 'full');
  assert.throws(() => coreGlue.compress(png, { format: 'png-palette' }), (e) => e.name === 'NeedsFullModule' && e.module === 'full');
  assert.equal(coreGlue.compress(png, { format: 'jpeg' }).format, 'jpeg', 'core serves JPEG itself');

  const { builds } = await import('../../pkg/modules.js');
  assert.equal(builds[0].name, 'core');
  await assert.rejects(px.init({ nope_module_or_path: 'x.wasm' }), (e) => e.name === 'InvalidInput' && /full_module_or_path/.test(e.message));
  // Accepted for every build in the ladder (already loaded builds keep their first source).
  await px.init(Object.fromEntries(builds.slice(1).map((b) => [`${b.name}_module_or_path`, b.wasm])));
});

test('AVIF output and input run on the avif module, read once, with true figures', async () => {
  // Speed 10: the encoder's fastest preset keeps this test short; the figures are those of the file.
  const avif = await px.compress(png, { format: 'avif', quality: 60, speed: 10 });
  assert.equal(avif.format, 'avif');
  assert.equal(avif.mimeType, 'image/avif');
  assert.equal(new TextDecoder().decode(avif.data.subarray(4, 12)), 'ftypavif');
  assert.ok(avif.psnr > 25 && avif.ssimulacra2 > 0 && avif.ratio > 1, `figures: PSNR ${avif.psnr}, SSIMULACRA2 ${avif.ssimulacra2}`);
  assert.equal(avif.options.speed, 10);

  const decoded = await px.decode(avif.data);
  assert.deepEqual([decoded.width, decoded.height], [160, 120]);
  const fromAvif = await px.compress(avif.data, { format: 'png' });
  assert.equal(fromAvif.format, 'png');
  assert.ok(fromAvif.psnr > 60, 'PNG of the decoded AVIF is lossless');

  const auto = await px.compress(png, { format: 'auto', autoFormats: ['jpeg', 'avif'], speed: 10 });
  assert.ok(['jpeg', 'avif'].includes(auto.format));
  assert.match(auto.search.reason, /avif/i, 'the reason names what AVIF needed');
  const unlisted = await px.compress(png, { format: 'auto', autoFormats: ['jpeg', 'png'] });
  assert.match(unlisted.search.reason, /avif not tried/);

  await assert.rejects(px.decode(avif.data.subarray(0, avif.data.length - 40)), (e) => ['DecodeError', 'Unsupported'].includes(e.name));
  // Read once (the test above may have read it already, through init()).
  assert.equal(wasmRead().filter((n) => n === 'pixsqueeze_avif_bg.wasm').length, 1, 'the avif module is read once');
});
