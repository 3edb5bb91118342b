// `npm run bench [-- --quick]`: ours against MozJPEG, libwebp (@jsquash/webp), oxipng and the browser's
// canvas encoders (JPEG and WebP), in
// headless Chromium, on the shared corpus (or a made-up photo where it is absent). Writes
// target/bench/report.md and report.json (plus a dated copy of the JSON, to compare runs over time).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { extname, join, normalize, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { root, corpusDir, plan } from './plan.mjs';
import { summarise, markdown, targetsMarkdown } from './report.mjs';
import { avifStage, avifSummary, avifMarkdown } from './avif.mjs';

const quick = process.argv.includes('--quick');
// `--only avif`: the AVIF stage alone (its figures for src/codecs/avif-notes.md), without the rest;
// `--only png12`: the 12 MP lossless PNG alone, on one worker and split over two; `--only score`: the
// SSIMULACRA2 timings alone (the wasm on the page's thread, the package on one worker and split over two);
// `--only jpeg`: the speed image's JPEG through the package alone, on one worker and split over two.
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? process.argv[onlyArg + 1] : null;
if (only && !['avif', 'png12', 'score', 'jpeg'].includes(only)) throw new Error(`--only takes "avif", "png12", "score" or "jpeg", not ${only}`);
// `--pkg DIR`: benchmark another build of ours (e.g. one with different target features) in place of pkg/.
const pkgArg = process.argv.indexOf('--pkg');
const pkgDir = pkgArg > 0 ? resolve(process.argv[pkgArg + 1]) : join(root, 'pkg');
const p = plan(quick);
// Each lossy family: ours first, then its peers (report.mjs pairs them the same way).
const lossyCodecs = ['ours', 'mozjpeg', 'canvas', 'ours-webp', 'jsquash-webp', 'canvas-webp'];
// The speed stage adds ours through the package's pool: one worker, and one image split over two.
// (A --pkg build older than the package's module list has no pool to drive.)
const speedCodecs = [...lossyCodecs, ...(existsSync(join(pkgDir, 'modules.js')) ? ['ours-1w', 'ours-2w'] : [])];
// `--readme`: write the issue-14 targets table into README.md's performance section.
const writeReadme = process.argv.includes('--readme');
const log = (...a) => console.log('[bench]', ...a);

if (!existsSync(join(pkgDir, 'pixsqueeze_bg.wasm'))) {
  console.error('[bench] pkg/ is not built: run `node scripts/build.mjs` first (`npm run bench` does)');
  process.exit(1);
}
if (!p.corpus && process.env.CI === 'true') throw new Error(`${corpusDir} not found: under CI=true the bench runs on the shared corpus`);
if (!p.corpus) log(`SKIP corpus: ${corpusDir} not found; benchmarking one made-up 768x512 photo instead`);

const server = await serve();
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-dev-shm-usage', '--no-first-run', '--disable-sync'],
});
const started = Date.now();
const results = {
  date: new Date().toISOString(), mode: quick ? 'quick' : 'full', chromium: browser.version(),
  cpu: `${cpus()[0]?.model ?? '?'} x ${cpus().length}`, qualities: p.qualities,
  lossy: [], speed: null, lossless: [], wasm: wasmSizes(), memory: {},
  // The 1-minute load average before and after: figures taken while others compile are noisy.
  load: { before: loadavg()[0] },
};
try {
  if (only === 'png12') await png12Stage();
  else if (only === 'score') await scoreStage();
  else if (only === 'jpeg') await jpegStage();
  else {
    if (only !== 'avif') await otherStages();
    results.avif = await avifStage(openPage, p, quick, log);
  }
} finally {
  await browser.close();
  await new Promise((resolve) => server.close(resolve));
}

/**
 * Lossless PNG at the default effort on the 12 MP photo through the package, on one worker and split
 * over two (`split: true`): three rounds of the two, alternated, in quick mode too (several seconds a
 * run); the medians. (One run each moved the split's ratio between 1.73× and 1.93× on a quiet machine,
 * the one-worker time alone between 10.3 and 11.3 s.)
 */
