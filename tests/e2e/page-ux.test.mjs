// What a first-time user trips over (issue 13, items 1–9, and the page's items of issue 17), each
// driven as a person would: plain clicks, typing and DOM reads, so the same steps run in every engine.
// Figures that are measured rather than asserted (the slider's estimate and final times) are printed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as support from './support.mjs';

const { launch, corpusFile, fileSpec, makePng, photoLikePng, root, dropFiles, decodeInNode, shownBytes } = support;

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const shots = support.screenshotDir();

async function openPage(viewport = { width: 1280, height: 900 }) {
  // Every driver's page is a fresh browser context: the default settings, nothing in storage.
  const page = await env.newPage({ viewport });
  await page.goto(`${env.origin}/`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

let glue = null;
/** Encodes RGBA with the project's own wasm in Node: a JPEG fixture made in code. */
async function encodeInNode(rgba, width, height, options) {
  if (!glue) {
    glue = await import(pathToFileURL(join(root, 'pkg', 'pixsqueeze_full.js')).href);
    await glue.default({ module_or_path: readFileSync(join(root, 'pkg', 'pixsqueeze_full_bg.wasm')) });
  }
  return Buffer.from(glue.encode(new Uint8Array(rgba), width, height, options));
}

function noisyRgba(width, height, seed = 0x2545f491) {
  let s = seed;
  const noise = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return ((s >>> 0) % 41) - 20; };
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      out[i] = Math.max(0, Math.min(255, Math.round((x / width) * 200) + 30 + noise()));
      out[i + 1] = Math.max(0, Math.min(255, Math.round((y / height) * 200) + 30 + noise()));
      out[i + 2] = Math.max(0, Math.min(255, 128 + Math.round(60 * Math.sin(x / 7) * Math.cos(y / 11)) + noise()));
      out[i + 3] = 255;
    }
  }
  return out;
}

/** A camera-like JPEG made by our own encoder: a lossless format makes it grow. */
async function photoJpeg(width = 640, height = 480) {
  return { name: 'holiday.jpg', mimeType: 'image/jpeg', buffer: await encodeInNode(noisyRgba(width, height), width, height, { format: 'jpeg', quality: 92 }) };
}

/** A logo: flat colours on a transparent background, optimised by our own PNG encoder, as the PNGs
 * people put on web sites are; JPEG makes it several times larger. */
async function logoPng(width = 480, height = 320) {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = Math.hypot(x - width / 2, y - height / 2) < height / 3;
      const stripe = ((x >> 4) + (y >> 4)) % 2;
      rgba.set(inside ? (stripe ? [220, 40, 40, 255] : [30, 90, 200, 255]) : [0, 0, 0, 0], (y * width + x) * 4);
    }
  }
  return { name: 'logo.png', mimeType: 'image/png', buffer: await encodeInNode(rgba, width, height, { format: 'png' }) };
}

/** A big photo-like PNG (defaults: 2400 × 1600): slow enough that work in progress can be seen. */
function bigPhoto(width = 2400, height = 1600) {
  return { name: `big-${width}x${height}.png`, mimeType: 'image/png', buffer: photoLikePng(width, height) };
}

const state = (page) => page.evaluate(() => {
  const f = document.querySelector('.figures');
  return { state: f.dataset.state, format: f.dataset.format, quality: f.dataset.quality, headline: document.getElementById('headline').textContent };
});

async function waitDone(page, format, quality, timeout = 180_000) {
  await page.waitForFunction(([fmt, q]) => {
    const f = document.querySelector('.figures').dataset;
    return f.state === 'done' && (fmt == null || f.format === fmt) && (q == null || f.quality === String(q));
  }, [format, quality], { timeout });
  return state(page);
}

/**
 * Sets a range input as a dragging thumb does (`act`: { selector, value, event: 'input' }: input events
 * only, no `change` until let go) and resolves to the milliseconds until the figures show `want`
 * ({ state: [...], quality }), timed in the page by a MutationObserver; null after 120 s.
 */
