// The benchmark's side in Chromium: every codec encodes the same RGBA, and one decoder and one scorer
// (a second, separate instance of our own wasm) judge every result, so scores are comparable and the
// encoder instance's memory holds only what encoding needed. Images stay in the page; the runner
// only sees figures.
import initOurs, * as ours from '/pkg/pixsqueeze.js';
import initOursFull, * as oursFull from '/pkg/pixsqueeze_full.js';
// The full module scores: it decodes WebP too (and JPEG and PNG exactly as core does).
import initScorer, * as scorer from '/pkg/pixsqueeze_full.js?scorer';
import mozEncode, { init as mozInit } from '/node_modules/@jsquash/jpeg/encode.js';
import webpEncode, { init as webpInit } from '/node_modules/@jsquash/webp/encode.js';
import initOxipng, { optimise_raw as oxipngRaw } from '/node_modules/@jsquash/oxipng/codec/pkg/squoosh_oxipng.js';
import initAvif, * as oursAvif from '/pkg/pixsqueeze_avif.js';
import initAvifScorer, * as avifScorer from '/pkg/pixsqueeze_avif.js?scorer';
import aomEncode, { init as aomInit } from '/node_modules/@jsquash/avif/encode.js';

const images = new Map();
let oursExports;

const imageData = (img) => new ImageData(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height);

/** The browser's own encoder for `type`, through OffscreenCanvas. */
async function canvasEncode(img, type, q) {
  const canvas = new OffscreenCanvas(img.width, img.height);
  canvas.getContext('2d').putImageData(imageData(img), 0, 0);
  const blob = await canvas.convertToBlob({ type, quality: q / 100 });
  if (blob.type !== type) throw new Error(`this browser's canvas cannot write ${type}`);
  return new Uint8Array(await blob.arrayBuffer());
}

let poolReady = null;
/**
 * The npm package as an app uses it, with its pool of two workers started once: a call without
 * `split` runs on one of them (the other idles, as a pool of one leaves the second core), and with
 * `split: true` over both (js/pool.js). One pool for both keeps its start-up (workers, wasm) out of
 * the timed runs when they alternate.
 */
async function packageApi() {
  poolReady ??= import('/js/index.js').then(async (pkgApi) => {
    pkgApi.terminate();
    await pkgApi.init({ workers: 2 });
    return pkgApi;
  });
  return poolReady;
}

/** encode() through the package: on one worker, or split over two. */
async function pooled(workers, img, options) {
  const pkgApi = await packageApi();
  return pkgApi.encode(img.data, img.width, img.height, { ...options, split: workers > 1 });
}

const codecs = {
  // q: 1–100 on every codec's own scale.
  ours: (img, q) => ours.encode(img.data, img.width, img.height, { format: 'jpeg', quality: q }),
  mozjpeg: async (img, q) => new Uint8Array(await mozEncode(imageData(img), { quality: q })),
  canvas: (img, q) => canvasEncode(img, 'image/jpeg', q),
  // Lossy WebP: ours (libwebp in our full module) against Squoosh's libwebp build and the browser's.
  'ours-webp': (img, q) => oursFull.encode(img.data, img.width, img.height, { format: 'webp', quality: q }),
  'jsquash-webp': async (img, q) => new Uint8Array(await webpEncode(imageData(img), { quality: q })),
  'canvas-webp': (img, q) => canvasEncode(img, 'image/webp', q),
  // The same JPEG encode through the package: one worker, and split over two (encodeJpegSplit).
  'ours-1w': (img, q) => pooled(1, img, { format: 'jpeg', quality: q }),
  'ours-2w': (img, q) => pooled(2, img, { format: 'jpeg', quality: q }),
  // Lossless PNG through the package: one worker, and split over two (encodePngSplit).
  'ours-png-1w': (img) => pooled(1, img, { format: 'png' }),
  'ours-png-2w': (img) => pooled(2, img, { format: 'png' }),
  'ours-png-fast': (img) => ours.encode(img.data, img.width, img.height, { format: 'png', effort: 'fast' }),
  'ours-png': (img) => ours.encode(img.data, img.width, img.height, { format: 'png', effort: 'default' }),
  'ours-png-max': (img) => ours.encode(img.data, img.width, img.height, { format: 'png', effort: 'max' }),
  'oxipng-2': (img) => oxipngRaw(img.data, img.width, img.height, 2, false, false),
  // AVIF: q null means each encoder's own default.
  'ours-avif': (img, q) => oursAvif.encode(img.data, img.width, img.height, q === null ? { format: 'avif' } : { format: 'avif', quality: q }),
  'jsquash-avif': async (img, q) => new Uint8Array(await aomEncode(
    new ImageData(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height),
    q === null ? {} : { quality: q },
  )),
};
const isAvif = (out) => out[4] === 0x66 && out[5] === 0x74 && out[6] === 0x79 && out[7] === 0x70; // "ftyp"

