// A job in bands on the page (README, "Huge images, in bands"): the limits are under "Targets, colour and
// advanced"; a file over "Most pixels" is refused, and raising the limit runs it again. With "Most
// memory" below what the whole-image job needs, a 3 MP PNG made here goes to JPEG and to lossless PNG a
// band of rows at a time: the figures are shown, SSIMULACRA2 says "not computed" and the hint says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAt, dropFiles, photoLikePng } from './support.mjs';

async function setLimit(page, name, text) {
  await page.fill(`#limit-${name}${name.endsWith('Bytes') ? '' : '-number'}`, text);
  await page.dispatchEvent(`#limit-${name}${name.endsWith('Bytes') ? '' : '-number'}`, 'change');
}

const state = (page, want) => page.waitForFunction((s) => document.querySelector('.figures').dataset.state === s, want, { timeout: 120_000 });

test('raised limits let a large PNG through, and a job in bands shows its figures', async () => {
  const env = await launch();
  try {
    const page = await openAt(env, '/', { width: 1200, height: 900 });
    await page.click('#more-options summary');
    assert.equal(await page.inputValue('#limit-maxPixels-number'), '100000000');
    await setLimit(page, 'maxPixels', '2000000');
    await setLimit(page, 'maxMemoryBytes', '140 MB');
    await page.selectOption('#format', 'jpeg');
    await dropFiles(page, [{ name: 'bands.png', mimeType: 'image/png', buffer: photoLikePng(2000, 1500) }]);
    await state(page, 'error');
    assert.match(await page.textContent('#status'), /the limits are .*2\.0 megapixels/);

    // Raised: the file is tried again, and with memory below the whole job's need it goes in bands.
    await setLimit(page, 'maxPixels', '5000000');
    await state(page, 'done');
    assert.equal(await page.textContent('#ssimulacra2'), 'not computed');
    assert.match(await page.textContent('#score-hint'), /compressed in bands of rows.*SSIMULACRA2 not computed/);
    assert.match(await page.textContent('#psnr'), /^\d+\.\d\d dB$/);
    assert.match(await page.textContent('#result-size'), /kB|MB/);
    assert.match(await page.textContent('#result-dims'), /^2000 × 1500 px$/);
    assert.match(await page.textContent('#headline'), /% smaller/);

    await page.selectOption('#format', 'png');
    await page.waitForFunction(() => document.querySelector('.figures').dataset.format === 'png'
      && document.querySelector('.figures').dataset.state === 'done', null, { timeout: 180_000 });
    assert.equal(await page.textContent('#ssimulacra2'), 'not computed');
    assert.equal(await page.textContent('#psnr'), '∞ (identical)');
    assert.equal(await page.textContent('#mse'), '0.00');

    // The limits are remembered with the other settings.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.inputValue('#limit-maxMemoryBytes'), '140.00 MB');
    await page.close();
  } finally {
    await env.close();
  }
});