function timeUntil(page, act, want) {
  return page.evaluate(([a, w]) => new Promise((resolve) => {
    const f = document.querySelector('.figures');
    const ok = () => w.state.includes(f.dataset.state) && (w.quality == null || f.dataset.quality === String(w.quality));
    const t0 = performance.now();
    const done = (v) => { observer.disconnect(); clearTimeout(timer); resolve(v); };
    const observer = new MutationObserver(() => { if (ok()) done(performance.now() - t0); });
    observer.observe(f, { attributes: true, subtree: true, childList: true, characterData: true });
    const timer = setTimeout(() => done(null), 120_000);
    const range = document.querySelector(a.selector);
    if (a.value != null) range.value = String(a.value);
    range.dispatchEvent(new Event(a.event, { bubbles: true }));
    if (ok()) done(performance.now() - t0);
  }), [act, want]);
}

const drag = (selector, value) => ({ selector, value, event: 'input' });
const letGo = (selector) => ({ selector, event: 'change' });

test('1. the slider is live: an estimate while dragging, labelled, then the final figures', async () => {
  const page = await openPage();
  const camera = corpusFile('photos/camera-canon-eos-450d-12mp.jpg');
  const photo = camera ? fileSpec(camera) : bigPhoto();
  const t0 = await dropFiles(page, [photo]);
  // The first figures may be an estimate from a sample; the final ones follow.
  const firstFigures = await page.evaluate(async () => {
    const f = document.querySelector('.figures');
    while (!['estimate', 'done'].includes(f.dataset.state)) await new Promise((r) => setTimeout(r, 10));
    return performance.now();
  });
  await waitDone(page, 'jpeg', 75);
  const firstDone = await page.evaluate(() => performance.now());

  // Drag: every step shows an estimate, marked as such, without waiting for the full-size encode.
  const times = [];
  for (const q of [60, 45, 30]) {
    times.push(await timeUntil(page, drag('#opt-quality', q), { state: ['estimate', 'done'], quality: q }));
    const s = await state(page);
    assert.equal(s.state, 'estimate');
    assert.match(s.headline, /about .*Estimated from a sample at JPEG q\d+; the exact figures follow\./, s.headline);
    assert.match(await page.textContent('#result-size'), /^≈ /);
  }
  assert.ok(times.every((t) => t != null), `no estimate came: ${times}`);
  const estimated = shownBytes((await page.textContent('#result-size')).replace('≈ ', ''));
  const estimatedScore = Number.parseFloat((await page.textContent('#ssimulacra2')).replace('≈ ', ''));
  const final = await timeUntil(page, letGo('#opt-quality'), { state: ['done'], quality: 30 });
  assert.ok(final != null, 'no final figures after letting go');
  assert.doesNotMatch((await state(page)).headline, /Estimated/);
  const exact = shownBytes(await page.textContent('#result-size'));
  const exactScore = Number.parseFloat(await page.textContent('#ssimulacra2'));
  assert.ok(Math.abs(estimated - exact) / exact < 0.5, `estimate ${estimated} B is far from ${exact} B`);
  console.log(`${photo.name}: drop → first figures ${((firstFigures - t0) / 1000).toFixed(2)} s, final ${((firstDone - t0) / 1000).toFixed(2)} s; `
    + `slider step → estimate on screen ${times.map((t) => `${Math.round(t)} ms`).join(', ')}; release → final figures ${(final / 1000).toFixed(2)} s; `
    + `estimate at q30 ${estimated} B, SSIMULACRA2 ${estimatedScore}; final ${exact} B, ${exactScore}`);
  await page.close();
});

