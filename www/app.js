// The page: a consumer of the package's public API (../js/index.js), exactly as an npm user would be.
// State lives here; the other modules draw it (batch.js, compare.js, chart.js, advice.js), take input
// (input.js, settings.js) or run work (scheduler.js, estimate.js).
import { compress, encode, formats, init, limitOptions } from '../js/index.js';
import { adviceFor, alphaOf } from './advice.js';
import { BatchList } from './batch.js';
import { warmDecoders } from './bitmaps.js';
import { CHART_QUALITIES, drawChart } from './chart.js';
import { Viewer } from './compare.js';
import { usableCores } from './cores.js';
import { estimateFrom, makeSample } from './estimate.js';
import * as fmt from './figures.js';
import { browserDecode, coreReadable, listen } from './input.js';
import { PRIORITY, Scheduler, defaultSlots } from './scheduler.js';
import { PRIMARY, RESIZE_OPTIONS, Settings, optionsKey, renderControls, renderLimits, renderResize } from './settings.js';
import { zip } from './zip.js';

// A slider held still this long is taken as the person's choice: the full-size job starts (and is
// stopped, its worker with it, if the thumb moves on). Letting go, a key press or a typed number
// commits at once.
const SETTLE_MS = 700;
// Work that ends sooner than this shows no progress bar: it would only flicker.
const BUSY_DELAY_MS = 300;
// Recent results kept for going back to a setting instantly; the batch's current results are kept
// regardless (they are what "Download all" zips).
const CACHE_BYTES = 256e6;
// Errors that say the file itself is unreadable, whatever the settings. LimitExceeded too, when the
// settings the person chose meet it: a job in bands at another quality (the chart's) may need a little
// more memory than "Most memory" allows, and only that point is then missing.
const FILE_ERRORS = new Set(['DecodeError', 'LimitExceeded']);
// Options that make the core search (several encodes per job): no estimate stands for them.
const TARGETS = ['maxBytes', 'minScore', 'minPsnr'];
// The sliders an estimate follows.
const KNOBS = ['quality', 'colors'];
// Zoomed in, the part of the photo on screen is encoded as it is (full resolution, on the 16-pixel grid
// of JPEG's blocks) and shown over the old result while the slider moves: the very pixels the final
// result will have there. Up to this many pixels, so it takes a fraction of a second.
const PREVIEW_PIXELS = 1.2e6;
// At a drop (the slider still), the full-size job often writes its file sooner than a sample could be
// decoded, cut and compressed, and on a 2-core machine the sample's decode of the whole photo slowed it
// (Chromium, 12 MP, a shared machine: the file written 1.24 s after the drop beside a sample at load 7,
// 0.87–1.03 s without one at load 5): the estimate waits this long for the file and stands in only if it
// has not come.
const DROP_ESTIMATE_AFTER_MS = 800;
let estimateTimer = 0;
let dropWait = { key: null, since: 0 }; // the setting whose estimate waits, and since when

const $ = (id) => document.getElementById(id);
const ui = {
  file: $('file'), folder: $('folder'), drop: $('drop'), format: $('format'), formatOptions: $('format-options'),
  sharedOptions: $('shared-options'), advancedOptions: $('advanced-options'), limitOptions: $('limit-options'), resize: $('resize'),
  status: $('status'), original: $('original'), result: $('result'),
  figures: document.querySelector('.figures'), headline: $('headline'), advice: $('advice'),
  originalSize: $('original-size'), resultSize: $('result-size'), resultDims: $('result-dims'),
  saved: $('saved'), ratio: $('ratio'), mse: $('mse'), psnr: $('psnr'), ssimulacra2: $('ssimulacra2'),
  scoreHint: $('score-hint'), download: $('download'), chartFigure: $('chart-figure'), chart: $('chart'),
  chartTable: $('chart-table'), chartScoreName: $('chart-score-name'), batch: document.querySelector('.batch'),
  files: $('files'), progress: $('progress'), progressText: $('progress-text'), cancel: $('cancel'),
  downloadAll: $('download-all'), clear: $('clear'), stage: $('stage'), divider: $('divider'),
  busy: $('busy'), busyText: $('busy-text'), busyTime: $('busy-time'), busyProgress: $('busy-progress'), probes: $('probes'),
  stop: $('stop'), tagLeft: $('tag-left'), tagRight: $('tag-right'), leftFormat: $('left-format'),
  leftOptions: $('left-options'), zoomChanged: $('zoom-changed'),
  animation: $('animation'), animationOriginal: $('animation-original'), animationResult: $('animation-result'),
  animationCaption: $('animation-caption'),
};

let settings;
let leftSettings; // the left side's encoding, when the person compares two
let leftOn = false;
let scheduler;
let viewer;
let list;
let resizeControl;
let committed; // the options full-size work runs with: the settings as they were when the slider came to rest
let draft; // the settings as they are now, the slider perhaps still moving
let settle = 0;
const items = []; // { id, file, name, needsBrowser, prepared, error, probes, alpha, took, view, viewAsked }
let currentId = null;
let shown = null; // the result entry on the right
let shownLeft = null; // the result entry on the left
let paused = false; // the batch was cancelled
let viewStopped = false; // the current file's job was stopped too, until the next change
let nextId = 1;
const results = new Map(); // key -> { key, item, options, baseKey, result?, error?, url?, used }
const samples = new Map(); // sampleKey -> { blob, width, height, areaRatio } | { error }
const estimates = new Map(); // result key -> the sample's result at those options
const previews = new Map(); // result key -> the latest preview at those options: { key, blob, rect }
// The view's files as soon as they are written, before their scores (the package's onEncoded): shown at
// once, the figures marked as being measured. result key -> { key, item, options, result: the file }
const encodedFiles = new Map();
let previewed = null; // the preview on screen
let viewMoved = 0;
let busySince = 0;
let busyTimer = 0;

