// The viewer: original and result side by side, or one over the other with a draggable divider, or
// their difference. One zoom and pan drives every layer, so both sides always show the same pixels.
// Both images are laid out in the original's pixel box, so a resized result still lines up.

const MIN_SCALE = 0.02;
const MAX_SCALE = 32;
const STEP = 1.25;
const ARROW_PAN = 40; // screen pixels per arrow key press

export class Viewer {
  #stage;
  #panes;
  #images;
  #divider;
  #zoomLabel;
  #size = null; // the original's pixel size
  #view = { fit: true, scale: 1, cx: 0, cy: 0 }; // (cx, cy): the image point at the centre of a pane
  #split = 50; // percent
  #pointers = new Map();
  #onChange;

  constructor({ stage, original, result, divider, zoomLabel, onChange = () => {} }) {
    this.#stage = stage;
    this.#panes = [...stage.querySelectorAll('.pane')];
    this.#images = [original, result];
    this.#divider = divider;
    this.#zoomLabel = zoomLabel;
    this.#onChange = onChange;
    original.addEventListener('load', () => {
      this.#size = { width: original.naturalWidth, height: original.naturalHeight };
      this.#layout();
    });
    new ResizeObserver(() => this.#layout()).observe(stage);
    this.#listen();
    this.setMode('side');
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

  /** Forgets the image: the next original to load starts fitted. */
  reset() {
    this.#size = null;
    this.#view = { fit: true, scale: 1, cx: 0, cy: 0 };
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

  #layout() {
    const split = this.mode === 'split';
    this.#panes[1].style.clipPath = split ? `inset(0 0 0 ${this.#split}%)` : '';
    this.#divider.style.left = `${this.#split}%`;
    this.#divider.setAttribute('aria-valuenow', String(Math.round(this.#split)));
    if (!this.#size) {
      this.#zoomLabel.textContent = '–';
      return;
    }
    const scale = this.scale;
    const { cx, cy } = this.#centre();
    const pane = this.#paneSize();
    const tx = pane.width / 2 - cx * scale;
    const ty = pane.height / 2 - cy * scale;
    for (const img of this.#images) {
      img.style.width = `${this.#size.width}px`;
      img.style.height = `${this.#size.height}px`;
      img.style.transform = `translate(${tx}px, ${ty}px) scale(${scale})`;
      // From 200 % up people zoom in to see pixels, not a blur of them.
      img.classList.toggle('pixelated', scale >= 2);
    }
    const percent = scale * 100;
    this.#zoomLabel.textContent = `${percent >= 10 ? Math.round(percent) : percent.toFixed(1)} %${this.#view.fit ? ' (fit)' : ''}`;
    this.#onChange();
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
      if (!this.#size || e.button > 0) return;
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
