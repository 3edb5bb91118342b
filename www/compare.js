// The viewer: original and result side by side, or one over the other with a draggable divider, or
// their difference. One zoom and pan drives every layer, so both sides always show the same pixels.
// Both images are laid out in the original's pixel box, so a resized result still lines up.
//
// Each side is a canvas the size of its pane, redrawn from decoded bitmaps on every change. Scaling a
// camera photo's <img> with a CSS transform made the browser re-rasterise all 12 megapixels on every
// zoom step: 150–250 ms before the frame showed (Event Timing), far past the ~100 ms a person notices.
// Here the browser decodes each image off the main thread (on a worker of the page's: WebKit decodes a
// createImageBitmap() of a file on the main thread) at a few resolutions (a halving pyramid, made on
// demand), and a redraw copies only the visible pixels from the level nearest the screen's.
import { viewBitmap } from './bitmaps.js';

const MIN_SCALE = 0.02;
const MAX_SCALE = 32;
const STEP = 1.25;
const ARROW_PAN = 40; // screen pixels per arrow key press
const COARSEST_LEVEL = 6; // 1/64 of each side

/** One image: its size and the decoded levels of its pyramid (level k: 1/2^k of each side). */
class Picture {
  #blob;
  #levels = new Map(); // k -> ImageBitmap | Promise
  #closed = false;

  constructor(blob, width, height) {
    this.#blob = blob;
    this.width = width;
    this.height = height;
  }

