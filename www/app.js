// The page: a consumer of the package's public API (../js/index.js), exactly as an npm user would be.
// State lives here; the other modules draw it (batch.js, compare.js, chart.js), take input (input.js,
// settings.js) or run work (scheduler.js).
import { compress, formats } from '../js/index.js';
import { BatchList } from './batch.js';
import { CHART_QUALITIES, drawChart } from './chart.js';
import { Viewer } from './compare.js';
import * as fmt from './figures.js';
import { browserDecode, coreReadable, listen } from './input.js';
import { PRIORITY, Scheduler } from './scheduler.js';
import { Settings, optionsKey, renderControls } from './settings.js';
import { zip } from './zip.js';

const DEBOUNCE_MS = 100;
// Recent results kept for going back to a setting instantly; the batch's current results are kept
// regardless (they are what "Download all" zips).
const CACHE_BYTES = 256e6;
// Errors that say the file itself is unreadable, whatever the settings.
const FILE_ERRORS = new Set(['DecodeError', 'LimitExceeded']);

const $ = (id) => document.getElementById(id);
const ui = {
  file: $('file'), folder: $('folder'), drop: $('drop'), format: $('format'), formatOptions: $('format-options'),
  sharedOptions: $('shared-options'), status: $('status'), original: $('original'), result: $('result'),
  figures: document.querySelector('.figures'), originalSize: $('original-size'), resultSize: $('result-size'),
  saved: $('saved'), ratio: $('ratio'), mse: $('mse'), psnr: $('psnr'), ssimulacra2: $('ssimulacra2'),
  scoreHint: $('score-hint'), download: $('download'), chartFigure: $('chart-figure'), chart: $('chart'),
  chartTable: $('chart-table'), chartScoreName: $('chart-score-name'), batch: document.querySelector('.batch'),
  files: $('files'), progress: $('progress'), progressText: $('progress-text'), cancel: $('cancel'),
  downloadAll: $('download-all'), clear: $('clear'), stage: $('stage'), divider: $('divider'),
};

let settings;
let scheduler;
let viewer;
let list;
let committed; // the options work runs with: the settings as they were when the slider came to rest
let debounce = 0;
const items = []; // { id, file, name, needsBrowser, prepared, error }
let currentId = null;
let shown = null; // the result entry on screen
let paused = false; // the batch was cancelled
let viewStopped = false; // the current file's job was cancelled too, until the next change
let nextId = 1;
const results = new Map(); // key -> { key, item, options, baseKey, result?, error?, url?, used }

const current = () => items.find((i) => i.id === currentId) ?? null;
const resultKey = (item, options) => `${item.id} ${optionsKey(options)}`;
const baseKey = ({ quality, ...rest }) => optionsKey(rest);
const hasQuality = () => settings.format.options.some((o) => o.name === 'quality');

function entryUrl(entry) {
  entry.url ??= URL.createObjectURL(entry.result.blob);
  return entry.url;
}

function dropEntry(entry) {
  if (entry.url && entry !== shown) URL.revokeObjectURL(entry.url);
  results.delete(entry.key);
}

function evict() {
  const live = optionsKey(committed);
  const spare = [...results.values()].filter((e) => e.result && e !== shown && optionsKey(e.options) !== live);
  let bytes = spare.reduce((n, e) => n + e.result.compressedBytes, 0);
  for (const e of spare.sort((a, b) => a.used - b.used)) {
    if (bytes <= CACHE_BYTES) break;
    bytes -= e.result.compressedBytes;
    dropEntry(e);
  }
}

/** Compresses `item` with `options`; files the core cannot read go through the browser's decoder. */
async function compressItem(item, options, signal) {
  // Smart modes (a size budget, a quality target, auto format) report each setting they try.
  const onProgress = (probe) => {
    item.probe = { ...probe, count: (item.probe?.count ?? 0) + 1 };
    if (item === current()) renderView();
  };
  item.probe = null;
  if (!item.needsBrowser) {
    try {
      return await compress(item.file, { ...options, signal, onProgress });
    } catch (e) {
      // The browser may decode what the core does not: formats it lacks (Unsupported, whatever the file
      // starts like: an arithmetic-coded JPEG, say) and files it does not recognise at all. A damaged
      // file the core knows (a DecodeError from a JPEG or PNG) stays an error: a browser would show
      // whatever part of it decodes.
      const browserMayRead = e.name === 'Unsupported' || (e.name === 'DecodeError' && !(await coreReadable(item.file)));
      if (!browserMayRead) throw e;
      item.needsBrowser = true;
    }
  }
  // One decode per file, shared by every job on it and never aborted: it is the slow, one-off part.
  item.prepared ??= browserDecode(item.file).catch((e) => {
    item.prepared = null;
    throw e;
  });
  const png = await item.prepared;
  signal.throwIfAborted();
  const r = await compress(png, { ...options, signal, onProgress });
  // The core saw the browser's lossless PNG; the saving must be against the file the person has.
  return { ...r, originalBytes: item.file.size, ratio: item.file.size / r.compressedBytes };
}

