// AVIF on the page: the format picker offers it (from the format meta); a photo to AVIF finishes with
// its figures, on the avif module fetched only then; a 12-megapixel photo to AVIF shows its progress,
// keeps the page answering key presses, and stops when asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engine, launch, openAt, corpusFile, fileSpec, photoLikePng, dropFiles, measureInputLag, formatLag } from './support.mjs';

const busyShown = (page, timeout) => page.waitForFunction(() => !document.getElementById('busy').hidden, null, { timeout });

test('a photo to AVIF on the page: figures, progress, responsive, stoppable', async (t) => {
  const env = await launch();
  try {
    const page = await openAt(env, '/', { width: 1100, height: 850 });
    const offered = await page.$$eval('#format option', (os) => os.map((o) => o.value));
    assert.ok(offered.includes('avif'), `AVIF is in the format picker: ${offered}`);
    const avifFetched = () => page.evaluate(() => performance.getEntriesByType('resource').some((e) => /pixsqueeze_avif_bg\.wasm/.test(e.name)));
    assert.equal(await avifFetched(), false, 'the avif module is not fetched before AVIF is asked for');

    await page.selectOption('#format', 'avif');
    const kodak = corpusFile('photos/kodim23.png');
    const small = kodak ? fileSpec(kodak) : { name: 'fixture.png', mimeType: 'image/png', buffer: photoLikePng(320, 240) };
    await dropFiles(page, [small]);
    await page.waitForFunction(() => {
      const f = document.querySelector('.figures').dataset;
      return f.state === 'done' && f.format === 'avif';
    }, null, { timeout: 240_000 });
    const figures = await page.evaluate(() => ({
      result: document.getElementById('result-size').textContent,
      psnr: document.getElementById('psnr').textContent,
      ssimulacra2: document.getElementById('ssimulacra2').textContent,
    }));
    assert.match(figures.result, /\d/, JSON.stringify(figures));
    assert.ok(Number.parseFloat(figures.psnr) > 30, `PSNR shown: ${JSON.stringify(figures)}`);
    assert.ok(await avifFetched(), 'the avif module was fetched for AVIF output');

    const big = corpusFile('photos/camera-canon-eos-450d-12mp.jpg');
    if (!big) {
      t.diagnostic('no corpus: the 12 MP part is skipped');
      return;
    }
    await page.click('#clear');
    await dropFiles(page, [fileSpec(big)]);
    await busyShown(page, 120_000);
    await page.waitForFunction(() => /AVIF/.test(document.getElementById('busy-text').textContent), null, { timeout: 120_000 });
    // Once the original is on screen, the encode runs on a worker: key presses on the viewer still
    // reach the next frame quickly.
    await page.waitForFunction(() => document.getElementById('original').width > 0, null, { timeout: 60_000 });
    await page.waitForTimeout(1000);
    const lag = await measureInputLag(page, { forMs: 4000, everyMs: 200 });
    // The figure is printed, not asserted (no timed tests: machines differ). WebKitGTK's is poor on the
    // loaded 2-core machine (load 13-15, 2026-11-30: median 514 ms, p95 1001 ms), and nothing of the
    // page's blocks: key handlers run within ms and timers on time, and an empty page beside one
    // busy-loop worker loses its frames the same way. Its DMA-BUF renderer, with no GPU under Xvfb,
    // costs ~100 ms of CPU a painted frame; with WEBKIT_DISABLE_DMABUF_RENDERER=1 the same run gave a
    // median 15 ms, p95 71 ms, but that renderer hangs WebDriver screenshots here, so the suite keeps the
    // default. Chromium and Firefox: p95 20-40 ms.
    t.diagnostic(`${engine}, while a 12 MP AVIF encodes: ${formatLag(lag)}`);
    // Frames kept coming: the presses reached one. How many presses fit in the 4 s is the machine's
    // (Firefox managed 4 at load 28).
    assert.ok(lag.presses > 0, formatLag(lag));
    assert.equal(await page.evaluate(() => document.querySelector('.figures').dataset.state === 'done'), false, 'still encoding');
    await page.click('#stop');
    await page.waitForFunction(() => document.getElementById('busy').hidden, null, { timeout: 30_000 });
    const row = await page.evaluate(() => {
      const li = document.querySelector('#files .file');
      return { state: li.dataset.state, status: li.querySelector('.file-status').textContent };
    });
    assert.match(`${row.state} ${row.status}`, /cancel|stop/i, JSON.stringify(row));
    await page.close();
  } finally {
    await env.close();
  }
});
