// `npm run bench:huge` (or `node bench/huge.mjs jpeg|png`): a 300-megapixel (20000 x 15000) RGB
// gradient with noise, made as a PNG (bench/huge-fixture.mjs), compressed to JPEG and to lossless PNG through the core wasm
// module (pkg/: `node scripts/build.mjs core`), each in a fresh instance, which takes the band path
// (README, "Huge images, in bands"). Prints the time, the output and the instance's memory after the
// job (`WebAssembly.Memory` only grows, so that is the job's peak, the 300 MP input file included).
// Needs about 3 GB of memory for Node itself; the PNG job takes many minutes. Figures only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hugePng } from './huge-fixture.mjs';
const root = join(fileURLToPath(import.meta.url), '..', '..');
const [w, h] = [20000, 15000];
const formats = process.argv[2] ? [process.argv[2]] : ['jpeg', 'png'];
const png = hugePng(w, h);
console.log(`fixture: ${(png.length / 1e6).toFixed(1)} MB PNG`);
for (const format of formats) {
  const glue = await import(`${pathToFileURL(join(root, 'pkg', 'pixsqueeze.js'))}?i=${format}`);
  const exports = await glue.default({ module_or_path: readFileSync(join(root, 'pkg', 'pixsqueeze_bg.wasm')) });
  const started = Date.now();
  const r = glue.compress(png, { format, limits: { maxPixels: 3e8, maxInputBytes: 2e9 } });
  console.log(`300 MP to ${format} in wasm: ${((Date.now() - started) / 1000).toFixed(1)} s, `
    + `${(r.compressedBytes / 1e6).toFixed(1)} MB, PSNR ${r.psnr.toFixed(2)}, `
    + `wasm memory ${(exports.memory.buffer.byteLength / 1e6).toFixed(0)} MB`);
}
