// How the page writes numbers, and what they mean in plain words: one sentence first (size before →
// after, and how it looks), the figures after it for those who want them.

export function formatBytes(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${Math.round(n)} B`;
}

/** The change in size, in words that read right both ways: "85.3 % smaller", "12.0 % larger". */
export function formatChange(original, compressed) {
  if (compressed === original) return 'the same size';
  const change = compressed / original - 1;
  const percent = Math.abs(change * 100);
  // "0.0 % smaller" for a file that did shrink would read as no change.
  const digits = percent < 0.1 ? 2 : 1;
  return `${percent.toFixed(digits)} % ${change < 0 ? 'smaller' : 'larger'}`;
}

/** The change against the person's file, as a phrase: "85.3 % smaller than your file", "the same size as your file". */
export function comparedToFile(original, compressed) {
  return compressed === original ? 'the same size as your file' : `${formatChange(original, compressed)} than your file`;
}

export const formatRatio = (ratio) => `${ratio >= 100 ? Math.round(ratio) : ratio.toFixed(2)} : 1`;

export const formatPsnr = (psnr) => (Number.isFinite(psnr) ? `${psnr.toFixed(2)} dB` : '∞ (identical)');

export const formatScore = (score) => (Number.isFinite(score) ? score.toFixed(1) : '–');

/**
 * A byte count as a person types it: "200 KB", "1.5 MB", "350k", "80000", "2,5 MB". kB and MB are
 * 1000 and 1000²; KiB and MiB 1024 and 1024². Returns null when it is not a size.
 */
export function parseBytes(text) {
  const m = /^\s*(\d+(?:[.,]\d*)?|[.,]\d+)\s*(b|bytes?|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i.exec(String(text));
  if (!m) return null;
  const n = Number(m[1].replace(',', '.'));
  const unit = (m[2] ?? 'b').toLowerCase();
  const scale = {
    b: 1, byte: 1, bytes: 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 ** 2, g: 1e9, gb: 1e9, gib: 1024 ** 3,
  }[unit];
  const bytes = Math.round(n * scale);
  return Number.isFinite(bytes) ? bytes : null;
}

// SSIMULACRA2 bands as its authors describe them: 90 and up is visually lossless at normal viewing.
const SCORE_BANDS = [
  [90, 'looks the same as the original', 'Visually lossless: people cannot tell it from the original.'],
  [70, 'looks very close to the original', 'High quality: differences only show side by side, zoomed in.'],
  [50, 'looks good, with some loss up close', 'Medium quality: fine for the web; a careful eye sees some loss.'],
  [30, 'shows visible loss', 'Low quality: blur and blocks are visible.'],
  [-Infinity, 'looks clearly degraded', 'Very low quality: obviously degraded.'],
];

// PSNR bands for photos, a rougher guide used where no SSIMULACRA2 score exists (images under 8 px).
const PSNR_BANDS = [
  [Infinity, 'is identical to the original', 'Identical to the original, pixel for pixel.'],
  [45, 'looks the same as the original', 'Practically indistinguishable from the original.'],
  [38, 'looks very close to the original', 'Good: small differences, seen only zoomed in.'],
  [32, 'shows some loss up close', 'Some loss is visible on a close look.'],
  [-Infinity, 'shows visible loss', 'Visible loss: blur, blocks or banding.'],
];

function band({ ssimulacra2, psnr }) {
  if (psnr === Infinity) return PSNR_BANDS[0];
  if (Number.isFinite(ssimulacra2)) return SCORE_BANDS.find(([min]) => ssimulacra2 >= min);
  if (Number.isFinite(psnr)) return PSNR_BANDS.slice(1).find(([min]) => psnr >= min);
  return null;
}

/** Whether the result was made a band of rows at a time (a huge image): its notes say so. */
export const inBands = (r) => Boolean(r?.notes?.some((n) => n.startsWith('the image was compressed in bands')));

/** A sentence on what the result's quality figures mean. */
export function qualityHint(r) {
  const b = band(r);
  const bands = inBands(r)
    ? ' This image was compressed in bands of rows, too large for one job: SSIMULACRA2 not computed (it needs the whole image at once); MSE and PSNR were measured band by band.'
    : '';
  if (!b) return bands.trim();
  return (Number.isFinite(r.ssimulacra2) || r.psnr === Infinity ? b[2] : `${b[2]} (judged by PSNR)`) + bands;
}

/**
 * The one plain sentence that leads the figures: "4.21 MB → 612 kB, 85.5 % smaller; it looks the same
 * as the original." `estimate`: the figures are estimated from a sample while the slider moves.
 */
export function headline({ originalBytes, compressedBytes, ssimulacra2, psnr }, { estimate = false } = {}) {
  const about = estimate ? 'about ' : '';
  const sizes = `${formatBytes(originalBytes)} → ${about}${formatBytes(compressedBytes)}`;
  const change = formatChange(originalBytes, compressedBytes);
  const grew = compressedBytes > originalBytes;
  const looks = band({ ssimulacra2, psnr });
  const how = looks ? `; it ${looks[1]}` : '';
  return `${sizes}: ${grew || compressedBytes === originalBytes ? comparedToFile(originalBytes, compressedBytes) : change}${how}.`;
}

/** The batch's total: "2.1 MB smaller in all", "340 kB larger in all", never "0 B saved". */
export function formatTotal(originalBytes, compressedBytes) {
  const diff = originalBytes - compressedBytes;
  if (diff === 0) return 'the same size in all';
  return `${formatBytes(Math.abs(diff))} ${diff > 0 ? 'smaller' : 'larger'} in all (${formatChange(originalBytes, compressedBytes)})`;
}