const current = () => items.find((i) => i.id === currentId) ?? null;
const resultKey = (item, options) => `${item.id} ${optionsKey(options)}`;
// Lossless (WebP's option) leaves the quality slider nothing to do: no knob, no estimate, no chart.
const knobOf = (options) => (options.lossless ? undefined : KNOBS.find((k) => k in options));
const baseKey = (options) => {
  const { [knobOf(options)]: _, ...rest } = options;
  return optionsKey(rest);
};
// Jobs on the same file in the same format and size take about as long as each other: the last one's
// time gives the progress bar an expected length.
const durationKey = (options) => `${options.format} ${options.maxWidth ?? 0}x${options.maxHeight ?? 0} ${TARGETS.map((t) => options[t] ?? 0)}`;
const sampleKey = (item, options) => `${item.id} ${options.maxWidth ?? 0}x${options.maxHeight ?? 0}`;
const formatMeta = (id) => settings.formats.find((f) => f.id === id);
const hasKnob = () => Boolean(knobOf(committed));

/** Options an estimate can stand for: one encode at a slider's setting, no search. */
function estimable(options) {
  return options.format !== 'auto' && Boolean(knobOf(options)) && TARGETS.every((t) => !options[t]);
}

/** The left side's options: its own format's, with the shared ones (size, colour) from the main settings. */
function leftOptions() {
  if (!leftOn) return null;
  const own = leftSettings.options();
  for (const name of leftSettings.common) own[name] = committed[name] ?? own[name];
  for (const t of TARGETS) if (t in own) own[t] = 0;
  return own;
}

function entryUrl(entry) {
  entry.url ??= URL.createObjectURL(entry.result.blob);
  return entry.url;
}

function dropEntry(entry) {
  if (entry.url && entry !== shown && entry !== shownLeft) URL.revokeObjectURL(entry.url);
  results.delete(entry.key);
}

function evict() {
  const live = new Set([optionsKey(committed), optionsKey(draft)]);
  const left = leftOptions();
  if (left) live.add(optionsKey(left));
  const spare = [...results.values()].filter((e) => e.result && e !== shown && e !== shownLeft && !live.has(optionsKey(e.options)));
  let bytes = spare.reduce((n, e) => n + e.result.compressedBytes, 0);
  for (const e of spare.sort((a, b) => a.used - b.used)) {
    if (bytes <= CACHE_BYTES) break;
    bytes -= e.result.compressedBytes;
    dropEntry(e);
  }
}