test('1c. the picture shows as soon as its file is written; the scores follow, marked as being measured', async () => {
  const page = await openPage();
  // Every change of the figures, from the drop to the final ones (a MutationObserver misses none).
  await page.evaluate(() => {
    const f = document.querySelector('.figures');
    window.seenFigures = [];
    new MutationObserver(() => {
      const last = window.seenFigures.at(-1);
      const now = { state: f.dataset.state, size: document.getElementById('result-size').textContent, score: document.getElementById('ssimulacra2').textContent,
        shown: performance.getEntriesByName('pixsqueeze:result-shown').length, t: Math.round(performance.now()) };
      if (!last || last.state !== now.state || last.score !== now.score || last.shown !== now.shown) window.seenFigures.push(now);
    }).observe(f, { attributes: true, subtree: true, childList: true, characterData: true });
  });
  await dropFiles(page, [bigPhoto(2000, 1500)]);
  await waitDone(page, 'jpeg', 75);
  // The page asks for the written file to be drawn when it renders the 'encoded' state, not when the
  // scores come; whether it is on screen before them is a race between the browser's decode for display
  // and the worker's scoring. Every CI engine has lost it on a busy machine (WebKit 30 November, Firefox
  // 1 December), so the order is printed, and what is required is the request and the picture itself.
  await page.waitForFunction(() => performance.getEntriesByName('pixsqueeze:result-shown').length > 0, null, { timeout: 30_000 });
  const seen = await page.evaluate(() => window.seenFigures);
  const shownAt = await page.evaluate(() => Math.round(performance.getEntriesByName('pixsqueeze:result-shown')[0].startTime));
  const early = seen.find((s) => s.state === 'encoded');
  const final = seen.find((s) => s.state === 'done');
  assert.ok(early, JSON.stringify(seen));
  assert.equal(early.score, 'measuring…');
  assert.equal(early.size, final.size, 'the written file is the final one: its size is exact');
  // One picture for both: the final result reuses the written file's blob, so nothing is drawn twice.
  assert.equal(await page.evaluate(() => performance.getEntriesByName('pixsqueeze:side-shown').filter((m) => m.detail.side === 1).length), 1);
  console.log(`${support.engine}: file written at ${early.t} ms, picture on screen at ${shownAt} ms, final figures at ${final.t} ms`
    + ` (the picture ${shownAt <= final.t ? 'first' : 'after the scores'})`);
  await page.close();
});

test('2. resize is in view with presets, and the output size is shown', async () => {
  const page = await openPage();
  await dropFiles(page, [{ name: 'wide.png', mimeType: 'image/png', buffer: photoLikePng(2400, 1200) }]);
  await waitDone(page, 'jpeg', 75);
  assert.equal(await page.isVisible('#resize'), true);
  const labels = await page.$$eval('#resize .presets label', (ls) => ls.map((l) => l.textContent.trim()));
  assert.deepEqual(labels, ['Original', '3840 px', '2560 px', '1920 px', '1280 px', 'Custom…']);
  assert.match(await page.textContent('#output-size'), /^2400 × 1200 px \(the original size\)$/);
  await page.click('label[for="resize-1920"]');
  assert.equal(await page.textContent('#output-size'), '2400 × 1200 → 1920 × 960 px');
  await page.waitForFunction(() => /^Done: 1920 × 960,/.test(document.getElementById('status').textContent), null, { timeout: 120_000 });
  await page.click('label[for="resize-custom"]');
  // The boxes stay open while the page renders again as background jobs finish, though the sizes
  // still equal the 1920 preset's (a render used to take them for that preset and close them).
  await page.waitForTimeout(1500);
  assert.equal(await page.isVisible('#opt-maxHeight-number'), true);
  assert.equal(await page.evaluate(() => document.getElementById('resize-custom').checked), true);
  await page.fill('#opt-maxHeight-number', '300');
  await page.dispatchEvent('#opt-maxHeight-number', 'change');
  assert.equal(await page.textContent('#output-size'), '2400 × 1200 → 600 × 300 px');
  await page.waitForFunction(() => /^Done: 600 × 300,/.test(document.getElementById('status').textContent), null, { timeout: 120_000 });
  await page.click('label[for="resize-0"]');
  await page.waitForFunction(() => /^Done: 2400 × 1200,/.test(document.getElementById('status').textContent), null, { timeout: 120_000 });
  await page.close();
});

test('3. auto shows what it tries, with the time, and can be stopped', async () => {
  const page = await openPage();
  await dropFiles(page, [bigPhoto(2000, 1500)]);
  await waitDone(page, 'jpeg', 75);
  await page.selectOption('#format', 'auto');
  await page.waitForFunction(() => !document.getElementById('busy').hidden && document.querySelectorAll('#probes li').length >= 1, null, { timeout: 120_000 });
  const busy = await page.textContent('#busy-text');
  assert.match(busy, /^Finding the smallest good format: \d+ tried, now .+ at \d+ × \d+ → [\d.]+ (B|kB|MB)/, busy);
  assert.match(await page.textContent('#busy-time'), /^\d+ s$/);
  await page.click('#stop');
  await page.waitForFunction(() => document.getElementById('busy').hidden, null, { timeout: 120_000 });
  assert.match(await page.textContent('#status'), /stopped\. Change a setting to compress again\.$/);
  const row = await page.$$eval('#files .file', (lis) => lis.map((li) => li.dataset.state));
  assert.deepEqual(row, ['cancelled']);
  await page.close();
});

