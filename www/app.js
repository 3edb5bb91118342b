// The page: a consumer of the package's public API (../js/index.js), exactly as an npm user would be.
import { compress, formats } from '../js/index.js';

const $ = (id) => document.getElementById(id);
const ui = {
  drop: $('drop'), file: $('file'), fileName: $('file-name'), format: $('format'), quality: $('quality'),
  qualityNumber: $('quality-number'), status: $('status'), original: $('original'), result: $('result'),
  originalInfo: $('original-info'), resultInfo: $('result-info'), originalSize: $('original-size'),
  resultSize: $('result-size'), saved: $('saved'), ratio: $('ratio'), psnr: $('psnr'), mse: $('mse'),
  download: $('download'),
};

const DEBOUNCE_MS = 100;
let formatList = [];
let source = null; // { file, url }
let resultUrl = null;
let pending = null; // AbortController of the job in flight
let timer = 0;

const bytes = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`);

function setStatus(text, isError = false) {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', isError);
}

function currentFormat() {
  return formatList.find((f) => f.id === ui.format.value) ?? formatList[0];
}

function options() {
  const format = currentFormat();
  return format.lossy ? { format: format.id, quality: Number(ui.quality.value) } : { format: format.id };
}

function syncQualityControls() {
  const lossy = currentFormat()?.lossy ?? true;
  ui.quality.disabled = ui.qualityNumber.disabled = !lossy;
  ui.quality.setAttribute('aria-valuetext', lossy ? `quality ${ui.quality.value}` : 'not used by lossless formats');
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(run, DEBOUNCE_MS);
}

async function run() {
  if (!source) return;
  pending?.abort(); // a newer request supersedes the one in flight: its worker is terminated
  const controller = new AbortController();
  pending = controller;
  setStatus(`Compressing ${source.file.name}…`);
  try {
    const result = await compress(source.file, { ...options(), signal: controller.signal });
    if (controller !== pending) return;
    show(result);
    setStatus(`Done: ${result.width} × ${result.height}, ${currentFormat().label}.`);
  } catch (e) {
    if (e.name === 'AbortError') return;
    if (controller !== pending) return;
    clearResult();
    setStatus(`${source.file.name}: ${e.message} (${e.name})`, true);
  }
}

function show(r) {
  if (resultUrl) URL.revokeObjectURL(resultUrl);
  resultUrl = URL.createObjectURL(r.blob);
  ui.result.src = resultUrl;
  ui.resultInfo.textContent = `${bytes(r.compressedBytes)}`;
  ui.originalSize.textContent = bytes(r.originalBytes);
  ui.resultSize.textContent = bytes(r.compressedBytes);
  const saved = 1 - r.compressedBytes / r.originalBytes;
  ui.saved.textContent = saved >= 0 ? `${(saved * 100).toFixed(1)} %` : `${(-saved * 100).toFixed(1)} % larger`;
  ui.ratio.textContent = `${r.ratio.toFixed(2)} : 1`;
  ui.psnr.textContent = Number.isFinite(r.psnr) ? `${r.psnr.toFixed(2)} dB` : '∞ (identical)';
  ui.mse.textContent = r.mse.toFixed(2);
  const base = source.file.name.replace(/\.[^.]*$/, '') || 'image';
  ui.download.href = resultUrl;
  ui.download.download = `${base}.${currentFormat().extension}`;
  ui.download.setAttribute('aria-disabled', 'false');
}

function clearResult() {
  if (resultUrl) URL.revokeObjectURL(resultUrl);
  resultUrl = null;
  ui.result.removeAttribute('src');
  ui.resultInfo.textContent = '';
  for (const el of [ui.resultSize, ui.saved, ui.ratio, ui.psnr, ui.mse]) el.textContent = '–';
  ui.download.removeAttribute('href');
  ui.download.setAttribute('aria-disabled', 'true');
}

function open(file) {
  if (!file) return;
  if (source) URL.revokeObjectURL(source.url);
  source = { file, url: URL.createObjectURL(file) };
  ui.fileName.textContent = file.name;
  ui.original.src = source.url;
  ui.originalInfo.textContent = bytes(file.size);
  ui.originalSize.textContent = bytes(file.size);
  clearResult();
  run();
}

async function start() {
  formatList = await formats();
  for (const f of formatList) ui.format.add(new Option(f.label, f.id));
  ui.format.value = formatList[0].id;
  syncQualityControls();

  ui.file.addEventListener('change', () => open(ui.file.files[0]));
  ui.format.addEventListener('change', () => { syncQualityControls(); schedule(); });
  ui.quality.addEventListener('input', () => {
    ui.qualityNumber.value = ui.quality.value;
    syncQualityControls();
    schedule();
  });
  ui.qualityNumber.addEventListener('change', () => {
    const q = Math.min(100, Math.max(1, Math.round(Number(ui.qualityNumber.value) || 75)));
    ui.qualityNumber.value = ui.quality.value = String(q);
    syncQualityControls();
    schedule();
  });
  for (const type of ['dragenter', 'dragover']) {
    document.addEventListener(type, (e) => { e.preventDefault(); ui.drop.classList.add('over'); });
  }
  document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) ui.drop.classList.remove('over'); });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    ui.drop.classList.remove('over');
    open(e.dataTransfer?.files?.[0]);
  });
  document.body.dataset.ready = 'true';
}

start().catch((e) => setStatus(`pixsqueeze could not start: ${e.message}`, true));
