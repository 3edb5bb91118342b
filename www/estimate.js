// Live figures while the slider moves. Compressing a 12-megapixel photo takes seconds; compressing a
// sample of it takes a tenth of a second. The sample is a mosaic of full-resolution tiles spread evenly
// over the image (at the output size, after any resize), each on the 16-pixel grid of the JPEG blocks,
// so its bytes per pixel and its scores stand for the whole. Final results, as they come, calibrate it:
// the estimate at any setting is the sample's figure times the ratio full/sample measured at the
// nearest settings where both are known.
import { sampleOnWorker } from './bitmaps.js';

/** The most pixels a sample holds: the whole image when it is this small, else a mosaic of tiles. */
// 384 x 384: about 0.5 s to compress and score on a loaded 2-core machine (1 s at 512 x 512), and
// within a few per cent of the final size once calibrated (tests/e2e/page-ux.test.mjs prints both).
export const SAMPLE_PIXELS = 384 * 384;
const TILE = 96; // output pixels, a multiple of 16 (JPEG's largest block)

/**
 * The sample of `file` at the output size `maxWidth` x `maxHeight` (0: any), as a lossless PNG blob:
 * `{ blob, width, height, areaRatio }` where width x height is the output size and `areaRatio` how many
 * times larger than the sample it is. The browser decodes and scales it; colour differences from the
 * core's decode cancel out in the calibration.
 */
export function makeSample(file, { maxWidth = 0, maxHeight = 0 } = {}) {
  // Decoded, cut and written on the page's decoding worker (bitmap-worker.js): WebKit decodes a file's
  // createImageBitmap on the main thread, and the tiles' copies and the PNG held it another quarter
  // second there. Where the worker cannot do it, there is no estimate: the final figures still come.
  return sampleOnWorker(file, { maxWidth, maxHeight, pixels: SAMPLE_PIXELS, tile: TILE });
}

/**
 * The estimated figures for a setting from its sample result, calibrated by `pairs`: `[{ knob, full,
 * sample }]`, final and sample results at other values of the same knob (quality, colours) with every
 * other option equal. Bytes scale by the ratio at the nearest knob values (interpolated between two);
 * scores shift by the difference there.
 */
export function estimateFrom(sampleResult, areaRatio, knob, pairs, originalBytes) {
  const sorted = pairs
    .map((p) => ({
      knob: p.knob,
      ratio: p.full.compressedBytes / (p.sample.compressedBytes * areaRatio),
      score: Number.isFinite(p.full.ssimulacra2) && Number.isFinite(p.sample.ssimulacra2) ? p.full.ssimulacra2 - p.sample.ssimulacra2 : 0,
      psnr: Number.isFinite(p.full.psnr) && Number.isFinite(p.sample.psnr) ? p.full.psnr - p.sample.psnr : 0,
    }))
    .sort((a, b) => a.knob - b.knob);
  const at = (field) => {
    if (!sorted.length) return field === 'ratio' ? 1 : 0;
    if (knob == null || knob <= sorted[0].knob) return sorted[0][field];
    if (knob >= sorted.at(-1).knob) return sorted.at(-1)[field];
    const hi = sorted.findIndex((p) => p.knob >= knob);
    const a = sorted[hi - 1];
    const b = sorted[hi];
    const t = (knob - a.knob) / (b.knob - a.knob);
    return a[field] + t * (b[field] - a[field]);
  };
  const compressedBytes = Math.max(1, Math.round(sampleResult.compressedBytes * areaRatio * at('ratio')));
  const ssimulacra2 = Number.isFinite(sampleResult.ssimulacra2) ? Math.min(100, sampleResult.ssimulacra2 + at('score')) : sampleResult.ssimulacra2;
  const psnr = Number.isFinite(sampleResult.psnr) ? sampleResult.psnr + at('psnr') : sampleResult.psnr;
  return {
    estimate: true, calibrated: sorted.length > 0, originalBytes, compressedBytes, ssimulacra2, psnr,
    ratio: originalBytes / compressedBytes, mse: Number.isFinite(psnr) ? 255 ** 2 / 10 ** (psnr / 10) : 0,
  };
}