function job(item, options, priority) {
  return { key: resultKey(item, options), priority, item, options, run: (signal) => compressItem(item, options, signal) };
}

function wanted() {
  const jobs = [];
  const open = (item, options) => !item.error && !results.has(resultKey(item, options));
  const cur = current();
  if (cur && !viewStopped && open(cur, committed)) jobs.push(job(cur, committed, PRIORITY.VIEW));
  if (paused) return jobs;
  if (cur && hasQuality()) {
    for (const quality of CHART_QUALITIES) {
      const options = { ...committed, quality };
      if (open(cur, options)) jobs.push(job(cur, options, PRIORITY.CHART));
    }
  }
  for (const item of items) if (open(item, committed)) jobs.push(job(item, committed, PRIORITY.BATCH));
  return jobs;
}

function refresh() {
  scheduler.want(wanted());
  render();
}

function onDone({ key, item, options }, result, error) {
  if (!items.includes(item)) return; // removed while it ran
  if (error && FILE_ERRORS.has(error.name)) {
    item.error = error;
  } else {
    results.set(key, { key, item, options, baseKey: baseKey(options), result, error, used: performance.now() });
    evict();
  }
  refresh();
}

function commit() {
  clearTimeout(debounce);
  committed = settings.options();
  viewStopped = false;
  refresh();
}

/** The download's name: the file's, with the extension of the format the result is in. */
function outputName(entry, withPath) {
  const { item, result } = entry;
  const name = withPath ? (item.file.relativePath || item.name) : item.name;
  const format = settings.formats.find((f) => f.id === result.format) ?? settings.format;
  return `${name.replace(/\.[^./]*$/, '') || 'image'}.${format.extension}`;
}

function setStatus(text, isError = false) {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', isError);
}

function errorText(e) {
  return `${e.message} (${e.name})`;
}

function showFigures(entry) {
  const r = entry?.result;
  const item = current();
  ui.originalSize.textContent = item ? fmt.formatBytes(item.file.size) : '–';
  ui.resultSize.textContent = r ? fmt.formatBytes(r.compressedBytes) : '–';
  ui.saved.textContent = r ? fmt.formatSaved(r.originalBytes, r.compressedBytes) : '–';
  ui.ratio.textContent = r ? fmt.formatRatio(r.ratio) : '–';
  ui.mse.textContent = r ? r.mse.toFixed(2) : '–';
  ui.psnr.textContent = r ? fmt.formatPsnr(r.psnr) : '–';
  ui.ssimulacra2.textContent = r ? fmt.formatScore(r.ssimulacra2) : '–';
  ui.scoreHint.textContent = r ? fmt.qualityHint(r) : '';
  ui.figures.dataset.format = r ? entry.options.format : '';
  ui.figures.dataset.quality = r && hasQuality() ? String(entry.options.quality) : '';
  if (r) {
    ui.download.href = entryUrl(entry);
    ui.download.download = outputName(entry, false);
    ui.download.setAttribute('aria-disabled', 'false');
  } else {
    ui.download.removeAttribute('href');
    ui.download.setAttribute('aria-disabled', 'true');
  }
}

function renderView() {
  const item = current();
  const entry = item && results.get(resultKey(item, committed));
  if (entry) entry.used = performance.now();
  const replace = (next) => {
    // An entry evicted while on screen kept its URL for the screen's sake: free it now.
    if (shown?.url && !results.has(shown.key)) URL.revokeObjectURL(shown.url);
    shown = next;
  };
  if (entry?.result && entry !== shown) {
    replace(entry);
    viewer.showResult(entry.result.blob);
  } else if (!item || (shown && shown.item !== item)) {
    replace(null);
    viewer.showResult(null);
  }
  const working = item && !item.error && !entry;
  ui.figures.dataset.state = !item ? 'idle' : working ? 'working' : entry?.result ? 'done' : 'error';
  ui.stage.classList.toggle('stale', Boolean(working && shown));
  showFigures(entry?.result ? entry : working ? shown : null);

  if (!item) setStatus(items.length ? 'Choose a file in the list.' : 'Open a photo to start.');
  else if (item.error) setStatus(`${item.name}: cannot be read: ${errorText(item.error)}`, true);
  else if (entry?.error) setStatus(`${item.name}: ${errorText(entry.error)}`, true);
  else if (entry) {
    const r = entry.result;
    const via = item.needsBrowser ? ', decoded by the browser' : '';
    const label = settings.formats.find((f) => f.id === r.format)?.label ?? settings.format.label;
    const why = r.search ? ` Search: ${r.search.reason}.` : '';
    setStatus(`Done: ${r.width} × ${r.height}, ${label}${via}.${why}`);
  } else if (viewStopped) setStatus(`${item.name}: cancelled. Change a setting to compress again.`);
  else if (item.probe) {
    const p = item.probe;
    const knob = p.quality ? ` quality ${p.quality}` : p.colors ? ` ${p.colors} colours` : '';
    setStatus(`Searching ${item.name}: ${p.count} tried, last ${p.format}${knob} at ${p.width} × ${p.height} → ${fmt.formatBytes(p.bytes)}…`);
  } else setStatus(`Compressing ${item.name}…`);
}