/** Is the element's box wholly inside the viewport? */
const inView = (page, selector) => page.evaluate((sel) => {
  const r = document.querySelector(sel).getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight + 0.5 && r.right <= innerWidth + 0.5;
}, selector);

test('4. layout: at 1400 × 900 download, file list and ZIP are in view; on a phone the photo stays in sight while sliding', async () => {
  let page = await openPage({ width: 1400, height: 900 });
  const photos = [photoLikePng(640, 480), photoLikePng(480, 640), photoLikePng(500, 500)]
    .map((buffer, i) => ({ name: `photo-${i + 1}.png`, mimeType: 'image/png', buffer }));
  await dropFiles(page, photos);
  await waitDone(page, 'jpeg', 75);
  await page.waitForFunction(() => [...document.querySelectorAll('#files .file')].every((li) => li.dataset.state === 'done'), null, { timeout: 120_000 });
  for (const sel of ['#download', '#download-all', '#files .file:first-child', '#opt-quality', '#stage', '#headline']) {
    assert.equal(await inView(page, sel), true, `${sel} is cut off or below the fold at 1400 × 900`);
  }
  const stage = await page.evaluate(() => document.getElementById('stage').getBoundingClientRect().height);
  assert.ok(stage >= 450, `the viewer is ${stage}px high`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight + 1), true, 'the page scrolls at 1400 × 900');
  await page.screenshot({ path: join(shots, 'desktop-1400x900.png') });
  await page.close();

  page = await openPage({ width: 390, height: 844 });
  await dropFiles(page, photos.slice(0, 2));
  await waitDone(page, 'jpeg', 75);
  // The slider in view (as after scrolling to it): the photo must still be on screen.
  await page.evaluate(() => document.getElementById('opt-quality').scrollIntoView({ block: 'end' }));
  await page.waitForTimeout(100);
  assert.equal(await inView(page, '#opt-quality'), true);
  assert.equal(await inView(page, '#stage'), true, 'the photo is out of sight while the slider is in view');
  await page.screenshot({ path: join(shots, 'phone-390x844-slider.png') });
  // Scrolled further down (the file list), the viewer stays at the top.
  await page.evaluate(() => document.getElementById('files').scrollIntoView({ block: 'end' }));
  await page.waitForTimeout(100);
  assert.equal(await inView(page, '#stage'), true, 'the viewer scrolled away');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  await page.evaluate(() => scrollTo(0, 0));
  // Every view and zoom control is on screen, none hidden past the edge of a row scrolled sideways.
  for (const sel of ['.modes label:nth-of-type(1)', '.modes label:nth-of-type(3)', '#zoom-out', '#zoom-in', '#zoom-fit', '#zoom-100', '#zoom-changed']) {
    assert.equal(await inView(page, sel), true, `${sel} is cut off at 390 px`);
  }
  await page.screenshot({ path: join(shots, 'phone-390x844.png') });
  await page.close();
});

