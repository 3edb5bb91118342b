// Advice when a choice is bad: a transparent image to JPEG goes onto a colour (and often grows), a photo
// to a lossless format grows far past the file it came from. Each says so with the figure, and names a
// format that would do better; the page measures that alternative in the background and shows its size.
import { transparent } from './bitmaps.js';
import { formatBytes, formatChange } from './figures.js';

// Which alternative to measure, best first. AVIF is left out: its encoder takes far longer than the
// advice is worth.
const PREFERENCE = ['webp', 'jpeg', 'png-palette'];
const TARGETS = ['maxBytes', 'minScore', 'minPsnr'];

const hasOption = (format, name) => format?.options.some((o) => o.name === name);
// A format with a background option has no alpha: it composites transparent areas onto that colour.
const keepsAlpha = (format) => !hasOption(format, 'background');

/** Whether `file` has any transparent pixel: true, false, or null when the browser cannot tell. */
export async function alphaOf(file) {
  const head = new Uint8Array(await file.slice(0, 3).arrayBuffer());
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return false; // JPEG has no alpha
  try {
    return await transparent(file, { resizeWidth: 256, resizeQuality: 'medium', premultiplyAlpha: 'none' });
  } catch {
    return null;
  }
}

/** The options for `format` at its defaults, with the shared ones (size, colour) taken from `options`. */
function optionsFor(format, options, formats) {
  const out = { format: format.id };
  const common = new Set(formats[0].options.map((o) => o.name).filter((n) => formats.every((f) => hasOption(f, n))));
  for (const o of format.options) out[o.name] = common.has(o.name) && o.name in options ? options[o.name] : o.default;
  for (const t of TARGETS) if (t in out) out[t] = 0;
  if ('lossless' in out) out.lossless = false;
  return out;
}

function alternative(formats, options, { alpha, exclude }) {
  // A lossless setting of a format that also has a lossy one (WebP): that lossy one, first.
  const same = formats.find((f) => f.id === exclude);
  if (options.lossless && same?.lossy && hasOption(same, 'lossless')) return optionsFor(same, options, formats);
  for (const id of PREFERENCE) {
    const f = formats.find((x) => x.id === id);
    if (!f || id === exclude || !f.lossy || (alpha && !keepsAlpha(f))) continue;
    return optionsFor(f, options, formats);
  }
  return null;
}

function colourName(hex) {
  return { '#ffffff': 'white', '#000000': 'black' }[String(hex).toLowerCase()] ?? hex;
}

/**
 * What to tell the person about `result` of `item` (null: nothing). `{ kind, text, show, alternative,
 * bigWinOnly }`: `text` says what happened, with the figure; `alternative` is the options of a format
 * that may do better, to be measured; `show` false means say it only if the alternative turns out much
 * smaller (`bigWinOnly`).
 */
export function adviceFor(item, result, options, formats) {
  // `auto` has weighed the formats already; its pick needs no second opinion.
  if (!result || options.format === 'auto') return null;
  const meta = formats.find((f) => f.id === result.format);
  if (!meta) return null;
  const original = item.file.size;
  const grew = result.compressedBytes > original;
  const sizes = `${formatBytes(original)} → ${formatBytes(result.compressedBytes)}`;
  const growth = `grew ${formatChange(original, result.compressedBytes).replace(' larger', '')} (${sizes})`;
  if (!keepsAlpha(meta) && item.alpha === true) {
    const bg = result.options?.background ?? options.background ?? '#ffffff';
    return {
      kind: 'transparency', show: true, keepsAlpha: true,
      text: `This image has transparent areas, which ${meta.label} cannot keep: they are filled with ${colourName(bg)} (the Background setting)${grew ? `, and the file ${growth}` : ''}.`,
      alternative: alternative(formats, options, { alpha: true, exclude: meta.id }),
    };
  }
  const lossless = !meta.lossy || (result.options?.lossless ?? options.lossless) === true;
  if (lossless) {
    // Whether to suggest a lossy format depends on transparency: wait until it is known.
    const alt = item.alpha == null ? null : alternative(formats, options, { alpha: item.alpha, exclude: meta.id });
    const name = meta.lossy ? `Lossless ${meta.label}` : meta.label;
    return {
      kind: 'lossless', show: grew, bigWinOnly: !grew, keepsAlpha: Boolean(item.alpha),
      text: grew ? `${name} keeps every pixel exactly, so this file ${growth}.` : `${name} keeps every pixel exactly.`,
      alternative: alt,
    };
  }
  if (grew) {
    return {
      kind: 'grew', show: true, alternative: null,
      text: `The result is ${formatChange(original, result.compressedBytes)} than your file (${sizes}): the file is already well compressed. Lower the quality, or keep your file as it is.`,
    };
  }
  return null;
}
