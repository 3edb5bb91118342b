// A benchmark, not a test (it posed as one in tests/e2e/): in the engine E2E_ENGINE names, measures and
// prints the page's transfer size on first load, the time from dropping a 12 MP photo to its first
// figures (an estimate from a sample, labelled so) and to its result on the screen, and from a slider
// change to the first and the final figures, and input lag while a batch runs. No timing is
// asserted (machines differ). Run: `E2E_ENGINE=firefox node bench/page-timings.mjs`; npm test runs it in
// each engine in its benchmark step, and in WebKitGTK a second time with WEBKIT_DISABLE_COMPOSITING_MODE=1:
// on Xvfb (no GPU) WebKitGTK composites through Mesa's llvmpipe (software OpenGL), whose threads then
// take the cores from the page's workers; the figures are in bench/page-notes.md.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadavg } from 'node:os';
import { launch, openAt, corpusFile, fileSpec, photoLikePng, dropFiles, measureInputLag, formatLag, root, engine } from '../tests/e2e/support.mjs';

// The engine as printed: WebKitGTK's two runs differ in how it composites its frames (see above).
const label = engine === 'webkit' && process.env.WEBKIT_DISABLE_COMPOSITING_MODE ? 'webkit (compositing off)' : engine;

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

test('first load: bytes transferred', async () => {
  const sockets = new Set();
  const served = [];
  const onConnection = (s) => sockets.add(s);
  const onRequest = (req, res) => res.on('finish', () => served.push(new URL(req.url, 'http://x').pathname));
  env.server.on('connection', onConnection);
  env.server.on('request', onRequest);
  const page = await env.newPage();
  await page.goto(`${env.origin}/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForTimeout(500); // the service worker's caching of what the page loaded
  const bytes = [...sockets].reduce((n, s) => n + s.bytesWritten, 0);
  env.server.off('connection', onConnection);
  env.server.off('request', onRequest);
  const files = [...new Set(served)].filter((p) => /^\/(www|js|pkg)\//.test(p)).map((p) => join(root, p.endsWith('/') ? `${p}index.html` : p));
  const raw = files.reduce((n, f) => n + readFileSync(f).length, 0);
  const gz = files.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
  console.log(`${label}, first load: ${(bytes / 1024).toFixed(1)} KiB over the wire (scripts/serve.mjs, gzip, headers included), `
    + `${served.length} requests for ${files.length} files (${(raw / 1024).toFixed(1)} KiB; ${(gz / 1024).toFixed(1)} KiB gzipped)`);
  assert.ok(bytes > 0);
  await page.close();
});

test('a 12 MP camera photo: drop to first figures and result on screen, then a slider change to new figures', async (t) => {
  const path = corpusFile('photos/camera-canon-eos-450d-12mp.jpg');
  if (!path) return t.skip('shared corpus not present');
  const page = await openAt(env);
  // A person takes a few seconds to bring a file; the page starts its workers meanwhile (www/app.js,
  // warmWorkers). Dropped the instant the page is ready, the drop would also time their start.
  await page.waitForTimeout(3000);
  const t0 = await dropFiles(page, [fileSpec(path)]);
  // The first figures: an estimate from a sample (labelled so on the page) or the final ones, whichever
  // comes first; then the final result drawn on screen.
  const drop = await page.evaluate(async () => {
    const f = document.querySelector('.figures').dataset;
    const wait = () => new Promise((r) => setTimeout(r, 10));
    while (!['estimate', 'encoded', 'done'].includes(f.state)) await wait();
    const first = { at: performance.now(), kind: { done: 'final', encoded: 'exact size, scores pending' }[f.state] ?? f.state, size: document.getElementById('result-size').textContent };
    while (!performance.getEntriesByName('pixsqueeze:result-shown').length) await wait();
    // The mark is set in the frame that drew the decoded result; wait for it to be presented.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const shownAt = performance.now();
    while (f.state !== 'done') await wait();
    return { first, shownAt, doneAt: performance.now() };
  });
  const figures = await page.evaluate(() => `${document.getElementById('result-size').textContent}, PSNR ${document.getElementById('psnr').textContent}`);
  // The drop's timeline: each job's start and end (www/app.js marks its end and run time) and each side
  // of the viewer drawn (www/compare.js), in seconds from the drop.
  const timeline = await page.evaluate((t0) => {
    const side = ['original', 'result', 'left', 'preview'];
    return [...performance.getEntriesByName('pixsqueeze:job-done'), ...performance.getEntriesByName('pixsqueeze:side-shown'), ...performance.getEntriesByName('pixsqueeze:encoded')]
      .filter((e) => e.startTime >= t0)
      .map((e) => (e.name === 'pixsqueeze:encoded' ? { at: e.startTime - t0, text: `file written ${((e.startTime - t0) / 1000).toFixed(2)}` } : e.detail.kind
        ? { at: e.startTime - e.detail.ms - t0, text: `${e.detail.kind}(p${e.detail.priority}) ${((e.startTime - e.detail.ms - t0) / 1000).toFixed(2)}–${((e.startTime - t0) / 1000).toFixed(2)}${e.detail.error ? ` ${e.detail.error}` : ''}` }
        : { at: e.startTime - t0, text: `${side[e.detail.side]} shown ${((e.startTime - t0) / 1000).toFixed(2)}` }))
      .sort((a, b) => a.at - b.at)
      .map((e) => e.text);
  }, t0);
  console.log(`${label} drop timeline (s from the drop): ${timeline.join('; ')}`);
  // Then the slider, as a drag ends: an input event at a quality the chart does not sample (so nothing
  // is cached), to the first figures for it (an estimate, labelled, or final) and to the final ones
  // (after the page's settle time: the thumb held still is taken as the choice).
  const slider = await page.evaluate(async () => {
    const range = document.getElementById('opt-quality');
    const f = document.querySelector('.figures').dataset;
    const wait = () => new Promise((r) => setTimeout(r, 10));
    const t = performance.now();
    range.value = '50';
    range.dispatchEvent(new Event('input', { bubbles: true }));
    while (!(['estimate', 'encoded', 'done'].includes(f.state) && f.quality === '50')) await wait();
    const first = { ms: performance.now() - t, kind: { done: 'final', encoded: 'exact size, scores pending' }[f.state] ?? f.state, size: document.getElementById('result-size').textContent };
    while (!(f.state === 'done' && f.quality === '50')) await wait();
    return { first, ms: performance.now() - t, size: document.getElementById('result-size').textContent };
  });
  // The cores the engine reports and those the page measured and sized its workers for (www/cores.js).
  const cores = await page.evaluate(() => {
    const usable = performance.getEntriesByName('pixsqueeze:cores')[0]?.detail.usable;
    return `${navigator.hardwareConcurrency} reported${usable !== navigator.hardwareConcurrency ? `, ${usable} measured` : ''}`;
  });
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`${label}, 12 MP JPEG (${path.split('/').pop()}; cores ${cores}; load average ${loadavg()[0].toFixed(1)}): `
    + `drop to first figures ${s(drop.first.at - t0)} (${drop.first.kind}: ${drop.first.size}), to the result on screen ${s(drop.shownAt - t0)}, to its final figures ${s(drop.doneAt - t0)} `
    + `(JPEG q75: ${figures}); slider to q50, to first figures ${s(slider.first.ms)} (${slider.first.kind}: ${slider.first.size}), `
    + `to final figures ${s(slider.ms)} (${slider.size})`);
  await page.close();
});

test('input lag while a batch runs', async () => {
  const page = await openAt(env);
  const kodak = ['photos/kodim01.png', 'photos/kodim05.png', 'photos/kodim13.png', 'photos/kodim19.png', 'photos/kodim21.png', 'photos/kodim15.png'];
  // One camera photo keeps the batch busy for the whole measurement.
  const paths = [...kodak, 'photos/camera-samsung-galaxy-s7-edge-12mp.jpg'].map(corpusFile).filter(Boolean);
  const files = paths.length ? paths.map((p) => fileSpec(p)) : [1, 2, 3, 4].map((i) => ({ name: `fixture-${i}.png`, mimeType: 'image/png', buffer: photoLikePng(640, 480) }));
  await dropFiles(page, files);
  const lag = await measureInputLag(page, { forMs: 4000 });
  const progress = await page.textContent('#progress-text');
  // The page runs one background job fewer once its frames come late (www/app.js, watchFrames).
  const lowered = await page.evaluate(() => performance.getEntriesByName('pixsqueeze:background-lowered').map((e) => e.detail));
  const background = lowered.length ? `; background jobs lowered to ${lowered.at(-1).limit} (frames ${lowered.map((l) => `${l.median} ms`).join(', ')} apart)` : '';
  console.log(`${label}, during a batch of ${files.length} photos (${progress} when measuring stopped): ${formatLag(lag)}${background}`);
  assert.ok(lag.presses > 0);
  await page.close();
});
