// Shared by the end-to-end tests: the page's server, the browser (E2E_ENGINE picks the driver: see
// drivers/index.mjs), the shared corpus where it exists, and fixtures made in code where it does not.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync, crc32 } from 'node:zlib';
import { startServer } from '../../scripts/serve.mjs';
import { engine, launchBrowser, probeOptions } from './drivers/index.mjs';
import { serveProbe } from './drivers/probe.mjs';

export { engine };
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const corpus = join(root, '..', 'shared', 'corpus');

/** Where this engine's screenshots go: target/e2e-screenshots/<engine>/. */
export function screenshotDir() {
  const dir = join(root, 'target', 'e2e-screenshots', engine);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Under CI=true a missing corpus fails the tests that read it instead of skipping them. */
export const corpusRequired = process.env.CI === 'true';

/**
 * Path of a corpus file, or null (with the reason printed) when the corpus is not beside the checkout;
 * under CI=true a missing file throws instead.
 */
export function corpusFile(rel) {
  const path = join(corpus, rel);
  if (existsSync(path)) return path;
  if (corpusRequired) throw new Error(`${path} not found: under CI=true the corpus tests must run, not skip (put the shared corpus beside the checkout)`);
  console.log(`SKIP corpus part: ${path} not found (the shared corpus is not beside this checkout)`);
  return null;
}

/** The page's server and this engine's browser: `{ origin, server, engine, newPage({ viewport }), close() }`. */
export async function launch() {
  const server = await startServer(0);
  serveProbe(server, probeOptions);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await launchBrowser();
  return {
    origin,
    server,
    engine,
    newPage: (options) => browser.newPage(options),
    async close() {
      await browser.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A new page of this engine at `path` on the page's server, once the page says it is ready. */
export async function openAt(env, path = '/', viewport = { width: 1280, height: 900 }) {
  const page = await env.newPage({ viewport });
  await page.goto(`${env.origin}${path}`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

/** A PNG file (RGBA8, no filtering) whose pixel at (x, y) is `pixel(x, y)` → [r, g, b, a]. */
export function makePng(width, height, pixel) {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A photo-like fixture: smooth gradients with deterministic noise. */
export function photoLikePng(width = 320, height = 240) {
  let s = 0x2545f491;
  const noise = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return ((s >>> 0) % 17) - 8; };
  const clamp = (v) => Math.max(0, Math.min(255, v));
  return makePng(width, height, (x, y) => [
    clamp(Math.round((x / width) * 255) + noise()),
    clamp(Math.round((y / height) * 255) + noise()),
    clamp(128 + Math.round(60 * Math.sin(x / 9) * Math.cos(y / 13)) + noise()),
    255,
  ]);
}

/** `{ name, mimeType, buffer }` for a file on disk, as a test hands it to the page. */
export function fileSpec(path, name = basename(path)) {
  const types = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };
  return { name, mimeType: types[extname(path).toLowerCase()] ?? 'application/octet-stream', buffer: readFileSync(path) };
}

/**
 * Drops files on the page as a person dragging them from a file manager would: a `drop` event whose
 * DataTransfer holds the files. Resolves to the page's clock (performance.now()) at the drop.
 */
export async function dropFiles(page, files) {
  const specs = files.map((f) => ({ name: f.name, type: f.mimeType, base64: Buffer.from(f.buffer).toString('base64') }));
  return page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    const target = document.getElementById('drop');
    target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
    const t0 = performance.now();
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    return t0;
  }, specs);
}

let wasmReady = null;

/** The package's own (full) wasm, in Node. */
async function wasmInNode() {
  const glue = await import(pathToFileURL(join(root, 'pkg', 'pixsqueeze_full.js')).href);
  wasmReady ??= glue.default({ module_or_path: readFileSync(join(root, 'pkg', 'pixsqueeze_full_bg.wasm')) });
  await wasmReady;
  return glue;
}

/** Decodes an image file with the package's own wasm, in Node: `{ width, height, data }`. */
export async function decodeInNode(bytes) {
  return (await wasmInNode()).decode(new Uint8Array(bytes));
}

/**
 * A JPEG made in code whose EXIF says "rotate 90° clockwise to show" (orientation 6): stored `width` ×
 * `height` with its left half red and its right half blue, so upright it is `height` × `width`, red on
 * top and blue below.
 */
export async function turnedJpeg(width = 64, height = 32) {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set(i % width < width / 2 ? [220, 30, 30, 255] : [30, 30, 220, 255], i * 4);
  const jpeg = Buffer.from((await wasmInNode()).encode(rgba, width, height, { format: 'jpeg', quality: 90 }));
  // APP1 "Exif": a big-endian TIFF header and one IFD with one entry, Orientation (0x0112) = 6.
  const tiff = Buffer.from([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, body.length + 2]), body]);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}

/** The entries of a ZIP file, read from its central directory; each CRC-32 is checked. */
export function readZip(buffer) {
  const eocd = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('no end of central directory: not a ZIP');
  const count = buffer.readUInt16LE(eocd + 10);
  let at = buffer.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(at) !== 0x02014b50) throw new Error(`central directory entry ${i} is damaged`);
    const method = buffer.readUInt16LE(at + 10);
    const crc = buffer.readUInt32LE(at + 16);
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const offset = buffer.readUInt32LE(at + 42);
    const name = buffer.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (buffer.readUInt32LE(offset) !== 0x04034b50) throw new Error(`${name}: no local header`);
    const start = offset + 30 + buffer.readUInt16LE(offset + 26) + buffer.readUInt16LE(offset + 28);
    const data = buffer.subarray(start, start + size);
    if (method !== 0) throw new Error(`${name}: method ${method}, expected store`);
    if (crc32(data) !== crc) throw new Error(`${name}: CRC-32 mismatch`);
    entries.push({ name, data });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Page bytes as the figures show them ("41.0 kB", "2.80 MB", "512 B"), to compare with a file's size. */
export function shownBytes(text) {
  const n = Number.parseFloat(text);
  if (text.endsWith('MB')) return n * 1e6;
  if (text.endsWith('kB')) return n * 1e3;
  return n;
}

/**
 * Presses keys a person would (zoom in and out on the viewer) every `everyMs` for `forMs`, and
 * measures each press from the input event to the next frame, plus the browser's own Event Timing
 * entries (input to next paint, reported from 16 ms up); stops early once `until()` resolves true.
 * Resolves to figures in milliseconds.
 */
export async function measureInputLag(page, { forMs = 5000, everyMs = 150, until } = {}) {
  await page.evaluate(() => {
    window.lagProbe = { frames: [], events: [] };
    document.getElementById('stage').addEventListener('keydown', (e) => {
      const t = e.timeStamp;
      requestAnimationFrame(() => window.lagProbe.frames.push(performance.now() - t));
    });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        // Split each slow entry: waiting to run, running our handlers, then waiting for the frame to show.
        if (e.name.startsWith('key')) window.lagProbe.events.push({
          duration: e.duration, delay: e.processingStart - e.startTime,
          handlers: e.processingEnd - e.processingStart, paint: e.startTime + e.duration - e.processingEnd,
        });
      }
    }).observe({ type: 'event', durationThreshold: 16, buffered: false });
    window.lagProbe.frames50 = [];
    new PerformanceObserver((list) => {
      for (const f of list.getEntries()) {
        window.lagProbe.frames50.push({
          duration: Math.round(f.duration), render: Math.round(f.duration - (f.renderStart - f.startTime)),
          scripts: f.scripts.map((s) => `${s.invoker} ${Math.round(s.duration)}ms`).join('; '),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: false });
  });
  await page.focus('#stage');
  const end = Date.now() + forMs;
  for (let i = 0; Date.now() < end && !(await until?.()); i++) {
    await page.keyboard.press(i % 2 ? '-' : '+');
    await page.waitForTimeout(everyMs);
  }
  await page.waitForTimeout(200);
  const { frames, events, frames50 } = await page.evaluate(() => window.lagProbe);
  const sorted = [...frames].sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return {
    presses: frames.length, median: pct(0.5), p95: pct(0.95), max: sorted.at(-1) ?? NaN,
    longFrames: frames50.sort((a, b) => b.duration - a.duration).slice(0, 5), slowEvents: events.length, slowest: events.sort((a, b) => b.duration - a.duration)[0],
  };
}

export const formatLag = (l) => `${l.presses} key presses: input to next frame median ${l.median.toFixed(1)} ms, `
  + `p95 ${l.p95.toFixed(1)} ms, max ${l.max.toFixed(1)} ms; Event Timing entries over 16 ms: ${l.slowEvents}`
  + `${l.slowest ? ` (slowest ${l.slowest.duration} ms: ${l.slowest.delay.toFixed(0)} waiting, `
    + `${l.slowest.handlers.toFixed(0)} in handlers, ${l.slowest.paint.toFixed(0)} until painted)` : ''}`;