window.bench = {
  async init() {
    oursExports = await initOurs({ module_or_path: '/pkg/pixsqueeze_bg.wasm' });
    await initOursFull({ module_or_path: '/pkg/pixsqueeze_full_bg.wasm' });
    await initScorer({ module_or_path: '/pkg/pixsqueeze_full_bg.wasm' });
    await mozInit();
    await webpInit();
    await initOxipng();
    await initAvif({ module_or_path: '/pkg/pixsqueeze_avif_bg.wasm' });
    await initAvifScorer({ module_or_path: '/pkg/pixsqueeze_avif_bg.wasm' });
    await aomInit();
    return { oursMemory: oursExports.memory.buffer.byteLength };
  },

  /** Decodes a file served at `url` (or makes a photo-like image when url is null) and keeps its RGBA. */
  async load(name, url) {
    let img;
    if (url) {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      img = scorer.decode(bytes);
    } else {
      img = synthetic(768, 512);
    }
    images.set(name, img);
    return { width: img.width, height: img.height };
  },

  drop(name) { images.delete(name); },

  /** Encodes once and scores the decoded result against the original. */
  async point(name, codec, q) {
    const img = images.get(name);
    const t0 = performance.now();
    const out = await codecs[codec](img, q);
    const ms = performance.now() - t0;
    // AVIF results go to the avif build's decoder; the core scorer reads everything else.
    const judge = isAvif(out) ? avifScorer : scorer;
    const back = judge.decode(out);
    const m = judge.measure(img.data, back.data, img.width, img.height);
    return { bytes: out.length, ms, psnr: m.psnr, ssimulacra2: m.ssimulacra2, mse: m.mse };
  },

  /** Encode times in ms: `warmup` untimed runs, then `runs` timed ones. */
  async time(name, codec, q, warmup, runs) {
    const img = images.get(name);
    for (let i = 0; i < warmup; i++) await codecs[codec](img, q);
    const times = [];
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const out = await codecs[codec](img, q);
      times.push(performance.now() - t0);
      bytes = out.length;
    }
    return { times, bytes };
  },

  /**
   * SSIMULACRA2 of our quality-`q` JPEG of the image against it, as compress() scores a result (the
   * wasm's measure, on the main thread): `runs` timed calls after one untimed.
   */
  async timeScore(name, q, runs) {
    const img = images.get(name);
    const back = scorer.decode(ours.encode(img.data, img.width, img.height, { format: 'jpeg', quality: q })).data;
    let score = scorer.measure(img.data, back, img.width, img.height).ssimulacra2;
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      score = scorer.measure(img.data, back, img.width, img.height).ssimulacra2;
      times.push(performance.now() - t0);
    }
    return { times, score };
  },

  /**
   * The same score through the package's pool (measure()): one worker, or `split: true` over two
   * (measureSplit, js/pool.js), `runs` timed calls after one untimed; the inputs are copied to the
   * workers each call, as an app's would be.
   */
  async timeScorePooled(name, q, runs, workers) {
    const img = images.get(name);
    const back = scorer.decode(ours.encode(img.data, img.width, img.height, { format: 'jpeg', quality: q })).data;
    const pkgApi = await packageApi();
    const options = { split: workers > 1 };
    let score = (await pkgApi.measure(img.data, back, img.width, img.height, options)).ssimulacra2;
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      score = (await pkgApi.measure(img.data, back, img.width, img.height, options)).ssimulacra2;
      times.push(performance.now() - t0);
    }
    return { times, score };
  },

  /** Peak (= current: wasm memory never shrinks) linear memory of our encoder's instance. */
  oursMemory() { return oursExports.memory.buffer.byteLength; },
};

/** Smooth gradients with deterministic noise: stands in for a photo when the corpus is absent. */
function synthetic(width, height) {
  const data = new Uint8Array(width * height * 4);
  let s = 0x2545f491;
  const noise = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return ((s >>> 0) % 17) - 8; };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x / width) * 255 + noise();
      data[i + 1] = (y / height) * 255 + noise();
      data[i + 2] = 128 + 60 * Math.sin(x / 9) * Math.cos(y / 13) + noise();
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

window.benchReady = true;
