// Once loaded, the page works offline: the browser goes offline and the server goes away, the page is
// reloaded and still compresses a photo (the page, the package's worker and the wasm all come from
// the service worker's cache). The full wasm module is not precached: a WebP job online fetches it
// through the service worker, which keeps it, so the same WebP job works offline afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, photoLikePng, dropFiles } from './support.mjs';

test('works offline once loaded', async () => {
  const env = await launch();
  try {
    const context = await env.browser.newContext({ viewport: { width: 1000, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${env.origin}/www/`);
    await page.waitForSelector('body[data-ready="true"]');
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

    await context.setOffline(true);
    env.server.closeAllConnections();
    await new Promise((resolve) => env.server.close(resolve));

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await dropFiles(page, [{ name: 'offline.png', mimeType: 'image/png', buffer: photoLikePng(200, 150) }]);
    await page.waitForFunction(() => document.querySelector('.figures').dataset.state === 'done', null, { timeout: 30_000 });
    assert.match(await page.textContent('#status'), /^Done: 200 × 150/);
    assert.equal(await page.inputValue('#format'), 'webp', 'the WebP job ran on the cached full module');
    await context.close();
  } finally {
    await env.browser.close();
    env.server.closeAllConnections();
    env.server.close();
  }
});
