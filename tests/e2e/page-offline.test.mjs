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
