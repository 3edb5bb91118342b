// The settings: one set for the whole batch, remembered between visits, and the controls for them,
// built from the package's format meta (`formats()`), so formats and options the core adds appear here
// without page changes. A second, smaller set (the left side's encoding, when the person compares two)
// uses the same class under another storage key.
import { formatBytes, parseBytes } from './figures.js';

// Integer options with a range this small get a slider beside their number; wider ones (pixel sizes)
// are typed.
const SLIDER_SPAN = 1000;
// Byte counts are typed as a person says them ("200 KB"), not as a raw number.
const BYTE_OPTIONS = new Set(['maxBytes']);
// Resize is drawn as its own control (presets and the output size), not as two raw numbers.
export const RESIZE_OPTIONS = ['maxWidth', 'maxHeight'];
/** Long-side presets, in pixels; 0 is the original size. */
export const RESIZE_PRESETS = [0, 3840, 2560, 1920, 1280];


function validValue(option, value) {
  switch (option.type) {
    case 'integer': return Number.isInteger(value) && value >= option.min && value <= option.max;
    case 'number': return Number.isFinite(value) && value >= option.min && value <= option.max;
    case 'choice': return choiceList(option).some((c) => c.value === value);
    case 'boolean': return typeof value === 'boolean';
    case 'color': return typeof value === 'string' && /^#[0-9a-f]{6}$/i.test(value);
    case 'list': return Array.isArray(value) && value.length > 0 && value.every((v) => choiceList(option).some((c) => c.value === v));
    default: return false;
  }
}

/** A choice option's choices as `[{ value, label }]`: the meta gives each its human label. */
export function choiceList(option) {
  return (option.choices ?? []).map((c) => ({ value: c.value, label: c.label ?? String(c.value) }));
}

export class Settings {
  /** `formats`: the list `formats()` resolved to; `storageKey`: where to remember the choices. */
  constructor(formats, { storageKey = 'pixsqueeze.settings.v1', defaultFormat, limits = [] } = {}) {
    this.formats = formats;
    // The input limits (`limitOptions()`), raised by a person who means to compress huge images.
    this.limitMeta = limits;
    this.storageKey = storageKey;
    // Options every format reads (resize, colour profile…) are shared, so switching format keeps them;
    // a format's own options are remembered per format.
    const [first, ...rest] = formats;
    this.common = new Set(first.options.map((o) => o.name).filter((n) => rest.every((f) => f.options.some((o) => o.name === n))));
    let stored = {};
    try {
      stored = JSON.parse(localStorage.getItem(storageKey) ?? '{}') ?? {};
    } catch {
      // Unreadable or blocked storage: start from the defaults.
    }
    const known = (id) => formats.some((f) => f.id === id);
    this.formatId = known(stored.format) ? stored.format : known(defaultFormat) ? defaultFormat : formats[0].id;
    this.shared = { ...stored.shared };
    this.perFormat = { ...stored.perFormat };
    this.limits = { ...stored.limits };
  }

  /** A limit's value: as the person set it, or the default. */
  limit(name) {
    const option = this.limitMeta.find((o) => o.name === name);
    if (!option) return undefined;
    const stored = this.limits[name];
    return validValue(option, stored) ? stored : option.default;
  }

  setLimit(name, value) {
    const option = this.limitMeta.find((o) => o.name === name);
    if (!option || !validValue(option, value)) return false;
    if (value === option.default) delete this.limits[name];
    else this.limits[name] = value;
    this.#save();
    return true;
  }

  /** The limits set away from their defaults (`limits: { … }` of the options), or null. */
  raisedLimits() {
    const out = {};
    for (const o of this.limitMeta) if (this.limit(o.name) !== o.default) out[o.name] = this.limit(o.name);
    return Object.keys(out).length ? out : null;
  }

  get format() {
    return this.formats.find((f) => f.id === this.formatId);
  }