async function png12(page, s) {
  const rounds = 3;
  const runs = { png12: [], png12split: [] };
  for (let round = 0; round < rounds; round++) {
    for (const [key, codec] of [['png12', 'ours-png-1w'], ['png12split', 'ours-png-2w']]) {
      const point = await page.evaluate(([n, c]) => bench.point(n, c, null), [s.name, codec]);
      if (point.mse !== 0) throw new Error(`${codec} was not lossless on ${s.name}`);
      runs[key].push(point);
    }
  }
  for (const [key, codec] of [['png12', 'ours-png-1w'], ['png12split', 'ours-png-2w']]) {
    const times = runs[key].map((p) => p.ms);
    results[key] = { ...runs[key][0], ms: median(times), times };
    log(`${codec} on ${s.name}: ${results[key].bytes} bytes, ${median(times).toFixed(0)} ms (median of ${times.map((t) => t.toFixed(0)).join(', ')})`);
  }
}

/**
 * SSIMULACRA2 of the speed image's JPEG: the wasm on the page's thread (the target's figure), then the
 * package's measure() on one worker and split over two workers (`split: true`, measureSplit), which
 * must give the same score.
 */
async function scores(page, s) {
  results.score = await page.evaluate(([n, q, r]) => bench.timeScore(n, q, r), [s.name, s.quality, s.runs]);
  if (!existsSync(join(pkgDir, 'modules.js'))) return;
  for (const [key, workers] of [['score1w', 1], ['score2w', 2]]) {
    results[key] = await page.evaluate(([n, q, r, w]) => bench.timeScorePooled(n, q, r, w), [s.name, s.quality, s.runs, workers]);
  }
  const med = (t) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)].toFixed(0);
  const { score, score1w: one, score2w: two } = results;
  log(`SSIMULACRA2 of ${s.name}: ${med(score.times)} ms on the page's thread, ${med(one.times)} ms on 1 worker, ${med(two.times)} ms split over 2 (scores ${score.score}, ${one.score}, ${two.score})`);
  if (one.score !== score.score || two.score !== score.score) throw new Error('SSIMULACRA2 split over workers gave another score');
}

async function scoreStage() {
  const page = await openPage();
  const s = p.speed;
  await page.evaluate(([n, u]) => bench.load(n, u), [s.name, s.url]);
  await scores(page, s);
  await page.close();
}

function median(t) {
  return [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)];
}

/**
 * `codecs`' encode times of the speed image `s` (loaded in `page`): each warmed up, then `s.runs` rounds
 * of one timed run of every codec in turn, so that the ratios between them (ours against the canvas
 * encoder, the split against one worker) compare runs made under the same load rather than seconds
 * apart (one codec's runs in a row moved the JPEG split's ratio between 1.1x and 1.7x on one machine).
 * `{ [codec]: { times, bytes } }`.
 */
async function alternated(page, s, codecs) {
  const time = (codec, warmup, runs) => page.evaluate(([n, c, q, w, k]) => bench.time(n, c, q, w, k), [s.name, codec, s.quality, warmup, runs]);
  const out = {};
  for (const codec of codecs) {
    await time(codec, s.warmup, 0);
    out[codec] = { times: [], bytes: 0 };
  }
  for (let round = 0; round < s.runs; round++) {
    for (const codec of codecs) {
      const { times, bytes } = await time(codec, 0, 1);
      out[codec].times.push(...times);
      out[codec].bytes = bytes;
    }
  }
  return out;
}

