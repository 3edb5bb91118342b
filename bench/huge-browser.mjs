// `npm run bench:huge-browser` (or `node bench/huge-browser.mjs jpeg|png`): the 300-megapixel job of
// `bench/huge.mjs` in headless Chromium, through the package (js/index.js, `mainThread: true`, so the
// wasm instance lives in the page where its memory can be read). The PNG (bench/huge-fixture.mjs) is
// served to the page, which fetches it and calls `compress` with `maxPixels` raised, so the job takes
// the band path (README, "Huge images, in bands"). Each format runs in a fresh page. Memory: every
// `WebAssembly.Memory` the page instantiates is recorded (an init script wraps `WebAssembly.instantiate`
// and `instantiateStreaming`); the largest buffer after the job is the job's peak, since wasm memory only
// grows (the 300 MP input file, copied into the instance, included). Figures only, not a test.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { hugePng } from './huge-fixture.mjs';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const formats = process.argv[2] ? [process.argv[2]] : ['jpeg', 'png'];
const png = hugePng();
console.log(`fixture: ${(png.length / 1e6).toFixed(1)} MB PNG; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
  if (path === 'huge.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(png);
  if (path === 'index.html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>huge</title>');
  if (!/^(js|pkg)\//.test(path) || path.split('/').includes('..')) return res.writeHead(404).end();
  let body;
  try {
    body = readFileSync(join(root, path));
  } catch {
    return res.writeHead(404).end();
  }
  res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-sync'],
});
try {
  for (const format of formats) {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      globalThis.wasmMemories = [];
      const keep = (result) => {
        const instance = result.instance ?? result;
        for (const value of Object.values(instance.exports ?? {})) {
          if (value instanceof WebAssembly.Memory) globalThis.wasmMemories.push(value);
        }
        return result;
      };
      const { instantiate, instantiateStreaming } = WebAssembly;
      WebAssembly.instantiate = (...a) => instantiate(...a).then(keep);
      WebAssembly.instantiateStreaming = (...a) => instantiateStreaming(...a).then(keep);
    });
    await page.goto(`${origin}/index.html`);
    const r = await page.evaluate(async (format) => {
      const { compress } = await import('/js/index.js');
      const bytes = new Uint8Array(await (await fetch('/huge.png')).arrayBuffer());
      const started = performance.now();
      const r = await compress(bytes, { format, mainThread: true, limits: { maxPixels: 3e8, maxInputBytes: 2e9 } });
      const seconds = (performance.now() - started) / 1000;
      return {
        seconds, bytes: r.compressedBytes, psnr: r.psnr, banded: r.notes.some((n) => n.includes('in bands')),
        memory: Math.max(...globalThis.wasmMemories.map((m) => m.buffer.byteLength)),
        modules: globalThis.wasmMemories.length, userAgent: navigator.userAgent,
      };
    }, format);
    console.log(`300 MP to ${format} in ${r.userAgent.match(/(Headless)?Chrome\/[\d.]+/)?.[0]}: ${r.seconds.toFixed(1)} s, `
      + `${(r.bytes / 1e6).toFixed(1)} MB, PSNR ${r.psnr.toFixed(2)}, in bands: ${r.banded}, `
      + `peak wasm memory ${(r.memory / 1e6).toFixed(0)} MB (${r.modules} instance(s)); load average ${loadavg()[0].toFixed(1)}`);
    await page.close();
  }
} finally {
  await browser.close();
  await new Promise((resolve) => server.close(resolve));
}
