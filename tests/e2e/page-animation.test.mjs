// An animated GIF to WebP, and to APNG, on the page: the result stays animated (every frame), and both
// files play side by side under the viewer with the size saved (the viewer's canvases show one frame).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAt, corpusFile, fileSpec, dropFiles, shownBytes } from './support.mjs';

/** The chunk that makes each output animated: WebP's ANIM, APNG's acTL. */
const ANIMATED = { webp: 'ANIM', apng: 'acTL' };

for (const [format, chunk] of Object.entries(ANIMATED)) test(`an animated GIF to ${format} plays on both sides with the size saved`, async (t) => {
  const path = corpusFile('special/animated-loop-gif-test-suite.gif');
  if (!path) {
    t.skip('no corpus');
    return;
  }
  const env = await launch();
  try {
    const page = await openAt(env, '/', { width: 1100, height: 850 });
    await page.selectOption('#format', format);
    await dropFiles(page, [fileSpec(path)]);
    await page.waitForFunction(() => document.querySelector('.figures').dataset.state === 'done', null, { timeout: 60_000 });
    await page.waitForFunction(() => !document.getElementById('animation').hidden, null, { timeout: 20_000 });
    // The size saved: the caption's sizes are the file's and the result's, and its change follows from them.
    const caption = await page.textContent('#animation-caption');
    const [, before, after, percent, way] = caption.match(/^Animation, 4 frames, playing on both sides: original (.+), result (.+) \((\d+\.\d+) % (smaller|larger)\)\.$/) ?? [];
    assert.ok(before, caption);
    assert.equal(before, await page.textContent('#original-size'));
    assert.equal(after, await page.textContent('#result-size'));
    const change = (shownBytes(after) / shownBytes(before) - 1) * 100;
    assert.ok(Math.abs(Math.abs(change) - Number(percent)) < 1.5 && (change < 0) === (way === 'smaller'), `${caption}: ${change.toFixed(1)} %`);
    // The result played is the file downloaded (one object URL), and that file is animated: its bytes
    // hold the animation chunk.
    assert.equal(await page.getAttribute('#animation-result', 'src'), await page.getAttribute('#download', 'href'));
    const { name, bytes } = await page.download('#download');
    assert.ok(Buffer.from(bytes).includes(chunk), `${name} (${bytes.length} B) has no ${chunk} chunk`);
    // Both sides load as images the browser plays: the GIF and the animated result, 100 × 100 each.
    const sizes = await page.waitForFunction(() => {
      const imgs = ['animation-original', 'animation-result'].map((id) => document.getElementById(id));
      return imgs.every((i) => i.complete && i.naturalWidth > 0) && imgs.map((i) => [i.naturalWidth, i.naturalHeight]);
    }, null, { timeout: 20_000 });
    assert.deepEqual(sizes, [[100, 100], [100, 100]]);
    await page.close();
  } finally {
    await env.close();
  }
});