/** A PSNR axis in whole 5 dB steps around the points, so the curve's shape shows. */
function psnrRange(values) {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return [20, 50];
  return [Math.floor(Math.min(...finite) / 5) * 5 - 5, Math.ceil(Math.max(...finite) / 5) * 5 + 5];
}

function renderChart() {
  const item = current();
  ui.chartFigure.hidden = !item || !hasQuality() || Boolean(item.error);
  if (ui.chartFigure.hidden) return;
  const base = baseKey(committed);
  const points = [...results.values()]
    .filter((e) => e.item === item && e.result && e.baseKey === base)
    .map((e) => ({ quality: e.options.quality, bytes: e.result.compressedBytes, ssimulacra2: e.result.ssimulacra2, psnr: e.result.psnr }));
  // SSIMULACRA2 when the core reports it; PSNR until then.
  const perceptual = points.some((p) => Number.isFinite(p.ssimulacra2));
  ui.chartScoreName.textContent = perceptual ? 'SSIMULACRA2' : 'PSNR (dB)';
  drawChart(ui.chart, ui.chartTable, {
    points: points.map((p) => ({ quality: p.quality, bytes: p.bytes, score: perceptual ? p.ssimulacra2 : p.psnr })),
    current: committed.quality,
    scoreName: perceptual ? 'SSIMULACRA2' : 'PSNR (dB)',
    scoreRange: perceptual ? [0, 100] : psnrRange(points.map((p) => p.psnr)),
  });
}

function rowState(item) {
  const key = resultKey(item, committed);
  const entry = results.get(key);
  if (item.error) return { state: 'error', message: `Cannot read: ${errorText(item.error)}` };
  if (entry?.error) return { state: 'error', message: errorText(entry.error) };
  if (entry) return { state: 'done', message: item.needsBrowser ? 'Done (decoded by the browser)' : 'Done', entry };
  if (scheduler.isRunning(key)) return { state: 'working', message: 'Compressing…' };
  if (paused || (viewStopped && item.id === currentId)) return { state: 'cancelled', message: 'Cancelled' };
  return { state: 'queued', message: 'Waiting…' };
}

function renderBatch() {
  ui.batch.hidden = items.length === 0;
  document.body.classList.toggle('has-files', items.length > 0);
  const rows = items.map((item) => {
    const { state, message, entry } = rowState(item);
    return {
      item, state, message, current: item.id === currentId, originalBytes: item.file.size,
      result: entry?.result, url: entry && entryUrl(entry), downloadName: entry ? outputName(entry, false) : '',
    };
  });
  list.update(rows);
  const finished = rows.filter((r) => r.state === 'done' || r.state === 'error').length;
  const done = rows.filter((r) => r.state === 'done').length;
  ui.progress.max = Math.max(1, rows.length);
  ui.progress.value = finished;
  const savedBytes = rows.reduce((n, r) => n + (r.result ? r.originalBytes - r.result.compressedBytes : 0), 0);
  const failed = finished - done;
  ui.progressText.textContent = `${finished} of ${rows.length} done${failed ? ` (${failed} failed)` : ''}`
    + `${done ? `, ${fmt.formatBytes(Math.max(0, savedBytes))} saved` : ''}`;
  const busy = finished < rows.length;
  ui.cancel.textContent = paused ? 'Resume' : 'Cancel';
  ui.cancel.disabled = !paused && !busy;
  ui.downloadAll.disabled = done === 0;
  ui.downloadAll.setAttribute('aria-disabled', String(done === 0));
  ui.downloadAll.textContent = busy && done ? `Download ${done} done as ZIP` : 'Download all as ZIP';
}

function render() {
  renderView();
  renderChart();
  renderBatch();
}