  setFormat(id) {
    if (!this.formats.some((f) => f.id === id)) return;
    this.formatId = id;
    this.#save();
  }

  #store(name) {
    if (this.common.has(name)) return this.shared;
    this.perFormat[this.formatId] ??= {};
    return this.perFormat[this.formatId];
  }

  option(name) {
    return this.format.options.find((o) => o.name === name);
  }

  value(name) {
    const option = this.option(name);
    if (!option) return undefined;
    const stored = this.#store(name)[name];
    return validValue(option, stored) ? stored : option.default;
  }

  set(name, value) {
    const option = this.option(name);
    if (!option || !validValue(option, value)) return false;
    this.#store(name)[name] = value;
    this.#save();
    return true;
  }

  /** The options object for `compress`: the format and a value for each of its options. */
  options(overrides = {}) {
    const out = { format: this.formatId };
    for (const o of this.format.options) out[o.name] = this.value(o.name);
    const limits = this.raisedLimits();
    if (limits) out.limits = limits;
    return { ...out, ...overrides };
  }

  #save() {
    try {
      localStorage.setItem(this.storageKey, JSON.stringify({ format: this.formatId, shared: this.shared, perFormat: this.perFormat, limits: this.limits }));
    } catch {
      // Private mode or a full quota: the settings still hold for this visit.
    }
  }
}

/** A stable key for an options object: equal options, equal keys. */
export function optionsKey(options) {
  return JSON.stringify(Object.keys(options).sort().map((k) => [k, options[k]]));
}

/** The size `width` x `height` shrinks to within the bounds (0: none), as the core computes it. */
export function fittedSize(width, height, maxWidth, maxHeight) {
  const scale = Math.min(maxWidth ? maxWidth / width : 1, maxHeight ? maxHeight / height : 1, 1);
  if (scale >= 1) return { width, height };
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c != null));
  return node;
}

function hintFor(id, option) {
  return option.description ? el('p', { id: `${id}-hint`, className: 'hint', textContent: option.description }) : null;
}

function integerControl(option, value, commit, id) {
  const wrap = el('div', { className: `control control-${option.type}` });
  const slider = option.max - option.min <= SLIDER_SPAN;
  const label = el('label', { htmlFor: slider ? id : `${id}-number`, textContent: option.label });
  const number = el('input', {
    id: `${id}-number`, type: 'number', min: option.min, max: option.max, step: 1, value, inputMode: 'numeric',
  });
  const hint = hintFor(id, option);
  if (hint) number.setAttribute('aria-describedby', hint.id);
  const whole = option.type === 'integer';
  if (!whole) number.step = 'any';
  const clamp = (v) => Math.min(option.max, Math.max(option.min, whole ? Math.round(v) : v));
  if (!slider) {
    number.addEventListener('change', () => {
      // An emptied box changes nothing (the setting keeps its value) until a number is typed: clearing
      // the field to type a new one is a step, not a choice.
      if (number.value === '' || !Number.isFinite(Number(number.value))) return;
      const v = clamp(Number(number.value));
      number.value = v;
      commit(v, { live: false });
    });
    wrap.append(label, number, hint ?? '');
    return wrap;
  }
  const range = el('input', { id, type: 'range', min: option.min, max: option.max, step: 1, value });
  if (hint) range.setAttribute('aria-describedby', hint.id);
  range.setAttribute('aria-valuetext', String(value));
  number.setAttribute('aria-label', `${option.label} (number)`);
  // While the thumb moves, each step is "live" (the page shows an estimate); letting go commits it.
  range.addEventListener('input', () => {
    number.value = range.value;
    range.setAttribute('aria-valuetext', range.value);
    commit(Number(range.value), { live: true });
  });
  // Let go, or a key press: final figures soon, once a held key or quick presses come to rest.
  range.addEventListener('change', () => commit(Number(range.value), { live: true, settle: 200 }));
  number.addEventListener('change', () => {
    if (number.value === '' || !Number.isFinite(Number(number.value))) return; // as above
    const v = clamp(Number(number.value));
    number.value = range.value = v;
    range.setAttribute('aria-valuetext', String(v));
    commit(v, { live: false });
  });
  wrap.append(label, el('div', { className: 'slider-row' }, range, number), hint ?? '');
  return wrap;
}

