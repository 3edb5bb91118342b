// The list of loaded files: thumbnail, name, status, sizes, change and score, and per-file download and
// remove. Rows are kept and updated in place, so a long batch does not rebuild the DOM on every result.
import { decodeBitmap } from './bitmaps.js';
import { formatBytes, formatChange, formatPsnr, formatScore } from './figures.js';

const THUMB = 96; // px, twice the shown size for sharp thumbnails on dense screens

// One thumbnail at a time: decoding a dozen camera photos at once would compete with compression.
let thumbQueue = Promise.resolve();

// A thumbnail of a camera photo decodes all 12 megapixels on the core the worker pool leaves to the
// page, and a zoom or pan painted meanwhile waited for it: frames up to 240 ms late in a batch of 20
// (tests/e2e/measure-batch.mjs), against 15–56 ms without thumbnails. So thumbnails wait until the
// person has left the keyboard, wheel and pointer alone for a moment.
const QUIET_MS = 400;
let lastInput = -Infinity;
const touched = () => { lastInput = performance.now(); };
for (const type of ['keydown', 'wheel', 'pointerdown']) addEventListener(type, touched, { capture: true, passive: true });
addEventListener('pointermove', (e) => { if (e.buttons) touched(); }, { capture: true, passive: true });

async function inputQuiet() {
  for (let wait; (wait = lastInput + QUIET_MS - performance.now()) > 0;) {
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

function drawThumbnail(canvas, file) {
  thumbQueue = thumbQueue.then(async () => {
    await inputQuiet();
    try {
      // Decoded on the page's decoding worker: WebKit decodes on the main thread otherwise.
      const bitmap = await decodeBitmap(file, { resizeWidth: THUMB, resizeQuality: 'medium' });
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      // A 2D draw, not a 'bitmaprenderer' transfer: Chromium's transfer ignores the EXIF orientation the
      // bitmap was decoded with, and drew turned photos sideways.
      canvas.getContext('2d').drawImage(bitmap, 0, 0);
      bitmap.close();
    } catch {
      canvas.classList.add('broken'); // the row's message says why
    }
  });
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

export class BatchList {
  #list;
  #rows = new Map(); // id -> { li, ... }
  #onSelect;
  #onRemove;

  constructor(list, { onSelect, onRemove }) {
    this.#list = list;
    this.#onSelect = onSelect;
    this.#onRemove = onRemove;
  }

  #row(item) {
    let row = this.#rows.get(item.id);
    if (row) return row;
    const li = el('li', 'file');
    li.dataset.id = item.id;
    const thumb = el('canvas', 'thumb');
    thumb.width = thumb.height = 1;
    thumb.setAttribute('aria-hidden', 'true');
    const name = el('button', 'name', item.name);
    name.type = 'button';
    name.title = `Show ${item.name}`;
    name.addEventListener('click', () => this.#onSelect(item.id));
    const status = el('span', 'file-status');
    const sizes = el('span', 'file-sizes');
    const score = el('span', 'file-score');
    const download = el('a', 'file-download button small', 'Download');
    download.setAttribute('aria-disabled', 'true');
    const remove = el('button', 'file-remove', '×');
    remove.type = 'button';
    remove.setAttribute('aria-label', `Remove ${item.name}`);
    remove.addEventListener('click', () => this.#onRemove(item.id));
    const info = el('div', 'file-info');
    info.append(name, status, sizes, score);
    li.append(thumb, info, download, remove);
    this.#list.append(li);
    drawThumbnail(thumb, item.file);
    row = { li, name, status, sizes, score, download };
    this.#rows.set(item.id, row);
    return row;
  }

  /**
   * `rows`: `[{ item, current, state: 'queued'|'working'|'done'|'error'|'cancelled', message, result,
   * originalBytes, url, downloadName }]` in list order.
   */
  update(rows) {
    const ids = new Set(rows.map((r) => r.item.id));
    for (const [id, row] of this.#rows) {
      if (!ids.has(id)) {
        row.li.remove();
        this.#rows.delete(id);
      }
    }
    for (const r of rows) {
      const row = this.#row(r.item);
      row.li.dataset.state = r.state;
      row.li.classList.toggle('current', r.current);
      if (r.current) row.name.setAttribute('aria-current', 'true');
      else row.name.removeAttribute('aria-current');
      row.status.textContent = r.message;
      const result = r.state === 'done' ? r.result : null;
      row.sizes.textContent = result
        ? `${formatBytes(r.originalBytes)} → ${formatBytes(result.compressedBytes)} (${formatChange(r.originalBytes, result.compressedBytes)})`
        : formatBytes(r.originalBytes);
      row.sizes.classList.toggle('grew', Boolean(result && result.compressedBytes > r.originalBytes));
      // The same headline score as the main view; PSNR only where SSIMULACRA2 cannot judge (tiny images).
      row.score.textContent = !result ? ''
        : Number.isFinite(result.ssimulacra2) ? `SSIMULACRA2 ${formatScore(result.ssimulacra2)}` : `PSNR ${formatPsnr(result.psnr)}`;
      row.score.title = result ? 'SSIMULACRA2: how alike the result looks to the original; 100 is identical, 90 visually lossless, 70 high, 50 medium' : '';
      if (result && r.url) {
        row.download.href = r.url;
        row.download.download = r.downloadName;
        row.download.setAttribute('aria-disabled', 'false');
        row.download.setAttribute('aria-label', `Download ${r.downloadName}`);
      } else {
        row.download.removeAttribute('href');
        row.download.setAttribute('aria-disabled', 'true');
      }
    }
  }
}