function select(id, { force = false } = {}) {
  if (id === currentId && !force) return;
  currentId = id;
  viewStopped = false;
  viewer.reset();
  const item = current();
  if (item) viewer.showOriginal(item.file);
  refresh();
}

function addFiles(files) {
  const added = files.map((file) => ({ id: nextId++, file, name: file.relativePath || file.name, needsBrowser: false, prepared: null, error: null }));
  items.push(...added);
  // Show what was just dropped; a bigger batch keeps running behind it.
  if (added.length) select(added[0].id);
}

function remove(id) {
  const index = items.findIndex((i) => i.id === id);
  if (index < 0) return;
  const [item] = items.splice(index, 1);
  for (const entry of [...results.values()]) if (entry.item === item) dropEntry(entry);
  if (currentId === id) {
    select(items[Math.min(index, items.length - 1)]?.id ?? null, { force: true });
  } else {
    refresh();
  }
}

async function downloadAll() {
  const names = new Set();
  const entries = [];
  for (const item of items) {
    const entry = results.get(resultKey(item, committed));
    if (!entry?.result) continue;
    // Two files may end the same once their extension changes: number the later ones.
    let name = outputName(entry, true);
    for (let n = 2; names.has(name.toLowerCase()); n++) name = outputName(entry, true).replace(/(\.[^.]+)$/, ` (${n})$1`);
    names.add(name.toLowerCase());
    entries.push({ name, data: entry.result.data });
  }
  if (!entries.length) return;
  ui.downloadAll.disabled = true;
  ui.downloadAll.textContent = 'Preparing ZIP…';
  try {
    const url = URL.createObjectURL(await zip(entries));
    const a = Object.assign(document.createElement('a'), { href: url, download: 'pixsqueeze.zip' });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } finally {
    renderBatch();
  }
}

function buildControls() {
  renderControls(settings, { own: ui.formatOptions, shared: ui.sharedOptions }, ({ debounce: later }) => {
    clearTimeout(debounce);
    if (later) debounce = setTimeout(commit, DEBOUNCE_MS);
    else commit();
  });
  // Resize and colour are folded away unless set: most people never need them.
  const changed = [...settings.common].some((n) => settings.value(n) !== settings.option(n).default);
  if (changed) $('more-options').open = true;
}

function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  // Scope the site root, so the package's worker (in ../js/) is served offline too; a host that does
  // not allow that (no Service-Worker-Allowed header) still gets the page itself cached.
  const root = new URL('../', location.href).pathname;
  navigator.serviceWorker.register('./sw.js', { scope: root })
    .catch(() => navigator.serviceWorker.register('./sw.js'))
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      // What this page loaded before the service worker existed: cache it now rather than on next use.
      const urls = [location.href, ...performance.getEntriesByType('resource').map((e) => e.name)];
      registration.active?.postMessage({ cache: urls });
    })
    .catch(() => {}); // no offline support here; the page works the same online
}

async function start() {
  const list0 = await formats();
  settings = new Settings(list0);
  committed = settings.options();
  scheduler = new Scheduler({ onDone });
  list = new BatchList(ui.files, { onSelect: select, onRemove: remove });
  viewer = new Viewer({
    stage: ui.stage, original: ui.original, result: ui.result, divider: ui.divider, zoomLabel: $('zoom-level'),
    onResultShown: () => performance.mark('pixsqueeze:result-shown'),
  });

  for (const f of list0) ui.format.add(new Option(f.label, f.id));
  ui.format.value = settings.formatId;
  buildControls();
  ui.format.addEventListener('change', () => {
    settings.setFormat(ui.format.value);
    buildControls();
    commit();
  });

  listen({ fileInput: ui.file, folderInput: ui.folder, dropZone: ui.drop }, addFiles);
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener('change', () => viewer.setMode(radio.value));
  }
  $('zoom-in').addEventListener('click', () => viewer.zoomBy(1.5));
  $('zoom-out').addEventListener('click', () => viewer.zoomBy(1 / 1.5));
  $('zoom-fit').addEventListener('click', () => viewer.fit());
  $('zoom-100').addEventListener('click', () => viewer.zoomTo(1));
  ui.cancel.addEventListener('click', () => {
    paused = !paused;
    viewStopped = paused;
    refresh();
  });
  ui.clear.addEventListener('click', () => {
    for (const item of [...items]) remove(item.id);
  });
  ui.downloadAll.addEventListener('click', () => downloadAll().catch((e) => setStatus(`The ZIP failed: ${e.message}`, true)));

  registerServiceWorker();
  render();
  document.body.dataset.ready = 'true';
}

start().catch((e) => setStatus(`pixsqueeze could not start: ${e.message}`, true));