/** The speed image's JPEG through the package: one worker and split over two, alternated; medians and their ratio. */
async function jpegStage() {
  const page = await openPage();
  const s = p.speed;
  await page.evaluate(([n, u]) => bench.load(n, u), [s.name, s.url]);
  const ms = {};
  for (const [codec, r] of Object.entries(await alternated(page, s, ['ours-1w', 'ours-2w']))) {
    ms[codec] = median(r.times);
    log(`${codec} on ${s.name}: ${r.bytes} bytes, median ${ms[codec].toFixed(0)} ms of ${r.times.map((t) => t.toFixed(0)).join(', ')}`);
  }
  log(`JPEG split over 2 workers: ${(ms['ours-1w'] / ms['ours-2w']).toFixed(2)}x one worker's speed (load ${loadavg()[0].toFixed(2)})`);
  await page.close();
}

async function png12Stage() {
  const page = await openPage();
  const s = p.speed;
  await page.evaluate(([n, u]) => bench.load(n, u), [s.name, s.url]);
  await png12(page, s);
  const { png12: one, png12split: two } = results;
  log(`12 MP PNG split over 2 workers: ${(one.ms / two.ms).toFixed(2)}x one worker's speed, ${((two.bytes / one.bytes - 1) * 100).toFixed(4)} % bytes`);
  await page.close();
}