/** Compresses `item` with `options`; files the core cannot read go through the browser's decoder. */
async function compressItem(item, options, signal, { track = false } = {}) {
  // Smart modes (a size budget, a quality target, auto format) report each setting they try.
  const onProgress = track ? (probe) => {
    item.probes.push(probe);
    if (item === current()) renderBusy();
  } : undefined;
  // The view's own job shows its picture as soon as the file is written: scoring a 12 MP photo takes
  // longer than encoding it.
  const onEncoded = track ? (file) => {
    if (signal.aborted) return;
    const key = resultKey(item, options);
    encodedFiles.set(key, { key, item, options, result: { ...file, mse: NaN, psnr: NaN, ssimulacra2: NaN, measuring: true } });
    performance.mark('pixsqueeze:encoded', { detail: { bytes: file.compressedBytes } });
    if (item === current()) render();
  } : undefined;
  if (track) item.probes = [];
  if (!item.needsBrowser) {
    try {
      return await compress(item.file, { ...options, signal, onProgress, onEncoded });
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
  const r = await compress(png, { ...options, signal, onProgress, onEncoded });
  // The core saw the browser's lossless PNG; the saving must be against the file the person has.
  return { ...r, originalBytes: item.file.size, ratio: item.file.size / r.compressedBytes };
}

function job(item, options, priority, track = false) {
  return { kind: 'result', key: resultKey(item, options), priority, item, options, run: (signal) => compressItem(item, options, signal, { track }) };
}

function sampleJob(item, options, priority) {
  const key = sampleKey(item, options);
  return {
    kind: 'sample', key: `sample ${key}`, sampleKey: key, priority, item, options,
    // A file the browser cannot show (a TIFF) is sampled from the PNG the core made of it for the view.
    run: () => makeSample(item.view ?? item.file, { maxWidth: options.maxWidth, maxHeight: options.maxHeight }),
  };
}

function estimateJob(item, options, sample, priority) {
  // Sample settings: the same encoder settings, on the sample, which is already at the output size.
  const sampled = { ...options, maxWidth: 0, maxHeight: 0 };
  return {
    kind: 'estimate', key: `estimate ${resultKey(item, options)}`, resultKey: resultKey(item, options), priority, item, options,
    keep: true, // short: let a stale one finish rather than kill its worker; its figure is worth keeping
    run: (signal) => compress(sample.blob, { ...sampled, signal }),
  };
}

/** Does `options` leave the image at its size (a preview of the original's pixels stands for it)? */
function keepsSize(options) {
  const size = viewer.size;
  if (!size) return false;
  const { maxWidth = 0, maxHeight = 0 } = options;
  return (!maxWidth || maxWidth >= size.width) && (!maxHeight || maxHeight >= size.height);
}

/** The part of the original to preview: what is on screen, on the 16-pixel grid; null when too big. */
function previewRegion() {
  const r = viewer.visibleRegion();
  const size = viewer.size;
  if (!r || !size) return null;
  const x = Math.floor(r.x / 16) * 16;
  const y = Math.floor(r.y / 16) * 16;
  const width = Math.min(size.width, Math.ceil((r.x + r.width) / 16) * 16) - x;
  const height = Math.min(size.height, Math.ceil((r.y + r.height) / 16) * 16) - y;
  return width * height <= PREVIEW_PIXELS ? { x, y, width, height } : null;
}

function previewJob(item, options, rect, priority) {
  const key = `preview ${resultKey(item, options)} ${rect.x},${rect.y} ${rect.width}x${rect.height}`;
  const { mimeType } = formatMeta(options.format);
  return {
    kind: 'preview', key, resultKey: resultKey(item, options), priority, item, options, rect, keep: true,
    run: async (signal) => {
      const image = await viewer.originalPixels(rect);
      signal.throwIfAborted();
      const bytes = await encode(image.data, rect.width, rect.height, { ...options, maxWidth: 0, maxHeight: 0, signal });
      return new Blob([bytes], { type: mimeType });
    },
  };
}

function wanted() {
  const jobs = [];
  const open = (item, options) => !item.error && !results.has(resultKey(item, options));
  const cur = current();
  const left = leftOptions();
  // While the slider moves, a full-size job for a setting it has already left only holds a worker the
  // estimates need: it is wanted again once the slider rests.
  const sliding = optionsKey(draft) !== optionsKey(committed);
  if (cur && !cur.error && !viewStopped) {
    if (!sliding && open(cur, committed)) jobs.push(job(cur, committed, PRIORITY.VIEW, true));
    if (left && open(cur, left)) jobs.push(job(cur, left, PRIORITY.VIEW, true));
    // Until the full-size result for what the slider says is in (or at least its file, whose size is
    // exact), a sample stands in for it.
    if (estimable(draft) && open(cur, draft) && !encodedFiles.has(resultKey(cur, draft))) {
      const sample = samples.get(sampleKey(cur, draft));
      const key = resultKey(cur, draft);
      if (dropWait.key !== key) dropWait = { key, since: performance.now() };
      const wait = sliding ? 0 : DROP_ESTIMATE_AFTER_MS - (performance.now() - dropWait.since);
      if (wait > 0) {
        clearTimeout(estimateTimer);
        estimateTimer = setTimeout(refresh, wait + 10);
      }
      const hold = wait > 0;
      if (!sample) jobs.push({ ...sampleJob(cur, draft, PRIORITY.ESTIMATE), hold });
      else if (sample.blob && !estimates.has(resultKey(cur, draft))) jobs.push({ ...estimateJob(cur, draft, sample, PRIORITY.ESTIMATE), hold });
      const rect = keepsSize(draft) && previewRegion();
      const have = previews.get(resultKey(cur, draft));
      const same = have && ['x', 'y', 'width', 'height'].every((k) => have.rect[k] === rect[k]);
      if (rect && !same) jobs.push(previewJob(cur, draft, rect, PRIORITY.ESTIMATE));
    }
  }
  if (paused) return jobs;
  // Background work starts once the person has the result they wait for, whatever the engine says
  // about cores; work already running goes on (held, it is neither started nor stopped).
  const hold = Boolean(cur && !cur.error && !viewStopped && !results.has(resultKey(cur, committed)));
  const background = [];
  if (cur && !cur.error && hasKnob() && !viewStopped) {
    const knob = knobOf(committed);
    // The sample's own figure wherever a full one is known: that pair calibrates the estimates. The
    // sample goes before the chart: the slider's first estimate needs it, and made on demand (the whole
    // photo decoded, cut and written) it was half of that estimate's second in WebKit.
    if (estimable(committed)) {
      const sample = samples.get(sampleKey(cur, committed));
      if (!sample) background.push(sampleJob(cur, committed, PRIORITY.CHART));
      else if (sample.blob) {
        for (const e of calibrationEntries(cur, committed)) {
          if (!estimates.has(e.key)) background.push(estimateJob(cur, e.options, sample, PRIORITY.CHART));
        }
      }
    }
    // A target (a size budget, a score) makes each job a search that sets the quality itself: the chart's
    // qualities would be the same search again and again, competing with the view's own.
    if (knob === 'quality' && TARGETS.every((t) => !committed[t])) {
      for (const quality of CHART_QUALITIES) {
        const options = { ...committed, quality };
        if (open(cur, options)) background.push(job(cur, options, PRIORITY.CHART));
      }
    }
  }
  if (cur && !cur.error && !viewStopped) {
    const advice = adviceFor(cur, results.get(resultKey(cur, committed))?.result, committed, settings.formats);
    if (advice?.alternative && open(cur, advice.alternative)) background.push(job(cur, advice.alternative, PRIORITY.ADVICE));
  }
  // The current file's own job is the view's (above): not while the slider moves, nor once stopped.
  for (const item of items) if (item !== cur && open(item, committed)) background.push(job(item, committed, PRIORITY.BATCH));
  return [...jobs, ...background.map((j) => ({ ...j, hold }))];
}

/** The item's full results whose options equal `options` but for the slider's knob. */
function calibrationEntries(item, options) {
  const base = baseKey(options);
  return [...results.values()].filter((e) => e.item === item && e.result && e.baseKey === base);
}

function refresh() {
  scheduler.want(wanted());
  render();
  watchFrames();
}

// While two or more background jobs run, the page watches its own frames: when most come later than
// this over a couple of seconds, the engine has fewer cores than it reports (WebKit says 4 on a 2-core
// machine, and its frames came 1–2 s apart during a batch), and one background job fewer runs from then on.
const LATE_FRAME_MS = 250;
let watching = false;

function watchFrames() {
  if (watching || document.hidden || scheduler.backgroundRunning < 2) return;
  watching = true;
  const intervals = [];
  let last = performance.now();
  const tick = (now) => {
    intervals.push(now - last);
    last = now;
    if (document.hidden || scheduler.backgroundRunning < 2) {
      watching = false;
      return;
    }
    if (intervals.reduce((a, b) => a + b, 0) >= 2000) {
      const median = [...intervals].sort((a, b) => a - b)[intervals.length >> 1];
      intervals.length = 0;
      if (median > LATE_FRAME_MS && scheduler.lowerBackground()) {
        performance.mark('pixsqueeze:background-lowered', { detail: { median: Math.round(median), limit: scheduler.backgroundLimit } });
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

function onDone(job, value, error, ms) {
  const { item } = job;
  // The page's timeline (bench/page-timings.mjs prints it): each job's end, its kind and run time.
  performance.mark('pixsqueeze:job-done', { detail: { kind: job.kind, priority: job.priority, ms: Math.round(ms), error: error?.name } });
  if (!items.includes(item)) return; // removed while it ran
  if (job.kind === 'preview') {
    if (value) {
      previews.delete(job.resultKey);
      previews.set(job.resultKey, { key: job.key, blob: value, rect: job.rect });
      // The latest few are kept for going back along the slider; the oldest go first.
      while (previews.size > 30) previews.delete(previews.keys().next().value);
    }
    else if (!previews.has(job.resultKey)) previews.set(job.resultKey, { key: job.key, blob: null, rect: job.rect });
  } else if (job.kind === 'sample') {
    samples.set(job.sampleKey, error ? { error } : value);
  } else if (job.kind === 'estimate') {
    estimates.set(job.resultKey, value ?? null); // a failed sample is not retried
    if (value) {
      if (item === current() && optionsKey(job.options) === optionsKey(draft)) {
        queueMicrotask(() => performance.mark('pixsqueeze:estimate-shown', { detail: { ...draft } }));
      }
    }
  } else if (error && FILE_ERRORS.has(error.name) && (error.name !== 'LimitExceeded' || optionsKey(job.options) === optionsKey(committed))) {
    encodedFiles.delete(job.key);
    item.error = error;
  } else {
    // The picture already on screen is these very bytes: keep its Blob, so it is not decoded again.
    const early = encodedFiles.get(job.key);
    encodedFiles.delete(job.key);
    if (value && early?.result.blob && early.result.compressedBytes === value.compressedBytes) value.blob = early.result.blob;
    results.set(job.key, { key: job.key, item, options: job.options, baseKey: baseKey(job.options), result: value, error, used: performance.now() });
    if (value) item.took.set(durationKey(job.options), ms);
    if (value && item.alpha === undefined) {
      item.alpha = null; // asked once
      alphaOf(item.file).then((alpha) => { item.alpha = alpha; refresh(); });
    }
    evict();
  }
  refresh();
}

function commit() {
  clearTimeout(settle);
  draft = settings.options();
  committed = draft;
  viewStopped = false;
  refresh();
}

/** A slider moved: show an estimate now; commit when it comes to rest (after `ms`). */
function slide(ms = SETTLE_MS) {
  clearTimeout(settle);
  draft = settings.options();
  viewStopped = false;
  settle = setTimeout(commit, ms);
  refresh();
}

/** The download's name: the file's, with the extension of the format the result is in. */
function outputName(entry, withPath) {
  const { item, result } = entry;
  const name = withPath ? (item.file.relativePath || item.name) : item.name;
  const format = formatMeta(result.format) ?? settings.format;
  return `${name.replace(/\.[^./]*$/, '') || 'image'}.${format.extension}`;
}

function setStatus(text, isError = false) {
  ui.status.textContent = text;
  ui.status.title = text;
  ui.status.classList.toggle('error', isError);
}

let lastViewStatus = null;
/** The status line as the view would have it, written only when that changes: a background job's
 * render of the same view must not wipe what a person's own action just said ("Zoomed to…"). */
function viewStatus(text, isError = false) {
  if (text === lastViewStatus) return;
  lastViewStatus = text;
  setStatus(text, isError);
}

function errorText(e) {
  return `${e.message} (${e.name})`;
}

/** "JPEG q75", "PNG (palette, lossy) 64 colours", "WebP (lossless)": what a result is, in a few words. */
function describe(options, result) {
  const id = result?.format ?? options.format;
  const label = formatMeta(id)?.label ?? id;
  const quality = result?.quality ?? options.quality;
  if (result?.options?.lossless ?? options.lossless) return `${label} lossless`;
  if (id === 'png-palette' && (result?.options?.colors ?? options.colors)) return `${label}, ${result?.options?.colors ?? options.colors} colours`;
  return quality != null && formatMeta(id)?.options.some((o) => o.name === 'quality') ? `${label} q${quality}` : label;
}

/** What the figures show: the final result for the settings as they are, else an estimate, else the
 * last result while the new one is made. */
function figureSource(item) {
  if (!item || item.error) return { kind: 'none' };
  const final = results.get(resultKey(item, draft));
  if (final) return { kind: final.result ? 'final' : 'error', entry: final };
  // The file is written, its scores not yet: its exact size, and its picture on screen.
  const early = encodedFiles.get(resultKey(item, draft));
  if (early) return { kind: 'encoded', entry: early };
  if (estimable(draft)) {
    const s = estimates.get(resultKey(item, draft)) ?? null;
    const sample = samples.get(sampleKey(item, draft));
    if (s && sample?.blob) {
      const knob = knobOf(draft);
      const pairs = calibrationEntries(item, draft)
        .map((e) => ({ knob: e.options[knob], full: e.result, sample: estimates.get(e.key) }))
        .filter((p) => p.sample);
      const originalBytes = item.file.size;
      return { kind: 'estimate', result: { ...estimateFrom(s, sample.areaRatio, draft[knob], pairs, originalBytes), width: sample.width, height: sample.height } };
    }
  }
  return { kind: 'working', entry: shown?.item === item ? shown : null };
}

function showFigures(item, source) {
  const r = source.kind === 'estimate' ? source.result : source.entry?.result;
  const estimate = source.kind === 'estimate';
  const approx = (text) => (estimate ? `≈ ${text}` : text);
  // A file written but not yet scored: its scores are being measured.
  const score = (text) => (r?.measuring ? 'measuring…' : approx(text()));
  ui.originalSize.textContent = item ? fmt.formatBytes(item.file.size) : '–';
  ui.resultSize.textContent = r ? approx(fmt.formatBytes(r.compressedBytes)) : '–';
  ui.resultDims.textContent = r?.width ? `${r.width} × ${r.height} px${estimate ? ', estimated from a sample' : ''}` : '';
  ui.saved.textContent = r ? approx(fmt.formatChange(item.file.size, r.compressedBytes)) : '–';
  ui.ratio.textContent = r ? approx(fmt.formatRatio(item.file.size / r.compressedBytes)) : '–';
  ui.mse.textContent = r ? score(() => r.mse.toFixed(2)) : '–';
  ui.psnr.textContent = r ? score(() => fmt.formatPsnr(r.psnr)) : '–';
  ui.ssimulacra2.textContent = r ? score(() => (fmt.inBands(r) ? 'not computed' : fmt.formatScore(r.ssimulacra2))) : '–';
  ui.scoreHint.textContent = r && !r.measuring ? fmt.qualityHint(r) : '';
  const shownOptions = estimate ? draft : source.entry?.options;
  ui.figures.dataset.format = r ? shownOptions.format : '';
  ui.figures.dataset.quality = r && shownOptions.quality != null ? String(shownOptions.quality) : '';

  let headline;
  if (!item) headline = items.length ? 'Choose a file in the list.' : 'Open a photo to see how much smaller it gets.';
  else if (item.error) headline = `${item.name} cannot be read.`;
  else if (source.kind === 'error') headline = `${item.name} could not be compressed with these settings.`;
  else if (r) headline = fmt.headline({ ...r, originalBytes: item.file.size }, { estimate });
  else headline = `Compressing ${item.name}…`;
  ui.headline.textContent = headline;
  if (estimate) {
    ui.headline.append(' ', Object.assign(document.createElement('span'), {
      className: 'estimate', textContent: `Estimated from a sample at ${describe(draft)}; the exact figures follow.`,
    }));
  } else if (source.kind === 'encoded') {
    ui.headline.append(' ', Object.assign(document.createElement('span'), {
      className: 'estimate', textContent: 'The picture is the result; its quality scores are being measured…',
    }));
  } else if (source.kind === 'working' && r) {
    ui.headline.append(' ', Object.assign(document.createElement('span'), {
      className: 'estimate', textContent: `(for ${describe(source.entry.options, r)}; updating…)`,
    }));
  }
  const final = source.kind === 'final' ? source.entry : null;
  if (final) {
    ui.download.href = entryUrl(final);
    ui.download.download = outputName(final, false);
    ui.download.textContent = `Download ${final.result.compressedBytes > item.file.size ? 'result' : `(${fmt.formatBytes(final.result.compressedBytes)})`}`;
    ui.download.setAttribute('aria-disabled', 'false');
  } else {
    ui.download.removeAttribute('href');
    ui.download.textContent = 'Download result';
    ui.download.setAttribute('aria-disabled', 'true');
  }
}

/** Is the alternative worth suggesting? Smaller; and where nothing went wrong, much smaller and good. */
function worthIt(advice, alt, result) {
  if (alt.compressedBytes >= result.compressedBytes) return false;
  if (!advice.bigWinOnly) return true;
  const good = Number.isFinite(alt.ssimulacra2) ? alt.ssimulacra2 >= 70 : alt.psnr >= 38;
  return good && alt.compressedBytes <= result.compressedBytes / 2;
}

function renderAdvice(item) {
  const entry = item && results.get(resultKey(item, draft));
  const advice = entry?.result && adviceFor(item, entry.result, draft, settings.formats);
  if (!advice) {
    ui.advice.hidden = true;
    ui.advice.replaceChildren();
    return;
  }
  const alt = advice.alternative && results.get(resultKey(item, advice.alternative));
  const parts = [advice.text];
  let use = null;
  if (advice.alternative) {
    const label = describe(advice.alternative);
    if (!alt) parts.push(`Checking whether ${label} would be smaller…`);
    else if (alt.result && worthIt(advice, alt.result, entry.result)) {
      const a = alt.result;
      const looks = fmt.headline({ ...a, originalBytes: item.file.size }).replace(/^.*?; it /, '').replace(/\.$/, '');
      parts.push(`${label} would be ${fmt.formatBytes(a.compressedBytes)}, ${fmt.comparedToFile(item.file.size, a.compressedBytes)}${advice.keepsAlpha ? ', keeping the transparency' : ''}, and ${looks.startsWith('is ') ? looks : `it ${looks}`}.`);
      use = advice.alternative;
    } else if (alt.result) {
      parts.push(`${label} would not be smaller (${fmt.formatBytes(alt.result.compressedBytes)}).`);
    }
  }
  if (!advice.show && !use) {
    ui.advice.hidden = true;
    return;
  }
  ui.advice.hidden = false;
  ui.advice.dataset.kind = advice.kind;
  ui.advice.replaceChildren(parts.join(' '));
  if (use) {
    const button = Object.assign(document.createElement('button'), { type: 'button', className: 'use-alternative', textContent: `Use ${formatMeta(use.format)?.label ?? use.format}` });
    button.addEventListener('click', () => switchTo(use));
    ui.advice.append(' ', button);
  }
}

/** Switches the settings to `options` (the advice's alternative). */
function switchTo(options) {
  settings.setFormat(options.format);
  for (const [name, value] of Object.entries(options)) if (name !== 'format') settings.set(name, value);
  ui.format.value = settings.formatId;
  buildControls();
  commit();
}

function renderBusy() {
  const item = current();
  const running = item && !item.error && !viewStopped
    && [committed, leftOptions()].filter(Boolean).some((o) => scheduler.isRunning(resultKey(item, o)));
  if (!running) {
    busySince = 0;
    clearTimeout(busyTimer);
    busyTimer = 0;
    ui.busy.hidden = true;
    return;
  }
  const now = performance.now();
  busySince ||= now;
  if (now - busySince < BUSY_DELAY_MS) {
    busyTimer ||= setTimeout(() => { busyTimer = 0; renderBusy(); }, BUSY_DELAY_MS);
    return;
  }
  ui.busy.hidden = false;
  const elapsed = scheduler.runningFor(resultKey(item, committed)) ?? now - busySince;
  const seconds = Math.floor(elapsed / 1000);
  // Determinate once this file has taken a comparable job: "about 3 s left", never past 95 %.
  const expected = item.took.get(durationKey(committed));
  if (expected) {
    ui.busyProgress.max = 1;
    ui.busyProgress.value = Math.min(0.95, elapsed / expected);
    const left = Math.ceil((expected - elapsed) / 1000);
    ui.busyTime.textContent = left > 0 ? `${seconds} s, about ${left} s left` : `${seconds} s, nearly done`;
  } else {
    ui.busyProgress.removeAttribute('value');
    ui.busyTime.textContent = `${seconds} s`;
  }
  const probes = item.probes ?? [];
  const searching = committed.format === 'auto' || TARGETS.some((t) => committed[t]);
  const what = committed.format === 'auto' ? 'Finding the smallest good format' : searching ? `Searching ${formatMeta(committed.format)?.label ?? committed.format} settings` : `Compressing as ${describe(committed)}`;
  const probeText = (p) => {
    const knob = p.quality != null ? ` q${p.quality}` : p.colors != null ? ` ${p.colors} colours` : '';
    const score = Number.isFinite(p.score) ? `, score ${p.score.toFixed(1)}` : Number.isFinite(p.psnr) ? `, ${p.psnr.toFixed(1)} dB` : '';
    return `${formatMeta(p.format)?.label ?? p.format}${knob} at ${p.width} × ${p.height} → ${fmt.formatBytes(p.bytes)}${score}`;
  };
  ui.busyText.textContent = probes.length
    ? `${what}: ${probes.length} tried, now ${probeText(probes.at(-1))}…`
    : `${what}…`;
  ui.busyText.title = ui.busyText.textContent;
  ui.probes.replaceChildren(...probes.slice(-3).reverse().map((p) => Object.assign(document.createElement('li'), { textContent: probeText(p) })));
  // Each second the elapsed time ticks while the job runs.
  clearTimeout(busyTimer);
  busyTimer = setTimeout(() => { busyTimer = 0; renderBusy(); }, 1000 - ((now - busySince) % 1000));
}

/**
 * An animation (an animated GIF or WebP to WebP keeps every frame): the viewer's canvases show one
 * frame, so both files also play here, as the browser shows them, with the size saved.
 */
function renderAnimation(item, final) {
  const r = final?.item === item ? final.result : null;
  const on = Boolean(r && r.frames > 1);
  ui.animation.hidden = !on;
  if (!on) {
    if (ui.animation.dataset.key) URL.revokeObjectURL(ui.animationOriginal.src);
    ui.animationOriginal.removeAttribute('src');
    ui.animationResult.removeAttribute('src');
    delete ui.animation.dataset.key;
    return;
  }
  if (ui.animation.dataset.key !== final.key) {
    if (ui.animation.dataset.key) URL.revokeObjectURL(ui.animationOriginal.src);
    ui.animation.dataset.key = final.key;
    ui.animationOriginal.src = URL.createObjectURL(item.file);
    ui.animationResult.src = entryUrl(final);
  }
  ui.animationCaption.textContent = `Animation, ${r.frames} frames, playing on both sides: original ${fmt.formatBytes(item.file.size)}, result ${fmt.formatBytes(r.compressedBytes)} (${fmt.formatChange(item.file.size, r.compressedBytes)}).`;
}

function renderView() {
  const item = current();
  const source = figureSource(item);
  const final = source.kind === 'final' ? source.entry : null;
  if (final) final.used = performance.now();
  // What the right side shows: the final result, or the file written before its scores.
  const picture = final ?? (source.kind === 'encoded' ? source.entry : null);
  renderAnimation(item, final);
  const replace = (next) => {
    // An entry evicted while on screen kept its URL for the screen's sake: free it now.
    if (shown?.url && !results.has(shown.key)) URL.revokeObjectURL(shown.url);
    shown = next;
  };
  if (picture && picture !== shown) {
    replace(picture);
    viewer.showResult(picture.result.blob);
  } else if (!item || (shown && shown.item !== item)) {
    replace(null);
    viewer.showResult(null);
  }
  // The left side: the original, or another encoding of it.
  const left = item && leftOptions();
  const leftEntry = left ? results.get(resultKey(item, left)) : null;
  if (!left || !item) {
    if (shownLeft) viewer.showLeft(null);
    shownLeft = null;
    // A file the browser cannot show is drawn from the core's decode of it: say so.
    ui.tagLeft.textContent = item?.view ? 'Original (decoded by pixsqueeze)' : 'Original';
    ui.tagLeft.title = item?.view ? 'The browser cannot show this file: this is pixsqueeze’s own decode of it.' : '';
  } else {
    if (leftEntry?.result && leftEntry !== shownLeft) {
      shownLeft = leftEntry;
      viewer.showLeft(leftEntry.result.blob);
    }
    const r = shownLeft?.item === item ? shownLeft.result : null;
    ui.tagLeft.textContent = r ? `${describe(shownLeft.options, r)} · ${fmt.formatBytes(r.compressedBytes)}${leftEntry === shownLeft ? '' : ' (updating…)'}` : `${describe(left)}…`;
  }
  // Until the final result is in, a preview of the part on screen at the new setting lies over it.
  const preview = item && !final ? previews.get(resultKey(item, draft)) : null;
  const nextPreview = preview?.blob ? preview : null;
  if (nextPreview !== previewed) {
    previewed = nextPreview;
    viewer.showPreview(previewed?.blob ?? null, previewed?.rect);
  }
  const r = shown?.item === item ? shown.result : null;
  ui.tagRight.textContent = previewed ? `${describe(draft)}: preview of this part; the whole follows…`
    : r ? `${describe(shown.options, r)} · ${fmt.formatBytes(r.compressedBytes)}${picture === shown ? '' : ' (updating…)'}` : 'Result';
  ui.zoomChanged.disabled = !r;

  ui.figures.dataset.state = !item ? 'idle' : item.error || source.kind === 'error' ? 'error' : source.kind === 'final' ? 'done' : source.kind;
  showFigures(item, source);
  renderAdvice(item);
  renderBusy();
  resizeControl?.update();

  const entry = item && results.get(resultKey(item, committed));
  if (!item) viewStatus(items.length ? 'Choose a file in the list.' : 'Open a photo to start.');
  else if (item.error) viewStatus(`${item.name}: cannot be read: ${errorText(item.error)}`, true);
  else if (entry?.error) viewStatus(`${item.name}: ${errorText(entry.error)}`, true);
  else if (entry) {
    const done = entry.result;
    const via = item.needsBrowser ? ', decoded by the browser' : '';
    const label = formatMeta(done.format)?.label ?? settings.format.label;
    const why = done.search ? ` Search: ${done.search.reason}.` : '';
    viewStatus(`Done: ${done.width} × ${done.height}, ${label}${via}.${why}`);
  } else if (viewStopped) viewStatus(`${item.name}: stopped. Change a setting to compress again.`);
  else if (source.kind === 'estimate') {
    // The status line stays in sight with the viewer (on phones too): the estimate goes there as well.
    const r = source.result;
    viewStatus(`${describe(draft)}: about ${fmt.formatBytes(r.compressedBytes)}, ${fmt.formatChange(item.file.size, r.compressedBytes)} (estimate; exact figures follow)`);
  }
  else viewStatus(`Compressing ${item.name}…`);
}

/** A PSNR axis in whole 5 dB steps around the points, so the curve's shape shows. */
function psnrRange(values) {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return [20, 50];
  return [Math.floor(Math.min(...finite) / 5) * 5 - 5, Math.ceil(Math.max(...finite) / 5) * 5 + 5];
}

function renderChart() {
  const item = current();
  const base = baseKey(committed);
  const points = !item || item.error || knobOf(committed) !== 'quality' || TARGETS.some((t) => committed[t]) ? [] : [...results.values()]
    .filter((e) => e.item === item && e.result && e.baseKey === base)
    .map((e) => ({ quality: e.options.quality, bytes: e.result.compressedBytes, ssimulacra2: e.result.ssimulacra2, psnr: e.result.psnr }));
  // An empty chart (axes from nothing) says nothing: it shows from two points on.
  ui.chartFigure.hidden = points.length < 2;
  if (ui.chartFigure.hidden) return;
  // SSIMULACRA2, the headline score; PSNR only for images too small for it.
  const perceptual = points.some((p) => Number.isFinite(p.ssimulacra2));
  ui.chartScoreName.textContent = perceptual ? 'SSIMULACRA2' : 'PSNR (dB)';
  drawChart(ui.chart, ui.chartTable, {
    points: points.map((p) => ({ quality: p.quality, bytes: p.bytes, score: perceptual ? p.ssimulacra2 : p.psnr })),
    current: draft.quality,
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
  if (paused || (viewStopped && item.id === currentId)) return { state: 'cancelled', message: 'Stopped' };
  return { state: 'queued', message: 'Waiting…' };
}

function renderBatch() {
  ui.batch.hidden = items.length === 0;
  const rows = items.map((item) => {
    const { state, message, entry } = rowState(item);
    return {
      item, state, message, current: item.id === currentId, originalBytes: item.file.size,
      result: entry?.result, url: entry && entryUrl(entry), downloadName: entry ? outputName(entry, false) : '',
    };
  });
  list.update(rows);
  const finished = rows.filter((r) => r.state === 'done' || r.state === 'error').length;
  const done = rows.filter((r) => r.state === 'done');
  ui.progress.max = Math.max(1, rows.length);
  ui.progress.value = finished;
  const before = done.reduce((n, r) => n + r.originalBytes, 0);
  const after = done.reduce((n, r) => n + r.result.compressedBytes, 0);
  const failed = finished - done.length;
  ui.progressText.textContent = `${finished} of ${rows.length} done${failed ? ` (${failed} failed)` : ''}`
    + `${done.length ? `: ${fmt.formatTotal(before, after)}` : ''}`;
  const busy = finished < rows.length;
  ui.cancel.textContent = paused ? 'Resume' : 'Cancel';
  ui.cancel.disabled = !paused && !busy;
  ui.downloadAll.disabled = done.length === 0;
  ui.downloadAll.setAttribute('aria-disabled', String(done.length === 0));
  ui.downloadAll.textContent = busy && done.length ? `Download ${done.length} done as ZIP` : 'Download all as ZIP';
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
  shownLeft = null;
  previewed = null;
  const item = current();
  if (item) viewer.showOriginal(item.view ?? item.file);
  refresh();
}

/**
 * The browser cannot show `blob`, the current file (a TIFF): the core makes a lossless PNG of it, with
 * the person's limits (in bands when the image is that large), and the viewer shows that instead.
 */
async function showViaCore(blob) {
  const item = current();
  if (!item || blob !== item.file || item.viewAsked) return;
  item.viewAsked = true; // once, or again when the limits change
  try {
    const png = await compress(item.file, { format: 'png', effort: 'fast', ...(committed.limits && { limits: committed.limits }) });
    item.view = png.blob;
    if (item === current()) viewer.showOriginal(item.view);
    render();
  } catch {
    // Nothing to show on the left; the file's own job says what is wrong with it (the limits, say).
  }
}

function addFiles(files) {
  const added = files.map((file) => ({
    id: nextId++, file, name: file.relativePath || file.name, needsBrowser: false, prepared: null, error: null, probes: [], alpha: undefined, took: new Map(),
    view: null, viewAsked: false, // a PNG of the file from the core, when the browser cannot show the file itself
  }));
  items.push(...added);
  // Show what was just dropped; a bigger batch keeps running behind it.
  if (added.length) select(added[0].id);
}

function remove(id) {
  const index = items.findIndex((i) => i.id === id);
  if (index < 0) return;
  const [item] = items.splice(index, 1);
  for (const entry of [...results.values()]) if (entry.item === item) dropEntry(entry);
  for (const key of [...samples.keys()]) if (key.startsWith(`${id} `)) samples.delete(key);
  for (const map of [estimates, previews, encodedFiles]) for (const key of [...map.keys()]) if (key.startsWith(`${id} `)) map.delete(key);
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

function onSettingChange({ live, settle: ms, name } = {}) {
  // Lossless on or off changes what the quality slider can do: the controls are drawn again.
  if (name === 'lossless') buildControls();
  if (live) slide(ms);
  else commit();
}

// A file refused by the old limits is tried again under the new ones.
function onLimitChange(how) {
  for (const item of items) if (item.error?.name === 'LimitExceeded') item.error = null;
  onSettingChange(how);
  // An original the browser cannot show, which the core refused under the old limits, is tried again.
  const item = current();
  if (item?.viewAsked && !item.view) {
    item.viewAsked = false;
    showViaCore(item.file);
  }
}

function buildControls() {
  renderControls(settings, { own: ui.formatOptions, shared: ui.sharedOptions, advanced: ui.advancedOptions }, onSettingChange);
  resizeControl = renderResize(settings, ui.resize, onSettingChange, () => viewer.size);
  renderLimits(settings, ui.limitOptions, onLimitChange);
  // Targets, colour and advanced options are folded away unless set: most people never need them.
  const changed = settings.raisedLimits() || settings.format.options.some((o) => !PRIMARY.has(o.name) && !RESIZE_OPTIONS.includes(o.name)
    && settings.value(o.name) !== o.default);
  if (changed) $('more-options').open = true;
}

function buildLeftControls() {
  if (!leftOn) {
    ui.leftOptions.replaceChildren();
    return;
  }
  const own = leftSettings.format.options.filter((o) => !leftSettings.common.has(o.name)).map((o) => o.name);
  renderControls(leftSettings, { own: ui.leftOptions, shared: null, advanced: null }, () => refresh(), { prefix: 'left', only: own });
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

// A worker's first job is slow: the worker starts (its module scripts, its wasm instance) and the engine
// compiles each wasm function on its first call. A 384 × 384 sample's estimate took 1.8 s in Chromium and
// 2.4 s in WebKitGTK as a worker's first job, 0.5 s and 0.4 s after one (loaded 2-core machine). So the
// page runs a tiny photo through every step of a job (PNG and JPEG decode, the encode, the scores) on
// each worker before the first photo comes, and again when a file is dragged over the page or the picker
// is opened (the pool stops a worker idle for 30 s).
const WARM_AGAIN_MS = 20_000;
let warmedAt = -Infinity;

function warmWorkers(slots) {
  if (scheduler?.busy || performance.now() - warmedAt < WARM_AGAIN_MS) return;
  warmedAt = performance.now();
  const side = 256;
  const rgba = new Uint8Array(side * side * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 251));
  for (let i = 0; i < slots; i++) {
    // Chains at once: the pool starts a worker for each. JPEG, the default; another format's module
    // is fetched when it is picked.
    encode(rgba.slice(), side, side, { format: 'png' })
      .then((png) => compress(png, { format: 'jpeg' }))
      .then((jpeg) => compress(jpeg.data, { format: 'jpeg' }))
      .catch(() => {}); // only a warm-up: the real job reports its own errors
  }
}

async function start() {
  // As many workers as the scheduler has slots (at least two: one always free for the view), for the
  // cores the page really gets (WebKit reports 4 for anything below 8).
  const cores = await usableCores();
  performance.mark('pixsqueeze:cores', { detail: { reported: navigator.hardwareConcurrency, usable: cores } });
  const slots = defaultSlots(cores);
  await init({ workers: slots });
  document.addEventListener('dragenter', () => warmWorkers(slots));
  for (const input of [ui.file, ui.folder]) input.addEventListener('click', () => warmWorkers(slots));
  const list0 = (await formats()).filter((f) => f.options);
  settings = new Settings(list0, { limits: await limitOptions() });
  // The left side compares another lossy encoding: JPEG unless the main side is already JPEG.
  leftSettings = new Settings(list0.filter((f) => f.id !== 'auto'), { storageKey: 'pixsqueeze.left.v1', defaultFormat: 'jpeg' });
  draft = committed = settings.options();
  scheduler = new Scheduler({ slots, onDone });
  list = new BatchList(ui.files, { onSelect: select, onRemove: remove });
  viewer = new Viewer({
    stage: ui.stage, original: ui.original, result: ui.result, divider: ui.divider, zoomLabel: $('zoom-level'),
    onResultShown: () => performance.mark('pixsqueeze:result-shown'),
    onOriginalSize: () => resizeControl?.update(),
    onOriginalFailed: (blob) => showViaCore(blob),
    // Panned or zoomed while a new setting is on its way: the preview follows what is on screen.
    onChange: () => {
      if (!current() || results.has(resultKey(current(), draft))) return;
      clearTimeout(viewMoved);
      viewMoved = setTimeout(refresh, 150);
    },
  });

  for (const f of list0) ui.format.add(new Option(f.label, f.id));
  for (const f of leftSettings.formats) ui.leftFormat.add(new Option(f.label, f.id));
  ui.format.value = settings.formatId;
  buildControls();
  ui.format.addEventListener('change', () => {
    settings.setFormat(ui.format.value);
    buildControls();
    commit();
  });
  ui.leftFormat.addEventListener('change', () => {
    leftOn = ui.leftFormat.value !== '';
    if (leftOn) leftSettings.setFormat(ui.leftFormat.value);
    buildLeftControls();
    refresh();
  });

  listen({ fileInput: ui.file, folderInput: ui.folder, dropZone: ui.drop }, addFiles);
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener('change', () => viewer.setMode(radio.value));
  }
  $('zoom-in').addEventListener('click', () => viewer.zoomBy(1.5));
  $('zoom-out').addEventListener('click', () => viewer.zoomBy(1 / 1.5));
  $('zoom-fit').addEventListener('click', () => viewer.fit());
  $('zoom-100').addEventListener('click', () => viewer.zoomTo(1));
  ui.zoomChanged.addEventListener('click', async () => {
    const found = await viewer.zoomToMostChanged().catch(() => null);
    setStatus(found ? `Zoomed to the most changed area, around (${Math.round(found.cx)}, ${Math.round(found.cy)}).` : 'Nothing to compare yet.');
    ui.stage.focus({ preventScroll: true });
  });
  ui.stop.addEventListener('click', () => {
    viewStopped = true;
    refresh();
  });
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
  warmWorkers(slots);
  warmDecoders();
}

start().catch((e) => setStatus(`pixsqueeze could not start: ${e.message}`, true));