test('5. figures lead with a plain sentence; a larger file reads as larger, never "saved"', async () => {
  const page = await openPage();
  const photo = await photoJpeg();
  await dropFiles(page, [photo]);
  const jpeg = await waitDone(page, 'jpeg', 75);
  assert.match(jpeg.headline, /^[\d.]+ (B|kB|MB) → [\d.]+ (B|kB|MB): [\d.]+ % (smaller|larger)[^;]*; it (looks|shows|is) [^.]+\.$/, jpeg.headline);
  // The numbers are there for those who want them, each with a line saying what it means.
  const explained = await page.$$eval('#numbers dl > div', (ds) => ds.map((d) => [d.querySelector('dt').textContent, d.querySelector('.explain').textContent.length]));
  for (const [name, length] of explained) assert.ok(name === 'Result' || length > 15, `${name} is not explained`);
  assert.deepEqual(explained.map(([n]) => n), ['Original', 'Result', 'Change', 'Ratio', 'SSIMULACRA2', 'PSNR', 'MSE']);
  // The list shows the same headline score as the main view.
  const score = await page.textContent('#ssimulacra2');
  await page.waitForFunction(() => document.querySelector('#files .file').dataset.state === 'done', null, { timeout: 120_000 });
  assert.equal(await page.textContent('#files .file .file-score'), `SSIMULACRA2 ${score}`);

  // Lossless PNG of a JPEG photo grows: it says larger, everywhere.
  await page.selectOption('#format', 'png');
  const png = await waitDone(page, 'png');
  assert.match(png.headline, /: [\d.]+ % larger than your file; it is identical to the original\.$/, png.headline);
  assert.match(await page.textContent('#saved'), /^[\d.]+ % larger$/);
  await page.waitForFunction(() => document.querySelector('#files .file').dataset.state === 'done', null, { timeout: 120_000 });
  const sizes = await page.textContent('#files .file .file-sizes');
  assert.match(sizes, /\([\d.]+ % larger\)$/);
  const bar = await page.textContent('#progress-text');
  assert.match(bar, /^1 of 1 done: [\d.]+ (B|kB|MB) larger in all \([\d.]+ % larger\)$/, bar);
  const text = await page.evaluate(() => document.body.innerText);
  assert.doesNotMatch(text, /saved/i);
  await page.close();
});

test('6. zoom to the most changed area; each side its own encoding', async () => {
  const page = await openPage();
  // Flat grey, but for a square of fine noise: the noise is where JPEG changes the picture.
  let s = 7;
  const rand = () => { s = (s * 1103515245 + 12345) >>> 0; return s >>> 24; };
  const png = makePng(900, 600, (x, y) => (x >= 640 && x < 800 && y >= 380 && y < 540 ? [rand(), rand(), rand(), 255] : [128, 128, 128, 255]));
  await dropFiles(page, [{ name: 'noise-patch.png', mimeType: 'image/png', buffer: png }]);
  await waitDone(page, 'jpeg', 75);
  await page.click('#zoom-changed');
  await page.waitForFunction(() => /^Zoomed to the most changed area/.test(document.getElementById('status').textContent), null, { timeout: 120_000 });
  const found = (await page.textContent('#status')).match(/\((\d+), (\d+)\)/).slice(1).map(Number);
  assert.ok(found[0] >= 600 && found[0] <= 840 && found[1] >= 340 && found[1] <= 580, `zoomed to ${found}, not the noisy square`);
  assert.match(await page.textContent('#zoom-level'), /^\d+ %$/);
  // The original's pane now shows the noise, not flat grey.
  const spread = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
    const c = document.getElementById('original');
    const d = c.getContext('2d').getImageData(Math.floor(c.width / 2) - 8, Math.floor(c.height / 2) - 8, 16, 16).data;
    const reds = d.filter((_, i) => i % 4 === 0);
    resolve(Math.max(...reds) - Math.min(...reds));
  }))));
  assert.ok(spread > 100, `the centre of the view is flat (spread ${spread})`);

  // The left side as JPEG q20, the right as PNG: each tag says what it shows.
  await page.selectOption('#left-format', 'jpeg');
  await page.fill('#left-quality-number', '20');
  await page.dispatchEvent('#left-quality-number', 'change');
  await page.selectOption('#format', 'png');
  await waitDone(page, 'png');
  await page.waitForFunction(() => /^JPEG q20 · [\d.]+ (B|kB|MB)$/.test(document.getElementById('tag-left').textContent), null, { timeout: 120_000 });
  assert.match(await page.textContent('#tag-right'), /^PNG \(lossless\) · [\d.]+ (B|kB|MB)$/);
  await page.screenshot({ path: join(shots, 'desktop-two-encodings.png') });
  await page.selectOption('#left-format', '');
  await page.waitForFunction(() => document.getElementById('tag-left').textContent === 'Original', null, { timeout: 120_000 });
  await page.close();
});

