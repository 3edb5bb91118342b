// What each engine draws and in what order the page works, read back from the page rather than looked
// at: the difference view's pixels, thumbnails and views of an EXIF-turned photo drawn upright, the
// browser's decoder taking over where the core cannot decode a file, and background work (the chart, the
// rest of the batch) waiting for the view's result, however many cores the engine reports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, openAt, corpusFile, fileSpec, photoLikePng, dropFiles, turnedJpeg, screenshotDir } from './support.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

async function shown(page, format) {
  await page.waitForFunction((fmt) => {
    const f = document.querySelector('.figures').dataset;
    return f.state === 'done' && f.format === fmt;
  }, format, { timeout: 120_000 });
}

const frames = (page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

/** RGBA of a `size` × `size` block at the centre of each canvas named, as plain arrays. */
function centreBlocks(page, ids, size) {
  return page.evaluate(([names, n]) => names.map((id) => {
    const c = document.getElementById(id);
    const x = Math.floor(c.width / 2 - n / 2);
    const y = Math.floor(c.height / 2 - n / 2);
    return [...c.getContext('2d').getImageData(x, y, n, n).data];
  }), [ids, size]);
}

test('the difference view is |result − original| ×10, black where identical', async () => {
  const page = await openAt(env);
  await dropFiles(page, [{ name: 'photo.png', mimeType: 'image/png', buffer: photoLikePng(320, 240) }]);
  await shown(page, 'jpeg');
  // At 100 % (the fit of a small photo) every image pixel is one canvas pixel. Split view lays both
  // canvases over the same box, so the same canvas pixel is the same image pixel in each.
  await page.click('#zoom-100');
  await page.click('.modes label:has(input[value="split"])');
  await frames(page);
  const [original, result] = await centreBlocks(page, ['original', 'result'], 32);
  await page.click('.modes label:has(input[value="diff"])');
  await frames(page);
  const [difference] = await centreBlocks(page, ['result'], 32);
  let worst = 0;
  let lit = 0;
  for (let i = 0; i < difference.length; i += 4) {
    assert.equal(difference[i + 3], 255, 'the difference is opaque');
    for (let ch = 0; ch < 3; ch++) {
      const due = Math.min(255, 10 * Math.abs(result[i + ch] - original[i + ch]));
      worst = Math.max(worst, Math.abs(difference[i + ch] - due));
      if (difference[i + ch] > 0) lit++;
    }
  }
  assert.ok(worst <= 3, `a difference pixel is ${worst} away from 10 × |result − original|`);
  assert.ok(lit > 0, 'a lossy JPEG differs somewhere');

  // Lossless: nothing differs, so the view is black.
  await page.selectOption('#format', 'png');
  await shown(page, 'png');
  await frames(page);
  await frames(page);
  const [lossless] = await centreBlocks(page, ['result'], 32);
  const rgb = lossless.filter((_, i) => i % 4 !== 3);
  assert.ok(rgb.every((v) => v === 0), `lossless difference shows ${rgb.find((v) => v !== 0)} where 0 is due`);
  await page.close();
});

test('a photo turned by its EXIF orientation is upright in its thumbnail and in both views', async () => {
  const page = await openAt(env);
  await dropFiles(page, [{ name: 'turned.jpg', mimeType: 'image/jpeg', buffer: await turnedJpeg(64, 32) }]);
  await shown(page, 'jpeg');
  await page.waitForFunction(() => document.querySelector('#files .thumb')?.width > 1 && ['original', 'result'].every((id) => {
    const c = document.getElementById(id);
    return c.width > 0 && c.getContext('2d').getImageData(Math.floor(c.width / 2), Math.floor(c.height / 2), 1, 1).data[3] === 255;
  }), null, { timeout: 30_000 });
  const seen = await page.evaluate(() => {
    // Mean colour of a few rows a quarter from the top and a quarter from the bottom of a region.
    const sample = (canvas, x, y, w, h) => {
      const ctx = canvas.getContext('2d');
      const at = (row) => {
        const d = ctx.getImageData(Math.round(x + w / 4), Math.round(row), Math.max(1, Math.round(w / 2)), 2).data;
        const mean = [0, 1, 2].map((ch) => d.filter((_, i) => i % 4 === ch).reduce((a, b) => a + b, 0) / (d.length / 4));
        return mean.map(Math.round);
      };
      return { top: at(y + h / 4), bottom: at(y + (3 * h) / 4) };
    };
    const thumb = document.querySelector('#files .thumb');
    const views = ['original', 'result'].map((id) => {
      // The upright photo is 32 × 64 at 100 %, centred in its pane.
      const c = document.getElementById(id);
      const dpr = devicePixelRatio;
      return sample(c, c.width / 2 - 16 * dpr, c.height / 2 - 32 * dpr, 32 * dpr, 64 * dpr);
    });
    return { thumb: { width: thumb.width, height: thumb.height, ...sample(thumb, 0, 0, thumb.width, thumb.height) }, views };
  });
  const red = ([r, g, b]) => r > 150 && g < 90 && b < 90;
  const blue = ([r, g, b]) => b > 150 && r < 90 && g < 90;
  assert.ok(seen.thumb.height > seen.thumb.width, `thumbnail ${seen.thumb.width} × ${seen.thumb.height} is upright (taller than wide)`);
  assert.ok(red(seen.thumb.top) && blue(seen.thumb.bottom), `thumbnail: top ${seen.thumb.top}, bottom ${seen.thumb.bottom} (red over blue)`);
  for (const [i, view] of seen.views.entries()) {
    assert.ok(red(view.top) && blue(view.bottom), `${i ? 'result' : 'original'}: top ${view.top}, bottom ${view.bottom} (red over blue)`);
  }
  assert.match(await page.textContent('#status'), /^Done: 32 × 64/);
  await page.close();
});

test('a JPEG the core cannot decode (arithmetic coding) goes to the browser\'s decoder', async (t) => {
  const path = corpusFile('special/jpeg-arithmetic-coded-ijg-testimgari.jpg');
  if (!path) return t.skip('shared corpus not present');
  const file = fileSpec(path);
  const page = await openAt(env);
  const browserReads = await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return createImageBitmap(new Blob([bytes], { type: 'image/jpeg' })).then(() => true, () => false);
  }, file.buffer.toString('base64'));
  await dropFiles(page, [file]);
  await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#files .file')?.dataset.state), null, { timeout: 60_000 });
  const status = await page.textContent('#files .file .file-status');
  if (browserReads) {
    assert.equal(status, 'Done (decoded by the browser)');
    assert.match(await page.textContent('#status'), /^Done: \d+ × \d+, JPEG, decoded by the browser\./);
  } else {
    // Neither can: the message says so, rather than the core's "unsupported coding".
    assert.match(status, /neither pixsqueeze nor this browser can read this file.*\(DecodeError\)/);
  }
  console.log(`  ${env.engine}: the browser ${browserReads ? 'decodes' : 'does not decode'} arithmetic-coded JPEG; row: ${status}`);
  await page.close();
});

