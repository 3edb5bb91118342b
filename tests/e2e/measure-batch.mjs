// Not part of the test suite (it takes minutes): input lag on the page while a batch of 20 camera
// photos (12 MP and 10 MP JPEGs from the corpus, each used five times) compresses.
// Run: node tests/e2e/measure-batch.mjs
import { launch, openAt, corpusFile, fileSpec, dropFiles, measureInputLag, formatLag } from './support.mjs';

const sources = [
  'photos/camera-canon-eos-450d-12mp.jpg', 'photos/camera-samsung-galaxy-s7-edge-12mp.jpg',
  'special/icc-displayp3-orientation6-iphone7-12mp.jpg', 'special/orientation6-canon-eos-1000d-10mp.jpg',
].map(corpusFile);
if (sources.some((p) => !p)) {
  console.log('SKIP: the shared corpus is not present');
  process.exit(0);
}
const files = [];
for (let i = 1; i <= 5; i++) for (const path of sources) files.push(fileSpec(path, `${i}-${path.split('/').pop()}`));

const env = await launch();
try {
  const page = await openAt(env);
  const start = Date.now();
  await dropFiles(page, files);
  const finished = () => page.evaluate(() => [...document.querySelectorAll('#files .file')].every((li) => ['done', 'error'].includes(li.dataset.state)));
  const lag = await measureInputLag(page, { forMs: 30 * 60_000, everyMs: 200, until: finished });
  await page.waitForFunction(() => [...document.querySelectorAll('#files .file')].every((li) => ['done', 'error'].includes(li.dataset.state)), null, { timeout: 0 });
  const seconds = (Date.now() - start) / 1000;
  console.log(`batch of ${files.length} camera photos: ${await page.textContent('#progress-text')} in ${seconds.toFixed(1)} s `
    + `(${await page.evaluate(() => navigator.hardwareConcurrency)} cores reported)`);
  console.log(`input lag during the batch: ${formatLag(lag)}`);
  console.log('longest animation frames (ms, of which rendering; scripts):', JSON.stringify(lag.longFrames, null, 1));
} finally {
  await env.close();
}
