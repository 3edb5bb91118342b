// A TIFF on the page (issue 16). No browser shows TIFF: the core makes a lossless PNG of it for the
// viewer's left side, labelled so. A small one goes to JPEG the whole-image way; a larger one, with "Most memory"
// lowered below the whole-image job's need, goes to JPEG and to PNG in bands. Each time the result is
// drawn, the figures are shown (and say "in bands" when it was), and the download is the file shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAt, dropFiles, decodeInNode, shownBytes } from './support.mjs';

/** An uncompressed little-endian RGB TIFF, 8 bits a sample, in strips of 64 rows: smooth colour with
 * a little noise, like a scan. */
function makeTiff(width, height) {
  let s = 0x9e3779b9;
  const noise = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return ((s >>> 0) % 9) - 4; };
  const clamp = (v) => Math.max(0, Math.min(255, v));
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 3) {
      pixels[i] = clamp(Math.round((255 * x) / width) + noise());
      pixels[i + 1] = clamp(Math.round((255 * y) / height) + noise());
      pixels[i + 2] = clamp(128 + Math.round(70 * Math.sin(x / 23) * Math.cos(y / 31)) + noise());
    }
  }
  const rows = 64;
  const strips = Math.ceil(height / rows);
  const stripBytes = Array.from({ length: strips }, (_, k) => Math.min(rows, height - k * rows) * width * 3);
  // Header, then the IFD, then its arrays (bits per sample, strip offsets and sizes), then the pixels.
  const entries = 10;
  const ifd = 8;
  const bits = ifd + 2 + entries * 12 + 4;
  const offsets = bits + 6;
  const counts = offsets + strips * 4;
  const data = counts + strips * 4;
  const head = Buffer.alloc(data);
  head.write('II', 0, 'latin1');
  head.writeUInt16LE(42, 2);
  head.writeUInt32LE(ifd, 4);
  head.writeUInt16LE(entries, ifd);
  const tag = (n, id, type, count, value) => {
    const at = ifd + 2 + n * 12;
    head.writeUInt16LE(id, at);
    head.writeUInt16LE(type, at + 2);
    head.writeUInt32LE(count, at + 4);
    if (type === 3 && count === 1) head.writeUInt16LE(value, at + 8);
    else head.writeUInt32LE(value, at + 8);
  };
  const SHORT = 3;
  const LONG = 4;
  tag(0, 256, LONG, 1, width);
  tag(1, 257, LONG, 1, height);
  tag(2, 258, SHORT, 3, bits);
  tag(3, 259, SHORT, 1, 1); // no compression
  tag(4, 262, SHORT, 1, 2); // RGB
  tag(5, 273, LONG, strips, strips === 1 ? data : offsets);
  tag(6, 277, SHORT, 1, 3);
  tag(7, 278, LONG, 1, rows);
  tag(8, 279, LONG, strips, strips === 1 ? stripBytes[0] : counts);
  tag(9, 284, SHORT, 1, 1); // chunky
  for (let k = 0; k < 3; k++) head.writeUInt16LE(8, bits + 2 * k);
  for (let k = 0, at = data; k < strips; at += stripBytes[k], k++) {
    head.writeUInt32LE(at, offsets + 4 * k);
    head.writeUInt32LE(stripBytes[k], counts + 4 * k);
  }
  return Buffer.concat([head, pixels]);
}

const finished = (page, format) => page.waitForFunction((f) => {
  const d = document.querySelector('.figures').dataset;
  return d.state === 'done' && d.format === f;
}, format, { timeout: 180_000 });

/** The left side draws the TIFF's pixels: the original pane's centre is not blank. */
async function originalDrawn(page) {
  await page.waitForFunction(() => document.getElementById('stage').hasAttribute('data-has-image'), null, { timeout: 60_000 });
  return page.waitForFunction(() => {
    const c = document.getElementById('original');
    const px = c.getContext('2d').getImageData(c.width >> 1, c.height >> 1, 1, 1).data;
    return px[3] === 255 && [...px];
  }, null, { timeout: 30_000 });
}

async function downloaded(page, ext, width, height) {
  const shown = await page.textContent('#result-size');
  const file = await page.download('#download');
  assert.match(file.name, new RegExp(`^scan\\.${ext}$`));
  // The size shown has three significant digits.
  assert.ok(Math.abs(file.bytes.length - shownBytes(shown)) <= Math.max(50, file.bytes.length * 0.005), `${file.bytes.length} B is ${shown}`);
  const image = await decodeInNode(file.bytes);
  assert.deepEqual([image.width, image.height], [width, height]);
}

test('a TIFF: the original is shown, the result, its figures and the download', async () => {
  const env = await launch();
  try {
    const page = await openAt(env, '/', { width: 1200, height: 900 });
    await page.selectOption('#format', 'jpeg');
    await dropFiles(page, [{ name: 'scan.tif', mimeType: 'image/tiff', buffer: makeTiff(300, 200) }]);
    await finished(page, 'jpeg');
    await originalDrawn(page);
    assert.equal(await page.textContent('#tag-left'), 'Original (decoded by pixsqueeze)');
    assert.match(await page.textContent('#result-dims'), /^300 × 200 px$/);
    assert.match(await page.textContent('#ssimulacra2'), /^\d+\.\d/);
    assert.match(await page.textContent('#psnr'), /^\d+\.\d\d dB$/);
    assert.doesNotMatch(await page.textContent('#score-hint'), /bands/);
    await downloaded(page, 'jpg', 300, 200);
    await page.close();
  } finally {
    await env.close();
  }
});

test('a TIFF larger than "Most memory" allows whole goes to JPEG and PNG in bands', async () => {
  const env = await launch();
  try {
    const page = await openAt(env, '/', { width: 1200, height: 900 });
    await page.click('#more-options summary');
    await page.fill('#limit-maxMemoryBytes', '150 MB');
    await page.dispatchEvent('#limit-maxMemoryBytes', 'change');
    await page.selectOption('#format', 'jpeg');
    await dropFiles(page, [{ name: 'scan.tiff', mimeType: 'image/tiff', buffer: makeTiff(2000, 1500) }]);
    await finished(page, 'jpeg');
    assert.match(await page.textContent('#score-hint'), /compressed in bands of rows/);
    assert.equal(await page.textContent('#ssimulacra2'), 'not computed');
    assert.match(await page.textContent('#psnr'), /^\d+\.\d\d dB$/);
    assert.match(await page.textContent('#result-dims'), /^2000 × 1500 px$/);
    await originalDrawn(page);
    await downloaded(page, 'jpg', 2000, 1500);

    await page.selectOption('#format', 'png');
    await finished(page, 'png');
    assert.match(await page.textContent('#score-hint'), /compressed in bands of rows/);
    assert.equal(await page.textContent('#psnr'), '∞ (identical)');
    await downloaded(page, 'png', 2000, 1500);
    await page.close();
  } finally {
    await env.close();
  }
});