test('7. controls say what they do: human labels, sizes typed as "200 KB"', async () => {
  const page = await openPage();
  await dropFiles(page, [await photoJpeg(800, 600)]);
  await waitDone(page, 'jpeg', 75);
  // No raw option values as labels.
  const raw = ['auto', 'keep', 'srgb', 'fast', 'default', 'max'];
  await page.click('#more-options summary');
  for (const format of ['jpeg', 'png']) {
    await page.selectOption('#format', format);
    const texts = await page.$$eval('.controls select:not(#format) option', (os) => os.map((o) => o.textContent));
    for (const t of texts) assert.ok(!raw.includes(t), `an option reads "${t}"`);
  }
  await page.selectOption('#format', 'jpeg');
  // Every option says what it does in words on the page, not only in a tooltip.
  const undescribed = await page.$$eval('.controls [data-option]', (cs) => cs
    .filter((c) => !c.querySelector('.hint')?.textContent.trim()).map((c) => c.dataset.option));
  assert.deepEqual(undescribed, []);

  await page.fill('#opt-maxBytes', '20 KB');
  // From the change on: a chart job the page posted while the text was being typed is not the budget's.
  // The time is taken in the script that dispatches the change: with a round trip between the two, the
  // chart of the first result (still running in WebKitGTK) once posted its q40 job in that gap.
  const since = await page.evaluate(() => {
    const t0 = performance.now();
    document.querySelector('#opt-maxBytes').dispatchEvent(new Event('change', { bubbles: true }));
    return t0;
  });
  assert.equal(await page.inputValue('#opt-maxBytes'), '20.0 kB');
  await page.waitForFunction(() => /Search: jpeg/.test(document.getElementById('status').textContent), null, { timeout: 120_000 });
  // With a size budget each job is a search that sets the quality itself: no chart jobs at other
  // qualities run beside the view's (they would each be the same search).
  const photoBytes = (await photoJpeg(800, 600)).buffer.length;
  const others = await page.evaluate(([t0, bytes]) => window.e2e.jobs
    .filter((j) => j.op === 'compress' && j.posted > t0 && j.input === bytes && !j.setting.startsWith('jpeg q75 ')).map((j) => j.setting), [since, photoBytes]);
  assert.deepEqual(others, []);
  assert.equal(await page.isHidden('#chart-figure'), true);
  const { bytes } = await page.download('#download');
  assert.ok(bytes.length <= 20_000, `${bytes.length} B > 20 kB`);
  await page.fill('#opt-maxBytes', 'lots');
  await page.dispatchEvent('#opt-maxBytes', 'change');
  assert.equal(await page.getAttribute('#opt-maxBytes', 'aria-invalid'), 'true');
  assert.match(await page.textContent('.control-bytes .input-error'), /is not a size/);
  await page.fill('#opt-maxBytes', '');
  await page.dispatchEvent('#opt-maxBytes', 'change');
  await waitDone(page, 'jpeg', 75);
  await page.close();
});