test('the chart and the batch start once the view has its result, however many cores the engine reports', async () => {
  const page = await openAt(env);
  // Two photos of different sizes, so that a job's input tells which photo it is for.
  const photos = [photoLikePng(480, 360), photoLikePng(400, 300)];
  await dropFiles(page, photos.map((buffer, i) => ({ name: `photo-${i + 1}.png`, mimeType: 'image/png', buffer })));
  await shown(page, 'jpeg');
  await page.waitForFunction(() => document.querySelectorAll('#chart-table tbody tr').length >= 6, null, { timeout: 120_000 });
  await page.waitForFunction(() => [...document.querySelectorAll('#files .file')].every((li) => li.dataset.state === 'done'), null, { timeout: 120_000 });
  const { jobs, cores } = await page.evaluate(() => ({
    cores: navigator.hardwareConcurrency,
    jobs: window.e2e.jobs.filter((j) => j.op === 'compress').map(({ setting, input, posted, answered }) => ({ setting, input, posted, answered })),
  }));
  // The view's job: the first photo, whole, at the default quality. The page may also compress a small
  // sample of it for live estimates: that is the view's work too, and small.
  const view = jobs.find((j) => j.input === photos[0].length && j.setting.startsWith('jpeg q75'));
  assert.ok(view?.answered != null, `the view's job was posted and answered: ${JSON.stringify(jobs)}`);
  const chart = jobs.filter((j) => j.input === photos[0].length && !j.setting.startsWith('jpeg q75'));
  const batch = jobs.filter((j) => j.input === photos[1].length);
  assert.ok(chart.length >= 5 && batch.length >= 1, `${chart.length} chart jobs, ${batch.length} for the second photo`);
  const early = [...chart, ...batch].filter((j) => j.posted < view.answered);
  assert.deepEqual(early, [], `with ${cores} cores reported, background jobs were posted before the view's result (${Math.round(view.answered)} ms)`);
  await page.close();
});

test('screenshots of the page with a result, at desktop and phone sizes', async () => {
  for (const [name, viewport] of [['desktop-1280x900', { width: 1280, height: 900 }], ['phone-390x844', { width: 390, height: 844 }]]) {
    const page = await openAt(env, '/', viewport);
    await dropFiles(page, [{ name: 'photo.png', mimeType: 'image/png', buffer: photoLikePng(640, 480) }]);
    await shown(page, 'jpeg');
    await frames(page);
    assert.deepEqual(await page.evaluate(() => [innerWidth, innerHeight]), [viewport.width, viewport.height]);
    await page.screenshot({ path: join(screenshotDir(), `result-${name}.png`) });
    await page.close();
  }
});
