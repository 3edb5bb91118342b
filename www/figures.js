// How the page writes numbers, and what the quality scores mean in plain words.

export function formatBytes(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

/** "73.4 %" saved, or "12.0 % larger" when the result grew. */
export function formatSaved(original, compressed) {
  const saved = 1 - compressed / original;
  return saved >= 0 ? `${(saved * 100).toFixed(1)} %` : `${(-saved * 100).toFixed(1)} % larger`;
}

export const formatRatio = (ratio) => `${ratio >= 100 ? Math.round(ratio) : ratio.toFixed(2)} : 1`;

export const formatPsnr = (psnr) => (Number.isFinite(psnr) ? `${psnr.toFixed(2)} dB` : '∞ (identical)');

export const formatScore = (score) => (Number.isFinite(score) ? score.toFixed(1) : '–');

// SSIMULACRA2 bands as its authors describe them: 90 and up is visually lossless at normal viewing.
const SCORE_BANDS = [
  [90, 'Visually lossless: people cannot tell it from the original.'],
  [70, 'High quality: differences only show side by side, zoomed in.'],
  [50, 'Medium quality: fine for the web; a careful eye sees some loss.'],
  [30, 'Low quality: blur and blocks are visible.'],
  [-Infinity, 'Very low quality: obviously degraded.'],
];

// PSNR bands for photos, a rougher guide used while no SSIMULACRA2 score is available.
const PSNR_BANDS = [
  [Infinity, 'Identical to the original, pixel for pixel.'],
  [45, 'Practically indistinguishable from the original.'],
  [38, 'Good: small differences, seen only zoomed in.'],
  [32, 'Some loss is visible on a close look.'],
  [-Infinity, 'Visible loss: blur, blocks or banding.'],
];

/** A sentence on what the result's quality figures mean. */
export function qualityHint({ ssimulacra2, psnr }) {
  if (Number.isFinite(ssimulacra2)) return SCORE_BANDS.find(([min]) => ssimulacra2 >= min)[1];
  if (psnr === Infinity) return PSNR_BANDS[0][1];
  return `${PSNR_BANDS.slice(1).find(([min]) => psnr >= min)[1]} (judged by PSNR)`;
}