test('8. advice with the figure when a choice is bad, and the format that would be smaller', async () => {
  const page = await openPage();
  // A transparent logo to JPEG: it goes onto white, and grows.
  await dropFiles(page, [await logoPng()]);
  await waitDone(page, 'jpeg', 75);
  await page.waitForFunction(() => / would be [\d.]+ (B|kB|MB)/.test(document.getElementById('advice').textContent), null, { timeout: 120_000 });
  const alpha = await page.textContent('#advice');
  assert.match(alpha, /^This image has transparent areas, which JPEG cannot keep: they are filled with white \(the Background setting\), and the file grew [\d.]+ % /, alpha);
  assert.match(alpha, /would be [\d.]+ (B|kB|MB), ([\d.]+ % (smaller|larger) than|the same size as) your file, keeping the transparency,/);
  assert.equal(await page.isVisible('#advice .use-alternative'), true);

  // A photo to lossless: it grows, by how much, and JPEG would be far smaller.
  await page.click('#clear');
  await page.selectOption('#format', 'png');
  await dropFiles(page, [await photoJpeg()]);
  await waitDone(page, 'png');
  await page.waitForFunction(() => / would be [\d.]+ /.test(document.getElementById('advice').textContent), null, { timeout: 120_000 });
  const lossless = await page.textContent('#advice');
  assert.match(lossless, /^PNG \(lossless\) keeps every pixel exactly, so this file grew [\d.]+ % \([\d.]+ (B|kB|MB) → [\d.]+ (B|kB|MB)\)\. (JPEG|WebP)[^.]* would be [\d.]+ (B|kB|MB), [\d.]+ % smaller than your file/, lossless);
  await page.click('#advice .use-alternative');
  const switched = await waitDone(page);
  assert.notEqual(switched.format, 'png');
  assert.equal(await page.isHidden('#advice'), true);

  // The same photo to lossless WebP: quality has nothing to do (its slider is off), the file grows, and
  // lossy WebP is named with its size.
  await page.selectOption('#format', 'webp');
  await waitDone(page, 'webp');
  await page.click('label[for="opt-lossless"]');
  assert.equal(await page.evaluate(() => document.getElementById('opt-quality').disabled), true);
  await page.waitForFunction(() => / would be [\d.]+ /.test(document.getElementById('advice').textContent)
    && /^Lossless WebP/.test(document.getElementById('advice').textContent), null, { timeout: 120_000 });
  const webp = await page.textContent('#advice');
  assert.match(webp, /^Lossless WebP keeps every pixel exactly, so this file grew [\d.]+ % .* WebP q\d+ would be [\d.]+ (B|kB|MB), [\d.]+ % smaller than your file/, webp);
  assert.match(await page.textContent('#tag-right'), /^WebP lossless · /);
  await page.close();
});

test('9. no visual glitches: focus rings, empty chart, faded result, jumping drop zone', async () => {
  const page = await openPage();
  // A pointer user's focus on the hidden file input (as after clicking "Choose photos…") shows no ring;
  // a keyboard user's does.
  const ring = (sel) => page.evaluate((s) => getComputedStyle(document.querySelector(s)).outlineStyle, sel);
  await page.mouse.move(5, 5);
  await page.mouse.down();
  await page.mouse.up();
  await page.evaluate(() => document.getElementById('file').focus());
  assert.equal(await ring('label[for="file"]'), 'none');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'folder');
  assert.notEqual(await ring('label[for="folder"]'), 'none');

  // Nothing above the viewer moves when the first file comes in.
  const box = () => page.evaluate(() => ['drop', 'stage'].map((id) => {
    const r = document.getElementById(id).getBoundingClientRect();
    return [Math.round(r.top), Math.round(r.height), Math.round(r.left)];
  }));
  const before = await box();
  assert.equal(await page.isHidden('#chart-figure'), true, 'an empty chart is shown');
  await dropFiles(page, [bigPhoto(1600, 1200)]);
  const after = await box();
  assert.deepEqual(after[0], before[0], 'the drop zone moved or changed size');
  assert.equal(after[1][0], before[1][0], 'the viewer moved down');
  await waitDone(page, 'jpeg', 75);

  // The chart appears with points, its size axis in real units and the SSIMULACRA2 axis.
  await page.waitForFunction(() => !document.getElementById('chart-figure').hidden && document.querySelectorAll('#chart-table tbody tr').length >= 2, null, { timeout: 120_000 });
  const labels = await page.$$eval('#chart text', (ts) => ts.map((t) => t.textContent));
  assert.ok(!labels.includes('0 kB'), labels.join(' '));
  assert.equal(await page.textContent('#chart-score-name'), 'SSIMULACRA2');

  // While a new result is made the old one stays as it was (not faded); a bar says work is going on.
  await page.fill('#opt-quality-number', '93');
  await page.dispatchEvent('#opt-quality-number', 'change');
  const during = await page.evaluate(() => getComputedStyle(document.getElementById('result')).opacity);
  assert.equal(during, '1');
  await page.waitForFunction(() => !document.getElementById('busy').hidden || document.querySelector('.figures').dataset.state === 'done', null, { timeout: 120_000 });
  await waitDone(page, 'jpeg', 93);
  await page.close();
});

