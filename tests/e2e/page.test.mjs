// Drives the real page in headless Chromium as a person would: open a photo, move the quality slider,
// read the figures, and check the result decodes and nothing left 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { launch, corpusFile, photoLikePng, root } from './support.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const shots = join(root, 'target', 'e2e-screenshots');
mkdirSync(shots, { recursive: true });

async function openPage() {
  const page = await env.browser.newPage({ viewport: { width: 1200, height: 900 } });
  const requests = [];
  const problems = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(`${env.origin}/`);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, requests, problems };
}

async function figures(page) {
  return page.evaluate(() => Object.fromEntries(
    ['original-size', 'result-size', 'saved', 'ratio', 'psnr', 'mse', 'status'].map((id) => [id, document.getElementById(id).textContent]),
  ));
}

/** Waits for the next finished result after `action`, identified by a changed result size or PSNR. */
async function resultAfter(page, action) {
  const before = await figures(page);
  await action();
  await page.waitForFunction(
    ([size, psnr]) => {
      const s = document.getElementById('status').textContent;
      return s.startsWith('Done') && (document.getElementById('result-size').textContent !== size
        || document.getElementById('psnr').textContent !== psnr);
    },
    [before['result-size'], before.psnr],
    { timeout: 60_000 },
  );
  return figures(page);
}

/**
 * Downloads the result through the button, as a person would, and decodes the shown result with the
 * browser's own decoder (independent of ours).
 */
async function download(page) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const bytes = readFileSync(await file.path());
  const shown = await page.evaluate(async () => {
    const img = document.getElementById('result');
    await img.decode();
    const bitmap = await createImageBitmap(img);
    return { width: bitmap.width, height: bitmap.height };
  });
  return { ...shown, bytes, name: file.suggestedFilename() };
}

const kb = (text) => Number.parseFloat(text) * (text.endsWith('MB') ? 1000 : 1);

async function compressAndSlide(file, name) {
  const { page, requests, problems } = await openPage();
  await page.setInputFiles('#file', file);
  const first = await resultAfter(page, async () => {});
  assert.match(first.status, /^Done: \d+ × \d+/);
  assert.match(first.psnr, /dB$/);
  const decodedFirst = await download(page);
  assert.deepEqual([...decodedFirst.bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  assert.match(decodedFirst.name, /\.jpg$/);
  await page.screenshot({ path: join(shots, `${name}-q75.png`) });

  // Drag the slider down with the keyboard, as a keyboard user would: smaller file, lower PSNR.
  await page.focus('#quality');
  const lower = await resultAfter(page, async () => { for (let i = 0; i < 5; i++) await page.keyboard.press('PageDown'); });
  assert.ok(Number(await page.inputValue('#quality')) < 75);
  assert.ok(kb(lower['result-size']) < kb(first['result-size']), `${lower['result-size']} < ${first['result-size']}`);
  assert.ok(Number.parseFloat(lower.psnr) < Number.parseFloat(first.psnr), `${lower.psnr} < ${first.psnr}`);
  const decoded = await download(page);
  assert.equal(decoded.width, decodedFirst.width);
  assert.equal(decoded.height, decodedFirst.height);
  assert.ok(Math.abs(decoded.bytes.length / 1000 - kb(lower['result-size'])) < 0.1, 'the download is the size shown');

  // Lossless PNG: identical pixels.
  const png = await resultAfter(page, () => page.selectOption('#format', 'png'));
  assert.equal(png.psnr, '∞ (identical)');
  assert.equal(png.mse, '0.00');
  const lossless = await download(page);
  assert.equal(lossless.bytes.subarray(1, 4).toString('latin1'), 'PNG');
  assert.equal(lossless.width, decoded.width);
  await page.screenshot({ path: join(shots, `${name}-png.png`) });

  const outside = requests.filter((u) => !u.startsWith(`${env.origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(outside, [], 'no request may leave the page\'s origin');
  assert.deepEqual(problems, []);
  await page.close();
  return { first, lower, png };
}

test('compresses a photo made in code, and the slider changes size and PSNR', async () => {
  await compressAndSlide({ name: 'fixture.png', mimeType: 'image/png', buffer: photoLikePng() }, 'fixture');
});

test('compresses a real corpus photo', async (t) => {
  const path = corpusFile('photos/kodim23.png');
  if (!path) return t.skip('shared corpus not present');
  const r = await compressAndSlide(path, basename(path, '.png'));
  console.log(`kodim23: q75 ${r.first['result-size']} PSNR ${r.first.psnr}; lower ${r.lower['result-size']} PSNR ${r.lower.psnr}`);
});

test('a file that is not an image shows a named error', async () => {
  const { page } = await openPage();
  await page.setInputFiles('#file', { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('hello') });
  await page.waitForSelector('#status.error');
  assert.match(await page.textContent('#status'), /notes\.jpg: .*\(DecodeError\)/);
  assert.equal(await page.getAttribute('#download', 'aria-disabled'), 'true');
  await page.close();
});
