// Run by tests/node/node.test.mjs inside a directory where the packed tarball is installed, after a
// preload that removes every browser global: the package must work on Node's own APIs alone. Prints one
// JSON report for the test to check.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compress, compressAll, decode, encode, formats, init, measure } from 'pixsqueeze';

const [photoPath] = process.argv.slice(2);
const name = (p) => p.then(() => 'resolved', (e) => e.name);

// The wasm's own export, as a file path: what a Node user who bundles or relocates it would pass.
await init({ module_or_path: fileURLToPath(import.meta.resolve('pixsqueeze/wasm')) });
const file = await readFile(photoPath); // a Buffer from disk
const r = await compress(file, { format: 'jpeg', quality: 60 });
// The rest works on a thumbnail, so that a camera photo does not make the test slow.
const thumb = await compress(file, { format: 'jpeg', maxWidth: 96 });
const pixels = await decode(thumb.data);
const png = await encode(pixels.data, pixels.width, pixels.height, { format: 'png' });
const progress = [];
const batch = await compressAll([thumb.data, new Uint8Array([1, 2, 3])], { format: 'png', onProgress: (p) => progress.push(p.done) });

console.log(JSON.stringify({
  result: { ...r, data: [...r.data.subarray(0, 3)], hasBlob: 'blob' in r },
  decoded: { width: pixels.width, height: pixels.height, length: pixels.data.length },
  png: [...png.subarray(0, 4)],
  measure: await measure(pixels.data, pixels.data, pixels.width, pixels.height).then((m) => m, (e) => e.name),
  formats: (await formats()).map((f) => f.id),
  batch: batch.map((b) => b.status),
  progress,
  errors: {
    notAnImage: await name(compress(Buffer.from('not an image'), { format: 'jpeg' })),
    aborted: await name(compress(file, { format: 'jpeg', signal: AbortSignal.abort() })),
  },
}));
