// Once loaded, the page works offline: the server goes away (and Chromium's network goes offline), the
// page is reloaded and still compresses a photo (the page, the package's worker and the wasm all come from
// the service worker's cache). The full wasm module is not precached: a WebP job online fetches it
// through the service worker, which keeps it, so the same WebP job works offline afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAt, photoLikePng, dropFiles } from './support.mjs';

test('works offline once loaded', async () => {
  const env = await launch();
  try {
    const page = await openAt(env, '/www/', { width: 1000, height: 800 });
    // The service worker is installed and controls the page once `ready` and `controller` are set.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
      }
    });

    await page.selectOption('#format', 'webp');
    await dropFiles(page, [{ name: 'online.png', mimeType: 'image/png', buffer: photoLikePng(120, 90) }]);
    await page.waitForFunction(() => document.querySelector('.figures').dataset.state === 'done', null, { timeout: 30_000 });

    await page.setOffline?.(true);
    env.server.closeAllConnections();
    await new Promise((resolve) => env.server.close(resolve));

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await dropFiles(page, [{ name: 'offline.png', mimeType: 'image/png', buffer: photoLikePng(200, 150) }]);
    await page.waitForFunction(() => document.querySelector('.figures').dataset.state === 'done', null, { timeout: 30_000 });
    assert.match(await page.textContent('#status'), /^Done: 200 × 150/);
    assert.equal(await page.inputValue('#format'), 'webp', 'the WebP job ran on the cached full module');
    await page.close();
  } finally {
    await env.close();
  }
});

test('the first visit downloads the page and the wasm at most twice: for the page, then for offline', async () => {
  const env = await launch();
  const served = [];
  env.server.on('request', (req, res) => res.on('finish', () => served.push(new URL(req.url, 'http://x').pathname)));
  try {
    const page = await openAt(env, '/www/', { width: 1000, height: 800 });
    await page.evaluate(() => navigator.serviceWorker.ready);
    // The service worker caches what the page loaded after it starts: wait until the requests stop.
    for (let n = -1; n !== served.length;) {
      n = served.length;
      await page.waitForTimeout(1500);
    }
    const counts = {};
    for (const p of served) counts[p] = (counts[p] ?? 0) + 1;
    // An engine whose service worker does not share the page's HTTP cache (WebKit in a fresh data store)
    // downloads each file once more for the offline copy; not a third time for the list the page sends.
    // The page runs two decoding workers from one script (bitmaps.js), which the server's `no-cache`
    // and no validator let each worker download (Chromium sometimes shares one download, sometimes not).
    const perWorker = { '/www/bitmap-worker.js': 2 };
    const again = Object.entries(counts).filter(([p, n]) => (p.startsWith('/www/') || p.endsWith('.wasm')) && n > (perWorker[p] ?? 1) + 1);
    assert.deepEqual(again, [], `downloaded more than twice: ${JSON.stringify(again)}`);
    assert.ok(counts['/pkg/pixsqueeze_bg.wasm'] >= 1);
    await page.close();
  } finally {
    await env.close();
  }
});