async function otherStages() {
  // A fresh page per stage: the speed stage's memory figure then holds only what encoding needed.
  let page = await openPage();
  for (const img of p.lossy) {
    const dims = await page.evaluate(([n, u]) => bench.load(n, u), [img.name, img.url]);
    const entry = { name: img.name, ...dims, curves: {} };
    for (const codec of lossyCodecs) {
      entry.curves[codec] = [];
      for (const q of p.qualities) {
        const r = await page.evaluate(([n, c, qq]) => bench.point(n, c, qq), [img.name, codec, q]);
        entry.curves[codec].push({ q, ...r, bpp: (r.bytes * 8) / (dims.width * dims.height) });
      }
    }
    await page.evaluate((n) => bench.drop(n), img.name);
    results.lossy.push(entry);
    log(`lossy ${img.name} done (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  await page.close();

  page = await openPage();
  const s = p.speed;
  const dims = await page.evaluate(([n, u]) => bench.load(n, u), [s.name, s.url]);
  results.speed = { name: s.name, ...dims, quality: s.quality, warmup: s.warmup, runs: s.runs, codecs: await alternated(page, s, speedCodecs) };
  results.memory.jpeg = await page.evaluate(() => bench.oursMemory());
  results.memory.jpegImage = `${s.name} (${dims.width}x${dims.height})`;
  await scores(page, s);
  await png12(page, s);
  log(`speed done (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  await page.close();

  page = await openPage();
  for (const img of p.lossless) {
    const dims2 = await page.evaluate(([n, u]) => bench.load(n, u), [img.name, img.url]);
    const entry = { name: img.name, ...dims2, codecs: {} };
    for (const codec of p.losslessCodecs) {
      const point = await page.evaluate(([n, c]) => bench.point(n, c, null), [img.name, codec]);
      if (point.mse !== 0) throw new Error(`${codec} was not lossless on ${img.name}`);
      const { times } = await page.evaluate(([n, c, r]) => bench.time(n, c, null, 0, r), [img.name, codec, p.losslessRuns]);
      entry.codecs[codec] = { ...point, ms: median(times), times };
    }
    await page.evaluate((n) => bench.drop(n), img.name);
    results.lossless.push(entry);
    log(`lossless ${img.name} done (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  results.memory.all = await page.evaluate(() => bench.oursMemory());
  await page.close();
}
// The PNG, score or JPEG figures alone are logged above; no report is written.
if (only === 'png12' || only === 'score' || only === 'jpeg') process.exit(0);
results.seconds = (Date.now() - started) / 1000;
results.load.after = loadavg()[0];
results.summary = only ? {} : summarise(results);
results.summary.avif = avifSummary(results.avif);

const outDir = join(root, 'target', 'bench');
mkdirSync(outDir, { recursive: true });
const avifMd = avifMarkdown(results.avif, results.summary.avif, results.wasm);
const md = only ? avifMd : `${markdown(results)}\n${avifMd}`;
writeFileSync(join(outDir, 'report.md'), md);
writeFileSync(join(outDir, 'report.json'), JSON.stringify(results, null, 1));
writeFileSync(join(outDir, `report-${results.date.replace(/[:.]/g, '-')}.json`), JSON.stringify(results));
console.log(md);
for (const t of results.summary.targets ?? []) log(`target: ${t.name}: ${t.measured} vs ${t.goal} (${t.met === null ? 'not measured' : t.met ? 'met' : 'NOT met'})`);
if (writeReadme && !only) {
  const readme = join(root, 'README.md');
  const [begin, end] = ['<!-- bench:targets:begin (generated by `npm run bench -- --readme`: do not edit by hand) -->', '<!-- bench:targets:end -->'];
  const text = readFileSync(readme, 'utf8');
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md has no ${begin} … ${end} block`);
  writeFileSync(readme, `${text.slice(0, a + begin.length)}\n${targetsMarkdown(results)}\n${text.slice(b)}`);
  log('README.md: performance table regenerated');
}
log(`report: ${join(outDir, 'report.md')} (${results.seconds.toFixed(0)} s)`);

async function openPage() {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('[bench page]', e));
  await page.goto(`${origin}/bench/page.html`);
  await page.waitForFunction(() => window.benchReady === true);
  await page.evaluate(() => bench.init());
  return page;
}

function wasmSizes() {
  const gz = (rel) => {
    const bytes = readFileSync(resolve(root, rel));
    return { path: relative(root, resolve(root, rel)), bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const full = join(pkgDir, 'pixsqueeze_full_bg.wasm');
  return {
    // The core module is what every visit loads; the full one only a job core cannot do (WebP, ICC…).
    // A --pkg built before the split has one module, listed as core.
    'ours (core, loaded first)': [gz(join(pkgDir, 'pixsqueeze_bg.wasm')), gz(join(pkgDir, 'pixsqueeze.js'))],
    ...(existsSync(full) && { 'ours (full, on demand)': [gz(full), gz(join(pkgDir, 'pixsqueeze_full.js'))] }),
    ...(existsSync(join(pkgDir, 'pixsqueeze_avif_bg.wasm')) && {
      'ours (avif, on demand)': [gz(join(pkgDir, 'pixsqueeze_avif_bg.wasm')), gz(join(pkgDir, 'pixsqueeze_avif.js'))],
    }),
    '@jsquash/avif (encoder)': [gz('node_modules/@jsquash/avif/codec/enc/avif_enc.wasm'), gz('node_modules/@jsquash/avif/codec/enc/avif_enc.js')],
    mozjpeg: [gz('node_modules/@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm')],
    // Chromium runs the SIMD build of Squoosh's WebP encoder (wasm-feature-detect picks it).
    'jsquash-webp': [gz('node_modules/@jsquash/webp/codec/enc/webp_enc_simd.wasm'), gz('node_modules/@jsquash/webp/codec/enc/webp_enc_simd.js')],
    oxipng: [gz('node_modules/@jsquash/oxipng/codec/pkg/squoosh_oxipng_bg.wasm')],
  };
}

/** Serves the bench page, our build, the peers from node_modules and the corpus (read in place). */
function serve() {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
  const mounts = {
    bench: join(root, 'bench'), pkg: pkgDir, js: join(root, 'js'),
    'node_modules/@jsquash': join(root, 'node_modules', '@jsquash'),
    'node_modules/wasm-feature-detect': join(root, 'node_modules', 'wasm-feature-detect'), corpus: corpusDir,
  };
  const s = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
    const mount = Object.keys(mounts).find((m) => path.startsWith(`${m}/`));
    if (!mount || path.split('/').includes('..')) return res.writeHead(404).end();
    try {
      const body = readFileSync(join(mounts[mount], path.slice(mount.length + 1)));
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}