test('JPEG background: the colour transparent areas go onto is a control', async () => {
  const page = await openPage();
  await dropFiles(page, [await logoPng(160, 120)]);
  await waitDone(page, 'jpeg', 75);
  assert.equal(await page.getAttribute('#opt-background', 'type'), 'color');
  await page.evaluate(() => {
    const input = document.getElementById('opt-background');
    input.value = '#00ff00';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.waitForFunction(() => /filled with #00ff00/.test(document.getElementById('advice').textContent), null, { timeout: 120_000 });
  await waitDone(page, 'jpeg', 75);
  const { bytes } = await page.download('#download');
  const image = await decodeInNode(bytes);
  const [r, g, b] = image.data.subarray(0, 3); // the corner is transparent in the logo
  assert.ok(r < 40 && g > 215 && b < 40, `the corner is ${r},${g},${b}, not green`);
  await page.close();
});

test('1b. zoomed in, the slider previews the very pixels on screen before the whole result is in', async () => {
  const page = await openPage();
  const camera = corpusFile('photos/camera-canon-eos-450d-12mp.jpg');
  await dropFiles(page, [camera ? fileSpec(camera) : bigPhoto(3200, 2400)]);
  await waitDone(page, 'jpeg', 75);
  await page.click('#zoom-100');
  const ms = await timeUntilTag(page, drag('#opt-quality', 10), /^JPEG q10: preview of this part; the whole follows…$/);
  assert.ok(ms != null, `no preview: the tag reads ${await page.textContent('#tag-right')}`);
  // The preview is drawn: the result pane now differs from what it showed at q75.
  await timeUntil(page, letGo('#opt-quality'), { state: ['done'], quality: 10 });
  await page.waitForFunction(() => /^JPEG q10 · /.test(document.getElementById('tag-right').textContent), null, { timeout: 120_000 });
  console.log(`zoomed to 100 %: slider step → preview of the part on screen ${Math.round(ms)} ms`);
  await page.close();
});

/** Like timeUntil, but until the result's tag reads `pattern`. */
function timeUntilTag(page, act, pattern) {
  return page.evaluate(([a, source]) => new Promise((resolve) => {
    const tag = document.getElementById('tag-right');
    const re = new RegExp(source);
    const t0 = performance.now();
    const done = (v) => { observer.disconnect(); clearTimeout(timer); resolve(v); };
    const observer = new MutationObserver(() => { if (re.test(tag.textContent)) done(performance.now() - t0); });
    observer.observe(tag, { subtree: true, childList: true, characterData: true });
    const timer = setTimeout(() => done(null), 60_000);
    const range = document.querySelector(a.selector);
    if (a.value != null) range.value = String(a.value);
    range.dispatchEvent(new Event(a.event, { bubbles: true }));
  }), [act, pattern.source]);
}

test('a batch\'s thumbnails and transparency checks decode off the main thread', async () => {
  const page = await openPage();
  // Every decode the page asks of the main thread from here on, with its options.
  await page.evaluate(() => {
    window.mainDecodes = [];
    const original = window.createImageBitmap;
    window.createImageBitmap = function (source, ...rest) {
      window.mainDecodes.push(rest.find((a) => a && typeof a === 'object') ?? {});
      return original.call(this, source, ...rest);
    };
  });
  const files = [photoLikePng(640, 480), photoLikePng(480, 640), photoLikePng(500, 500)]
    .map((buffer, i) => ({ name: `photo-${i + 1}.png`, mimeType: 'image/png', buffer }));
  files.push(await logoPng());
  await dropFiles(page, files);
  await page.waitForFunction(() => [...document.querySelectorAll('#files .file')].every((li) => li.dataset.state === 'done'), null, { timeout: 180_000 });
  // Thumbnails drawn (a quiet moment lets them start) and the logo found transparent: JPEG's advice says so.
  await page.waitForFunction(() => [...document.querySelectorAll('#files .thumb')].every((c) => c.width > 1), null, { timeout: 120_000 });
  await page.click('#files .file:last-child .name');
  await page.waitForFunction(() => /transparent/i.test(document.getElementById('advice').textContent), null, { timeout: 120_000 });
  const decodes = await page.evaluate(() => window.mainDecodes);
  // The viewer still decodes the photo it shows here; thumbnails (96 px wide) and the 256 px
  // transparency check do not (WebKit decodes a file's createImageBitmap on the calling thread).
  assert.deepEqual(decodes.filter((o) => o.resizeWidth === 96 || o.resizeWidth === 256), [], JSON.stringify(decodes));
  await page.close();
});