  /** Reads the size from the file's header (an <img> that is never drawn does not decode). */
  static async load(blob) {
    const url = URL.createObjectURL(blob);
    try {
      const img = new Image();
      img.src = url;
      await new Promise((resolve, reject) => {
        img.onload = resolve;
        img.onerror = () => reject(new Error('the browser cannot show this image'));
      });
      return new Picture(blob, img.naturalWidth, img.naturalHeight);
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  /** The level that has at least one picture pixel per device pixel at `density` (device px per pixel). */
  static levelFor(density) {
    return Math.max(0, Math.min(COARSEST_LEVEL, Math.floor(Math.log2(1 / density))));
  }

  /** Decodes level `k` (once); resolves when it can be drawn. */
  async ready(k) {
    const have = this.#levels.get(k);
    if (have) return have;
    const size = { resizeWidth: Math.max(1, Math.round(this.width / 2 ** k)), resizeHeight: Math.max(1, Math.round(this.height / 2 ** k)) };
    const decoding = viewBitmap(this.#blob, k ? { ...size, resizeQuality: 'high' } : {}).then((bitmap) => {
      if (this.#closed) bitmap.close();
      else this.#levels.set(k, bitmap);
      return bitmap;
    });
    this.#levels.set(k, decoding);
    decoding.catch(() => this.#levels.delete(k));
    return decoding;
  }

  /** The best bitmap decoded so far for `density`, and whether it is finer than needed: the ideal
   * level, else the nearest coarser (briefly soft), else finer (downscaling it well would cost a
   * mipmap of the whole bitmap on the main thread, so it is drawn at low quality until the ideal
   * level arrives). Starts decoding the ideal level if it is missing; `onLevel` is called then. */
  bitmapFor(density, onLevel) {
    const ideal = Picture.levelFor(density);
    if (!this.#levels.has(ideal)) this.ready(ideal).then(onLevel, () => {});
    const order = [ideal];
    for (let d = 1; d <= COARSEST_LEVEL; d++) order.push(ideal + d, ideal - d);
    for (const k of order) {
      const level = this.#levels.get(k);
      if (level instanceof ImageBitmap) return { bitmap: level, finer: k < ideal };
    }
    return null;
  }

  close() {
    this.#closed = true;
    for (const level of this.#levels.values()) if (level instanceof ImageBitmap) level.close();
    this.#levels.clear();
  }
}

export class Viewer {
  #stage;
  #panes;
  #canvases;
  // The original, the result, another encoding shown on the left instead of the original, and a preview
  // of part of the result (an encoding of the original's `#previewRect`) laid over the result.
  #pictures = [null, null, null, null];
  #wanted = [null, null, null, null]; // the blob each side is loading, so a late load cannot overwrite a newer one
  #previewRect = null;
  #divider;
  #zoomLabel;
  #size = null; // the original's pixel size
  #view = { fit: true, scale: 1, cx: 0, cy: 0 }; // (cx, cy): the image point at the centre of a pane
  #split = 50; // percent
  #pointers = new Map();
  #frame = 0;
  #scratch = null; // a canvas for the difference view's brightening
  #onChange;
  #onResultShown;
  #onOriginalSize;
  #onOriginalFailed;

  /** `original`, `result`: the canvases of the two panes. `onResultShown()`: a new result is on screen.
   * `onOriginalSize()`: the original's size is known (`size`). `onOriginalFailed(blob)`: the browser
   * cannot show `blob`, the original asked for (a TIFF, say). */
  constructor({ stage, original, result, divider, zoomLabel, onChange = () => {}, onResultShown = () => {}, onOriginalSize = () => {}, onOriginalFailed = () => {} }) {
    this.#stage = stage;
    this.#panes = [...stage.querySelectorAll('.pane')];
    this.#canvases = [original, result];
    this.#divider = divider;
    this.#zoomLabel = zoomLabel;
    this.#onChange = onChange;
    this.#onResultShown = onResultShown;
    this.#onOriginalSize = onOriginalSize;
    this.#onOriginalFailed = onOriginalFailed;
    new ResizeObserver(() => this.#layout()).observe(stage);
    this.#listen();
    this.setMode('side');
  }

  /** Shows `blob` as the original (null: none). The view starts fitted to it. */
  showOriginal(blob) {
    this.#show(0, blob);
  }

  /** Shows `blob` as the result (null: none). The previous result stays until the new one can be drawn,
   * so moving the slider never flashes an empty pane. */
  showResult(blob) {
    this.#show(1, blob);
  }

  /** Shows `blob` on the left instead of the original (null: the original again), in the original's box. */
  showLeft(blob) {
    this.#show(2, blob);
  }

  /** Lays `blob`, an encoding of the original's pixels in `rect`, over the result (null: none). */
  showPreview(blob, rect) {
    if (blob) this.#previewRect = rect;
    this.#show(3, blob);
  }

  /** The part of the original on screen, in its pixels: `{ x, y, width, height }`, or null. */
  visibleRegion() {
    if (!this.#size) return null;
    const pane = this.#paneSize();
    const s = this.scale;
    const { cx, cy } = this.#centre();
    const x = Math.max(0, Math.floor(cx - pane.width / 2 / s));
    const y = Math.max(0, Math.floor(cy - pane.height / 2 / s));
    const right = Math.min(this.#size.width, Math.ceil(cx + pane.width / 2 / s));
    const bottom = Math.min(this.#size.height, Math.ceil(cy + pane.height / 2 / s));
    return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
  }

  /** The original's RGBA pixels in `rect`, at full resolution, as the browser decoded them. */
  async originalPixels(rect) {
    const original = this.#pictures[0];
    if (!original) throw new Error('no original');
    const bitmap = await original.ready(0);
    const canvas = new OffscreenCanvas(rect.width, rect.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(bitmap, rect.x, rect.y, rect.width, rect.height, 0, 0, rect.width, rect.height);
    return ctx.getImageData(0, 0, rect.width, rect.height);
  }

  /** The original's size in pixels, or null before it is known. */
  get size() {
    return this.#size ? { ...this.#size } : null;
  }

  async #show(side, blob) {
    if (this.#wanted[side] === blob) return;
    this.#wanted[side] = blob;
    if (!blob) {
      this.#replace(side, null);
      return;
    }
    try {
      const picture = await Picture.load(blob);
      if (this.#wanted[side] !== blob) return;
      if (side === 0) {
        this.#size = { width: picture.width, height: picture.height };
        this.#onOriginalSize();
      }
      // Decode what the current view needs before swapping, then draw.
      await picture.ready(Picture.levelFor(this.#density(picture)));
      if (this.#wanted[side] !== blob) {
        picture.close();
        return;
      }
      this.#replace(side, picture);
      performance.mark('pixsqueeze:side-shown', { detail: { side } });
      if (side === 1) requestAnimationFrame(() => this.#onResultShown());
    } catch {
      if (this.#wanted[side] !== blob) return;
      this.#replace(side, null); // the file's row says why
      if (side === 0) this.#onOriginalFailed(blob);
    }
  }

  #replace(side, picture) {
    this.#pictures[side]?.close();
    this.#pictures[side] = picture;
    if (side === 0) this.#stage.toggleAttribute('data-has-image', Boolean(picture));
    this.#layout();
  }

  get mode() {
    return this.#stage.dataset.mode;
  }

  /** 'side' | 'split' | 'diff' */
  setMode(mode) {
    this.#stage.dataset.mode = mode;
    this.#divider.hidden = mode !== 'split';
    this.#layout();
  }

  /** The scale shown: 1 is 100 % (one image pixel per CSS pixel). */
  get scale() {
    return this.#view.fit ? this.#fitScale() : this.#view.scale;
  }

  fit() {
    this.#view.fit = true;
    this.#layout();
  }

  /** Zooms to `scale` around the pane point (px, py), or around the centre. */
  zoomTo(scale, at) {
    const s = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
    const { cx, cy } = this.#centre();
    const pane = this.#paneSize();
    const old = this.scale;
    const dx = at ? at.x - pane.width / 2 : 0;
    const dy = at ? at.y - pane.height / 2 : 0;
    // Keep the image point under (px, py) where it is.
    this.#view = { fit: false, scale: s, cx: cx + dx / old - dx / s, cy: cy + dy / old - dy / s };
    this.#layout();
  }

  zoomBy(factor, at) {
    this.zoomTo(this.scale * factor, at);
  }

  panBy(dx, dy) {
    const { cx, cy } = this.#centre();
    this.#view = { fit: false, scale: this.scale, cx: cx - dx / this.scale, cy: cy - dy / this.scale };
    this.#layout();
  }

  /** Forgets both images: the next original starts fitted. */
  reset() {
    this.#wanted = [null, null, null, null];
    for (const side of [0, 1, 2, 3]) this.#replace(side, null);
    this.#size = null;
    this.#view = { fit: true, scale: 1, cx: 0, cy: 0 };
    this.#layout();
  }

  #centre() {
    if (!this.#view.fit) return this.#view;
    return { cx: (this.#size?.width ?? 0) / 2, cy: (this.#size?.height ?? 0) / 2 };
  }

  #paneSize() {
    const r = this.#panes[0].getBoundingClientRect();
    return { width: r.width, height: r.height };
  }

  #fitScale() {
    if (!this.#size) return 1;
    const { width, height } = this.#paneSize();
    return Math.min(width / this.#size.width, height / this.#size.height, 1);
  }

  /** Device pixels per pixel of `picture` at the current view (a resized result is stretched to the
   * original's box). */
  #density(picture) {
    const box = this.#size ?? picture;
    return (this.scale * (globalThis.devicePixelRatio || 1) * box.width) / picture.width;
  }

  #layout() {
    const split = this.mode === 'split';
    this.#panes[1].style.clipPath = split ? `inset(0 0 0 ${this.#split}%)` : '';
    this.#divider.style.left = `${this.#split}%`;
    this.#divider.setAttribute('aria-valuenow', String(Math.round(this.#split)));
    if (!this.#size) this.#zoomLabel.textContent = '–';
    else {
      const percent = this.scale * 100;
      this.#zoomLabel.textContent = `${percent >= 10 ? Math.round(percent) : percent.toFixed(1)} %${this.#view.fit ? ' (fit)' : ''}`;
    }
    this.#schedule();
    this.#onChange();
  }

  /** Draws once per frame however many events moved the view. */
  #schedule() {
    this.#frame ||= requestAnimationFrame(() => this.#draw());
  }

  #draw() {
    this.#frame = 0;
    const dpr = globalThis.devicePixelRatio || 1;
    const diff = this.mode === 'diff';
    for (const [side, canvas] of this.#canvases.entries()) {
      const pane = this.#panes[side].getBoundingClientRect();
      const width = Math.round(pane.width * dpr);
      const height = Math.round(pane.height * dpr);
      if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
      const ctx = canvas.getContext('2d');
      ctx.clearRect(0, 0, width, height);
      if (!this.#size) continue;
      const box = this.#box(pane, dpr, width, height);
      if (!box) continue;
      // The left side shows another encoding in place of the original when one is chosen.
      const base = this.#pictures[2] ?? this.#pictures[0];
      if (diff) {
        if (side === 1 && base && this.#pictures[1]) this.#paintDifference(ctx, base, box);
      } else if (this.#paint(ctx, side === 0 ? base : this.#pictures[1], box) && side === 1) {
        this.#drawPreview(ctx, box.x0, box.y0, box.k);
      }
    }
  }

  /** The image's box on a canvas of `width` × `height` device pixels, and the part of it that shows. */
  #box(pane, dpr, width, height) {
    const scale = this.scale;
    const { cx, cy } = this.#centre();
    const k = dpr * scale;
    // Whole device pixels: at 100 % every image pixel lands on one screen pixel, unresampled.
    const x0 = Math.round((pane.width / 2 - cx * scale) * dpr);
    const y0 = Math.round((pane.height / 2 - cy * scale) * dpr);
    const box = { x0, y0, width: this.#size.width * k, height: this.#size.height * k };
    const left = Math.max(0, x0);
    const top = Math.max(0, y0);
    const right = Math.min(width, x0 + box.width);
    const bottom = Math.min(height, y0 + box.height);
    if (right <= left || bottom <= top) return null;
    return { ...box, left, top, right, bottom, scale, k };
  }

  /** Draws the visible part of `picture` (stretched to the original's box); false if nothing is decoded yet. */
  #paint(ctx, picture, box) {
    const best = picture?.bitmapFor(this.#density(picture), () => this.#schedule());
    if (!best) return false;
    const { bitmap, finer } = best;
    const { x0, y0, left, top, right, bottom } = box;
    const sx = bitmap.width / box.width;
    const sy = bitmap.height / box.height;
    // From 200 % up people zoom in to see pixels, not a blur of them.
    ctx.imageSmoothingEnabled = box.scale < 2;
    ctx.imageSmoothingQuality = finer ? 'low' : 'high';
    ctx.drawImage(bitmap, (left - x0) * sx, (top - y0) * sy, (right - left) * sx, (bottom - top) * sy,
      left, top, right - left, bottom - top);
    return true;
  }

  /**
   * |result − left side| per channel, 10× brighter so small errors show; black is identical. Drawn in one
   * canvas with the 'difference' compositing that every engine has: CSS mix-blend-mode between two
   * canvas layers is not applied by WebKitGTK (it showed 204,136,51 where 0,0,0 was due).
   */
  #paintDifference(ctx, base, box) {
    if (!this.#paint(ctx, base, box)) return;
    ctx.globalCompositeOperation = 'difference';
    const drawn = this.#paint(ctx, this.#pictures[1], box);
    ctx.globalCompositeOperation = 'source-over';
    if (!drawn) {
      ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      return;
    }
    // ×10 with 'lighter', a saturating add: d + d = 2d, kept aside; 2d + 2d + 2d + 2d + 2d = 10d.
    // Saturating at each step ends where min(255, 10d) would.
    const { left, top, right, bottom } = box;
    const w = Math.min(ctx.canvas.width - left, Math.ceil(right - left));
    const h = Math.min(ctx.canvas.height - top, Math.ceil(bottom - top));
    const aside = this.#scratch ??= document.createElement('canvas');
    if (aside.width < w || aside.height < h) Object.assign(aside, { width: Math.max(aside.width, w), height: Math.max(aside.height, h) });
    const a = aside.getContext('2d');
    a.globalCompositeOperation = 'copy';
    const keep = () => a.drawImage(ctx.canvas, left, top, w, h, 0, 0, w, h);
    const add = () => ctx.drawImage(aside, 0, 0, w, h, left, top, w, h);
    ctx.globalCompositeOperation = 'lighter';
    keep();
    add();
    keep();
    for (let i = 0; i < 4; i++) add();
    ctx.globalCompositeOperation = 'source-over';
  }

  /** The preview over the result, in its rectangle of the original's box (the canvas clips it). */
  #drawPreview(ctx, x0, y0, k) {
    const preview = this.#pictures[3];
    const rect = this.#previewRect;
    if (!preview || !rect) return;
    const best = preview.bitmapFor(k, () => this.#schedule());
    if (best) ctx.drawImage(best.bitmap, x0 + rect.x * k, y0 + rect.y * k, rect.width * k, rect.height * k);
  }

  /**
   * Zooms to where the result differs most from the original: both are compared at up to 1024 px a
   * side, and the window the pane would show at the new zoom (100 %, or twice the fitted zoom for small
   * images) is slid over the squared differences for the largest sum. Resolves to the image point now
   * at the centre with the scale, or null when there is no result.
   */
  async zoomToMostChanged() {
    const [original, result] = this.#pictures;
    if (!original || !result || !this.#size) return null;
    const { width, height } = this.#size;
    const k = Math.max(0, Math.ceil(Math.log2(Math.max(width, height) / 1024)));
    const w = Math.max(1, Math.round(width / 2 ** k));
    const h = Math.max(1, Math.round(height / 2 ** k));
    const [a, b] = await Promise.all([original.ready(k), result.ready(Picture.levelFor(w / result.width))]);
    const pixels = (bitmap) => {
      const canvas = new OffscreenCanvas(w, h);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(bitmap, 0, 0, w, h);
      return ctx.getImageData(0, 0, w, h).data;
    };
    const pa = pixels(a);
    const pb = pixels(b);
    // Summed-area table of the squared error, one row and column of zeros in front.
    const sum = new Float64Array((w + 1) * (h + 1));
    for (let y = 0; y < h; y++) {
      let row = 0;
      for (let x = 0; x < w; x++) {
        const i = (y * w + x) * 4;
        const dr = pa[i] - pb[i];
        const dg = pa[i + 1] - pb[i + 1];
        const db = pa[i + 2] - pb[i + 2];
        const da = pa[i + 3] - pb[i + 3];
        row += dr * dr + dg * dg + db * db + da * da;
        sum[(y + 1) * (w + 1) + x + 1] = sum[y * (w + 1) + x + 1] + row;
      }
    }
    const scale = Math.min(MAX_SCALE, Math.max(1, 2 * this.#fitScale()));
    const pane = this.#paneSize();
    const ww = Math.max(1, Math.min(w, Math.round(pane.width / scale / 2 ** k)));
    const wh = Math.max(1, Math.min(h, Math.round(pane.height / scale / 2 ** k)));
    const step = Math.max(1, Math.floor(Math.min(ww, wh) / 8));
    let best = { total: -1, x: 0, y: 0 };
    const at = (x, y) => sum[y * (w + 1) + x];
    for (let y = 0; y + wh <= h; y += step) {
      for (let x = 0; x + ww <= w; x += step) {
        const total = at(x + ww, y + wh) - at(x, y + wh) - at(x + ww, y) + at(x, y);
        if (total > best.total) best = { total, x, y };
      }
    }
    // Centre on the error's centroid within that window: where it is, not just a window that holds it.
    let mass = 0;
    let mx = 0;
    let my = 0;
    for (let y = best.y; y < best.y + wh; y++) {
      for (let x = best.x; x < best.x + ww; x++) {
        const e = at(x + 1, y + 1) - at(x, y + 1) - at(x + 1, y) + at(x, y);
        mass += e;
        mx += e * (x + 0.5);
        my += e * (y + 0.5);
      }
    }
    const px = mass > 0 ? mx / mass : best.x + ww / 2;
    const py = mass > 0 ? my / mass : best.y + wh / 2;
    const cx = (px * width) / w;
    const cy = (py * height) / h;
    this.#view = { fit: false, scale, cx, cy };
    this.#layout();
    return { cx, cy, scale };
  }

  #at(event) {
    const r = this.#panes.find((p) => p.contains(event.target))?.getBoundingClientRect() ?? this.#panes[0].getBoundingClientRect();
    return { x: event.clientX - r.left, y: event.clientY - r.top };
  }

  #setSplit(percent) {
    this.#split = Math.min(100, Math.max(0, percent));
    this.#layout();
  }

  #listen() {
    const stage = this.#stage;
    stage.addEventListener('wheel', (e) => {
      if (!this.#size) return;
      e.preventDefault();
      this.zoomBy(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.002)), this.#at(e));
    }, { passive: false });

    stage.addEventListener('pointerdown', (e) => {
      // Controls laid over the stage (the progress bar's Stop) keep their clicks: no capture, no pan.
      if (!this.#size || e.button > 0 || e.target.closest('button, .busy')) return;
      const onDivider = e.target === this.#divider || this.#divider.contains(e.target);
      this.#pointers.set(e.pointerId, { x: e.clientX, y: e.clientY, divider: onDivider });
      stage.setPointerCapture(e.pointerId);
    });
    stage.addEventListener('pointermove', (e) => {
      const last = this.#pointers.get(e.pointerId);
      if (!last) return;
      if (last.divider) {
        const r = stage.getBoundingClientRect();
        this.#setSplit(((e.clientX - r.left) / r.width) * 100);
      } else if (this.#pointers.size === 2) {
        // Pinch: the distance between the two fingers scales the view.
        const [a, b] = [...this.#pointers.values()];
        const other = a === last ? b : a;
        const before = Math.hypot(last.x - other.x, last.y - other.y);
        const after = Math.hypot(e.clientX - other.x, e.clientY - other.y);
        if (before > 0) this.zoomBy(after / before);
      } else {
        this.panBy(e.clientX - last.x, e.clientY - last.y);
      }
      last.x = e.clientX;
      last.y = e.clientY;
    });
    const release = (e) => this.#pointers.delete(e.pointerId);
    stage.addEventListener('pointerup', release);
    stage.addEventListener('pointercancel', release);

    stage.addEventListener('keydown', (e) => {
      if (e.target === this.#divider) return;
      const keys = {
        '+': () => this.zoomBy(STEP), '=': () => this.zoomBy(STEP), '-': () => this.zoomBy(1 / STEP),
        0: () => this.fit(), 1: () => this.zoomTo(1),
        ArrowLeft: () => this.panBy(ARROW_PAN, 0), ArrowRight: () => this.panBy(-ARROW_PAN, 0),
        ArrowUp: () => this.panBy(0, ARROW_PAN), ArrowDown: () => this.panBy(0, -ARROW_PAN),
      };
      if (!keys[e.key] || !this.#size) return;
      e.preventDefault();
      keys[e.key]();
    });
    this.#divider.addEventListener('keydown', (e) => {
      const step = e.shiftKey ? 10 : 2;
      const keys = {
        ArrowLeft: -step, ArrowDown: -step, ArrowRight: step, ArrowUp: step,
        PageDown: -10, PageUp: 10, Home: -100, End: 100,
      };
      if (!(e.key in keys)) return;
      e.preventDefault();
      this.#setSplit(this.#split + keys[e.key]);
    });
  }
}