/**
 * A byte count typed as "200 KB" or "1.5 MB"; empty turns it off (0), or, for a limit, back to its
 * default (`limit`).
 */
function bytesControl(option, value, commit, id, { limit = false } = {}) {
  const size = (v) => (v >= 1e9 ? `${+(v / 1e9).toFixed(2)} GB` : formatBytes(v));
  // A limit at its default shows it as the placeholder: the field is empty until the person sets one.
  const shown = (v) => (!v || (limit && v === option.default) ? '' : size(v));
  const input = el('input', {
    id, type: 'text', value: shown(value), placeholder: limit ? size(option.default) : 'e.g. 200 KB', inputMode: 'decimal', autocomplete: 'off', spellcheck: false,
  });
  const hint = el('p', {
    id: `${id}-hint`, className: 'hint',
    textContent: limit
      ? `${option.description.replace(/,? in bytes\./, '.')} Type a size such as 500 MB or 2 GB; leave empty for the default.`
      : `${option.description.replace(/ in this many bytes/, '').replace(/\s*\(0: off\)\.?$/, '.')} Type a size such as 200 KB or 1.5 MB; leave empty for no target.`,
  });
  input.setAttribute('aria-describedby', hint.id);
  const error = el('p', { className: 'hint input-error', role: 'alert' });
  input.addEventListener('change', () => {
    const text = input.value.trim();
    const bytes = text === '' ? (limit ? option.default : 0) : parseBytes(text);
    if (bytes == null || bytes < option.min || bytes > option.max) {
      error.textContent = `“${text}” is not a size: type e.g. 200 KB or 1.5 MB (at most ${size(option.max)}).`;
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    input.value = shown(bytes);
    commit(bytes, { live: false });
  });
  const label = option.label.replace(/\s*\(bytes\)\s*$/i, '');
  return el('div', { className: 'control control-bytes' }, el('label', { htmlFor: id, textContent: label }), input, hint, error);
}

function choiceControl(option, value, commit, id) {
  const select = el('select', { id });
  for (const c of choiceList(option)) select.add(new Option(c.label, c.value));
  select.value = value;
  const hint = hintFor(id, option);
  if (hint) select.setAttribute('aria-describedby', hint.id);
  select.addEventListener('change', () => commit(select.value, { live: false }));
  return el('div', { className: 'control control-choice' }, el('label', { htmlFor: id, textContent: option.label }), select, hint ?? '');
}

function booleanControl(option, value, commit, id) {
  const box = el('input', { id, type: 'checkbox', checked: value });
  const hint = hintFor(id, option);
  if (hint) box.setAttribute('aria-describedby', hint.id);
  box.addEventListener('change', () => commit(box.checked, { live: false }));
  return el('div', { className: 'control control-boolean' }, box, el('label', { htmlFor: id, textContent: option.label }), hint ?? '');
}

function colorControl(option, value, commit, id) {
  const input = el('input', { id, type: 'color', value });
  const hint = hintFor(id, option);
  if (hint) input.setAttribute('aria-describedby', hint.id);
  // `input` fires while the picker is open; the encode waits for the choice.
  input.addEventListener('change', () => commit(input.value.toLowerCase(), { live: false }));
  return el('div', { className: 'control control-color' }, el('label', { htmlFor: id, textContent: option.label }), ' ', input, hint ?? '');
}

/** A list of choices (auto's `autoFormats`): a box for each; the last one ticked cannot be unticked. */
function listControl(option, value, commit, id) {
  const chosen = new Set(value);
  const hint = hintFor(id, option);
  const boxes = choiceList(option).map((c) => {
    const box = el('input', { id: `${id}-${c.value}`, type: 'checkbox', checked: chosen.has(c.value), value: c.value });
    box.addEventListener('change', () => {
      const picked = boxes.filter((b) => b.checked).map((b) => b.value);
      if (!picked.length) {
        box.checked = true;
        return;
      }
      commit(picked, { live: false });
    });
    return box;
  });
  const fieldset = el('fieldset', { id, className: 'control control-list' }, el('legend', { textContent: option.label }),
    ...boxes.map((b) => el('span', { className: 'list-item' }, b, el('label', { htmlFor: b.id, textContent: choiceList(option).find((c) => c.value === b.value).label }))));
  if (hint) {
    fieldset.setAttribute('aria-describedby', hint.id);
    fieldset.append(hint);
  }
  return fieldset;
}

const builders = { integer: integerControl, number: integerControl, choice: choiceControl, boolean: booleanControl, color: colorControl, list: listControl };

// The options most people reach for stay in view; the rest of a format's own options go under "advanced".
export const PRIMARY = new Set(['quality', 'lossless', 'colors', 'effort', 'background']);

/**
 * Fills `own` with the current format's own options and `shared` with the options every format reads
 * (resize excepted: see `renderResize`). `onChange({ live, settle })` follows every change, after the
 * settings have saved it; `live` is true while a slider moves, `settle` the ms to wait for more. `prefix` keeps element ids apart
 * when two sets of controls are on the page. `only`, when given, limits the controls to those names.
 */
export function renderControls(settings, { own, shared, advanced = shared }, onChange, { prefix = 'opt', only } = {}) {
  own.replaceChildren();
  if (shared) shared.replaceChildren();
  if (advanced && advanced !== shared) advanced.replaceChildren();
  for (const option of settings.format.options) {
    if (RESIZE_OPTIONS.includes(option.name) || (only && !only.includes(option.name))) continue;
    const build = BYTE_OPTIONS.has(option.name) ? bytesControl : builders[option.type];
    if (!build) continue; // an option type this page does not know yet: its default applies
    const control = build(option, settings.value(option.name), (value, how) => {
      if (settings.set(option.name, value)) onChange({ ...how, name: option.name });
    }, `${prefix}-${option.name}`);
    // Quality does nothing while a format's lossless option is on: say so rather than let it slide.
    if (option.name === 'quality' && settings.value('lossless') === true) {
      for (const input of control.querySelectorAll('input')) input.disabled = true;
      control.querySelector('.hint')?.append(' Off while Lossless is on.');
      control.classList.add('disabled');
    }
    control.dataset.option = option.name;
    const common = settings.common.has(option.name);
    const host = common ? shared : PRIMARY.has(option.name) || !advanced ? own : advanced;
    host?.append(control);
  }
}

/**
 * The resize control: long-side presets (original, 3840, 2560, 1920, 1280 px) or a custom width and
 * height, and the size the output will have. `source()` gives the current image's size or null.
 * Returns `{ update() }` to refresh the output size when the image changes.
 */
export function renderResize(settings, host, onChange, source) {
  host.replaceChildren();
  if (!RESIZE_OPTIONS.every((n) => settings.option(n))) return { update() {} };
  const w = () => settings.value('maxWidth');
  const h = () => settings.value('maxHeight');
  // "Custom…" once chosen stays chosen until a preset is: its sizes may still equal a preset's, and
  // sync() runs on every render (a background job finishing included), which would hide the boxes
  // the person just opened.
  let customChosen = false;
  const presetOf = () => {
    if (customChosen) return 'custom';
    if (!w() && !h()) return '0';
    return w() === h() && RESIZE_PRESETS.includes(w()) ? String(w()) : 'custom';
  };
  const group = el('fieldset', { className: 'presets' }, el('legend', { className: 'visually-hidden', textContent: 'Resize to' }));
  const custom = el('div', { className: 'custom-size' });
  const numbers = {};
  for (const name of RESIZE_OPTIONS) {
    const option = settings.option(name);
    const input = el('input', { id: `opt-${name}-number`, type: 'number', min: 0, max: option.max, step: 1, inputMode: 'numeric', placeholder: 'any' });
    input.addEventListener('change', () => {
      const v = input.value === '' ? 0 : Math.min(option.max, Math.max(0, Math.round(Number(input.value) || 0)));
      if (settings.set(name, v)) onChange({ live: false });
      sync();
    });
    numbers[name] = input;
    custom.append(el('label', {}, name === 'maxWidth' ? 'Max width (px)' : 'Max height (px)', input));
  }
  for (const px of [...RESIZE_PRESETS, 'custom']) {
    const value = String(px);
    const radio = el('input', { type: 'radio', name: 'resize-preset', value, id: `resize-${value}` });
    radio.addEventListener('change', () => {
      customChosen = value === 'custom';
      if (customChosen) {
        custom.hidden = false;
        numbers.maxWidth.focus();
        return;
      }
      for (const name of RESIZE_OPTIONS) settings.set(name, Number(value));
      onChange({ live: false });
      sync();
    });
    const text = px === 0 ? 'Original' : px === 'custom' ? 'Custom…' : `${px} px`;
    group.append(el('label', { htmlFor: radio.id }, radio, text));
  }
  const output = el('p', { className: 'output-size', id: 'output-size', 'aria-live': 'polite' });
  const label = el('span', { className: 'label', id: 'resize-label', textContent: 'Size' });
  group.setAttribute('aria-labelledby', label.id);
  const hint = el('p', { className: 'hint', textContent: 'Presets fit the longer side; the shape is kept and nothing is enlarged.' });
  host.append(label, group, custom, output, hint);

  function sync() {
    const preset = presetOf();
    for (const radio of group.querySelectorAll('input')) radio.checked = radio.value === preset;
    if (preset !== 'custom') custom.hidden = true;
    else custom.hidden = false;
    // A box being typed in keeps what is typed: this runs on every render, jobs finishing included.
    for (const [name, value] of [['maxWidth', w()], ['maxHeight', h()]]) {
      if (document.activeElement !== numbers[name]) numbers[name].value = value || '';
    }
    const size = source();
    if (!size) {
      output.textContent = w() || h() ? `Fits within ${w() || 'any'} × ${h() || 'any'} px` : 'Kept at its original size';
      return;
    }
    const out = fittedSize(size.width, size.height, w(), h());
    output.textContent = out.width === size.width && out.height === size.height
      ? `${size.width} × ${size.height} px (the original size)`
      : `${size.width} × ${size.height} → ${out.width} × ${out.height} px`;
  }
  sync();
  return { update: sync };
}

/**
 * The input limits (`limitOptions()`), under "advanced": the guard against untrusted files, which a
 * person raises to compress a huge image (over 100 megapixels, or a job over "Most memory" goes in
 * bands). `onChange()` follows every change, after the settings have saved it.
 */
export function renderLimits(settings, host, onChange) {
  host.replaceChildren();
  if (!settings.limitMeta.length) return;
  const fieldset = el('fieldset', { className: 'control control-limits' }, el('legend', { textContent: 'Limits' }),
    el('p', { className: 'hint', textContent: 'What a file may cost before it is refused. Raise them to compress huge images (scans, maps): over 100 megapixels, or when a job would need more than “Most memory”, a PNG goes to PNG or JPEG a band of rows at a time.' }));
  for (const option of settings.limitMeta) {
    const commit = (value) => {
      if (settings.setLimit(option.name, value)) onChange({ live: false, name: `limits.${option.name}` });
    };
    const id = `limit-${option.name}`;
    const control = /Bytes$/.test(option.name)
      ? bytesControl(option, settings.limit(option.name), commit, id, { limit: true })
      : integerControl(option, settings.limit(option.name), commit, id);
    control.dataset.limit = option.name;
    fieldset.append(control);
  }
  host.append(fieldset);
}
