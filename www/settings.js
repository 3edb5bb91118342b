// The settings: one set for the whole batch, remembered between visits, and the controls for them,
// built from the package's format meta (`formats()`), so formats and options the core adds appear here
// without page changes.

const STORAGE_KEY = 'pixsqueeze.settings.v1';
// Integer options with a range this small get a slider beside their number; wider ones (pixel sizes)
// are typed.
const SLIDER_SPAN = 1000;

function validValue(option, value) {
  switch (option.type) {
    case 'integer': return Number.isInteger(value) && value >= option.min && value <= option.max;
    case 'number': return Number.isFinite(value) && value >= option.min && value <= option.max;
    case 'choice': return option.choices.some((c) => c.value === value);
    case 'boolean': return typeof value === 'boolean';
    default: return false;
  }
}

export class Settings {
  /** `formats`: the list `formats()` resolved to. */
  constructor(formats) {
    this.formats = formats;
    // Options every format reads (resize, colour profile…) are shared, so switching format keeps them;
    // a format's own options are remembered per format.
    const [first, ...rest] = formats;
    this.common = new Set(first.options.map((o) => o.name).filter((n) => rest.every((f) => f.options.some((o) => o.name === n))));
    let stored = {};
    try {
      stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') ?? {};
    } catch {
      // Unreadable or blocked storage: start from the defaults.
    }
    this.formatId = formats.some((f) => f.id === stored.format) ? stored.format : formats[0].id;
    this.shared = { ...stored.shared };
    this.perFormat = { ...stored.perFormat };
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
    return { ...out, ...overrides };
  }

  #save() {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ format: this.formatId, shared: this.shared, perFormat: this.perFormat }));
    } catch {
      // Private mode or a full quota: the settings still hold for this visit.
    }
  }
}

/** A stable key for an options object: equal options, equal keys. */
export function optionsKey(options) {
  return JSON.stringify(Object.keys(options).sort().map((k) => [k, options[k]]));
}

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c != null));
  return node;
}

// Whole numbers (`integer`) and decimals (`number`, e.g. a score target) share one control.
function integerControl(option, value, commit) {
  const whole = option.type === 'integer';
  const id = `opt-${option.name}`;
  const hintId = `${id}-hint`;
  const wrap = el('div', { className: `control control-${option.type}` });
  const label = el('label', { htmlFor: option.max - option.min <= SLIDER_SPAN ? id : `${id}-number`, textContent: option.label });
  const number = el('input', {
    id: `${id}-number`, type: 'number', min: option.min, max: option.max, step: whole ? 1 : 'any', value, inputMode: whole ? 'numeric' : 'decimal',
  });
  const hint = el('p', { id: hintId, className: 'hint', textContent: option.description });
  number.setAttribute('aria-describedby', hintId);
  const clamp = (v) => Math.min(option.max, Math.max(option.min, whole ? Math.round(v) : v));
  if (option.max - option.min > SLIDER_SPAN) {
    number.addEventListener('change', () => {
      const v = Number.isFinite(Number(number.value)) && number.value !== '' ? clamp(Number(number.value)) : option.default;
      number.value = v;
      commit(v, { debounce: false });
    });
    wrap.append(label, number, hint);
    return wrap;
  }
  const range = el('input', { id, type: 'range', min: option.min, max: option.max, step: 1, value });
  range.setAttribute('aria-describedby', hintId);
  range.setAttribute('aria-valuetext', String(value));
  number.setAttribute('aria-label', `${option.label} (number)`);
  range.addEventListener('input', () => {
    number.value = range.value;
    range.setAttribute('aria-valuetext', range.value);
    commit(Number(range.value), { debounce: true });
  });
  number.addEventListener('change', () => {
    const v = number.value === '' ? option.default : clamp(Number(number.value));
    number.value = range.value = v;
    range.setAttribute('aria-valuetext', String(v));
    commit(v, { debounce: false });
  });
  wrap.append(label, el('div', { className: 'slider-row' }, range, number), hint);
  return wrap;
}

function choiceControl(option, value, commit) {
  const id = `opt-${option.name}`;
  const select = el('select', { id, title: option.description });
  for (const c of option.choices) select.add(new Option(c.label, c.value));
  select.value = value;
  select.addEventListener('change', () => commit(select.value, { debounce: false }));
  return el('div', { className: 'control control-choice' }, el('label', { htmlFor: id, textContent: option.label }), select);
}

function booleanControl(option, value, commit) {
  const id = `opt-${option.name}`;
  const box = el('input', { id, type: 'checkbox', checked: value, title: option.description });
  box.addEventListener('change', () => commit(box.checked, { debounce: false }));
  return el('div', { className: 'control control-boolean' }, box, el('label', { htmlFor: id, textContent: option.label }));
}

const builders = { integer: integerControl, number: integerControl, choice: choiceControl, boolean: booleanControl };

/**
 * Fills `own` with the current format's own options and `shared` with the options every format reads.
 * `onChange({ debounce })` follows every change, after the settings have saved it.
 */
export function renderControls(settings, { own, shared }, onChange) {
  own.replaceChildren();
  shared.replaceChildren();
  for (const option of settings.format.options) {
    const build = builders[option.type];
    if (!build) continue; // an option type this page does not know yet: its default applies
    const control = build(option, settings.value(option.name), (value, how) => {
      if (settings.set(option.name, value)) onChange(how);
    });
    control.dataset.option = option.name;
    (settings.common.has(option.name) ? shared : own).append(control);
  }
}
