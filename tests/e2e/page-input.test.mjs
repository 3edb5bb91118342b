// The ways in besides a file drop: paste from the clipboard, the folder picker, and a dropped folder.
// Each added image must be compressed, and the folder's paths must survive into the ZIP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openAt, photoLikePng, readZip, decodeInNode } from './support.mjs';

const openPage = (env) => openAt(env, '/', { width: 1100, height: 850 });

const rowNames = (page) => page.$$eval('#files .file .name', (names) => names.map((n) => n.textContent));

async function allDone(page, count) {
  await page.waitForFunction((n) => {
    const rows = [...document.querySelectorAll('#files .file')];
    return rows.length === n && rows.every((li) => li.dataset.state === 'done');
  }, count, { timeout: 120_000 });
}

async function zipEntries(page) {
  return readZip((await page.download('#download-all')).bytes);
}

test('an image pasted with Ctrl+V is compressed', async (t) => {
  const env = await launch();
  try {
    const page = await openPage(env);
    await page.grantClipboard?.(env.origin); // Chromium asks for a permission; the others want a click
    await page.mouse.move(5, 5);
    await page.mouse.down();
    await page.mouse.up();
    // Put a real PNG on the system clipboard, then paste it the way a person does.
    const png = photoLikePng(160, 120).toString('base64');
    const refused = await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      try {
        await navigator.clipboard.write([new ClipboardItem({ 'image/png': new Blob([bytes], { type: 'image/png' }) })]);
        return null;
      } catch (e) {
        return `${e.name}: ${e.message}`;
      }
    }, png);
    if (refused) {
      t.skip(`${env.engine}: the browser refuses a scripted copy of an image (${refused}), so there is nothing to paste`);
      return;
    }
    await page.evaluate(() => document.addEventListener('paste', (e) => {
      window.e2e.pasted = [...(e.clipboardData?.files ?? [])].map((f) => f.type);
    }, true));
    await page.keyboard.press('Control+V');
    const pasted = await page.waitForFunction(() => window.e2e.pasted, null, { timeout: 15_000 }).catch(() => null);
    if (!pasted?.length) {
      // Headless Firefox's clipboard holds text only: the image written above is not there to paste.
      t.skip(`${env.engine}: ${pasted ? 'the paste event carried no file' : 'Ctrl+V fired no paste event'}, though the copy was accepted`);
      return;
    }
    await allDone(page, 1);
    const [name] = await rowNames(page);
    assert.match(name, /^pasted-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.png$/);
    assert.match(await page.textContent('#status'), /^Done: 160 × 120/);
  } finally {
    await env.close();
  }
});

test('a folder chosen with the folder picker: its images, not its other files, keep their paths', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pixsqueeze-folder-'));
  const folder = join(dir, 'holiday');
  mkdirSync(join(folder, 'day 2'), { recursive: true });
  writeFileSync(join(folder, 'beach.png'), photoLikePng(120, 80));
  writeFileSync(join(folder, 'day 2', 'hills.png'), photoLikePng(90, 140));
  writeFileSync(join(folder, 'notes.txt'), 'not an image');
  const env = await launch();
  try {
    const page = await openPage(env);
    await page.evaluate(() => document.addEventListener('change', (e) => {
      if (e.target.id === 'folder') window.e2e.picked = [...e.target.files].map((f) => f.webkitRelativePath || f.name);
    }, true));
    const refused = await page.setInputFiles('#folder', folder).then(() => null, (e) => {
      if (e.webdriver !== 'invalid argument') throw e;
      return e.message.split(': ').pop();
    });
    const picked = refused ? null : await page.waitForFunction(() => window.e2e.picked, null, { timeout: 15_000 }).catch(() => null);
    // A folder's files come with their paths in it; a driver that sends the folder as one file does not.
    if (!picked?.some((path) => path.includes('/'))) {
      t.skip(`${env.engine}: its WebDriver server does not choose a folder in a file input (${refused ?? `the page got ${picked ? JSON.stringify(picked) : 'no change event'}`})`);
      return;
    }
    await allDone(page, 2);
    assert.deepEqual((await rowNames(page)).sort(), ['holiday/beach.png', 'holiday/day 2/hills.png']);
    const entries = await zipEntries(page);
    assert.deepEqual(entries.map((e) => e.name).sort(), ['holiday/beach.jpg', 'holiday/day 2/hills.jpg']);
    for (const entry of entries) assert.ok((await decodeInNode(entry.data)).width > 0, entry.name);
  } finally {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a dropped folder is walked, however many pieces its listing comes in', async () => {
  // Automation cannot drag a real folder from the desktop, so the drop carries directory entries of
  // the shape Chromium's webkitGetAsEntry() gives: what is tested is our walk of them.
  const env = await launch();
  try {
    const page = await openPage(env);
    const pngs = [photoLikePng(64, 48), photoLikePng(48, 64), photoLikePng(32, 32)].map((b) => b.toString('base64'));
    await page.evaluate((b64s) => {
      const file = (name, i) => new File([Uint8Array.from(atob(b64s[i]), (c) => c.charCodeAt(0))], name, { type: 'image/png' });
      const fileEntry = (path, f) => ({ isFile: true, isDirectory: false, fullPath: path, file: (ok) => setTimeout(() => ok(f)) });
      const dirEntry = (path, pieces) => ({
        isFile: false, isDirectory: true, fullPath: path,
        createReader() {
          const left = [...pieces, []];
          return { readEntries: (ok) => setTimeout(() => ok(left.shift())) };
        },
      });
      const notes = new File(['text'], 'notes.txt', { type: 'text/plain' });
      const root = dirEntry('/shots', [
        [fileEntry('/shots/a.png', file('a.png', 0)), fileEntry('/shots/notes.txt', notes)],
        [dirEntry('/shots/old', [[fileEntry('/shots/old/b.png', file('b.png', 1))]])],
      ]);
      const loose = file('loose.png', 2);
      const items = [
        { kind: 'file', webkitGetAsEntry: () => root, getAsFile: () => null },
        { kind: 'file', webkitGetAsEntry: () => fileEntry('/loose.png', loose), getAsFile: () => loose },
      ];
      const drop = new Event('drop', { bubbles: true, cancelable: true });
      Object.defineProperty(drop, 'dataTransfer', { value: { items, files: [] } });
      document.getElementById('drop').dispatchEvent(drop);
    }, pngs);
    await allDone(page, 3);
    assert.deepEqual((await rowNames(page)).sort(), ['loose.png', 'shots/a.png', 'shots/old/b.png']);
    const names = (await zipEntries(page)).map((e) => e.name).sort();
    assert.deepEqual(names, ['loose.jpg', 'shots/a.jpg', 'shots/old/b.jpg']);
  } finally {
    await env.close();
  }
});
