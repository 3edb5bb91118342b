// Decodes images for the page off its main thread: the viewer's pictures, list thumbnails, the
// transparency check and the estimate's sample. WebKit decodes a createImageBitmap() of a file on the
// main thread (a 12 MP JPEG held it 2.2 s, so zoom and pan waited seconds while a batch ran); in a worker
// it decodes on the worker's thread, in every engine. The package's own workers are busy compressing:
// this one is the page's. It imports nothing: each module a worker imports is fetched once more per
// worker (and the page runs two of these), where the service worker keeps its own copy (WebKit) a third time.

/** The size `maxWidth` x `maxHeight` (0: none) shrinks `width` x `height` to, as the core computes it
 * (settings.js, fittedSize, which this worker does not import). */
function fittedSize(width, height, maxWidth, maxHeight) {
  const scale = Math.min(maxWidth ? maxWidth / width : 1, maxHeight ? maxHeight / height : 1, 1);
  if (scale >= 1) return { width, height };
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * The estimate's sample of `bitmap` (estimate.js, makeSample): at the output size, the whole image when it
 * holds at most `pixels`, else a mosaic of `tile`-pixel tiles spread evenly over it, each on the 16-pixel
 * grid of the JPEG blocks.
 */
async function sample(bitmap, { maxWidth, maxHeight, pixels, tile }) {
  const out = fittedSize(bitmap.width, bitmap.height, maxWidth, maxHeight);
  const grid = Math.sqrt(pixels) / tile;
  const scale = out.width / bitmap.width;
  const whole = out.width * out.height <= pixels || out.width < tile * grid || out.height < tile * grid;
  const w = whole ? out.width : tile * grid;
  const h = whole ? out.height : tile * grid;
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  if (whole) {
    ctx.drawImage(bitmap, 0, 0, w, h);
  } else {
    // Tile origins on the 16-pixel grid, spread over the whole output.
    const origin = (i, size) => Math.min(size - tile, Math.max(0, Math.round(((i + 0.5) * size) / grid - tile / 2))) & ~15;
    for (let j = 0; j < grid; j++) {
      for (let i = 0; i < grid; i++) {
        const ox = origin(i, out.width);
        const oy = origin(j, out.height);
        ctx.drawImage(bitmap, ox / scale, oy / scale, tile / scale, tile / scale, i * tile, j * tile, tile, tile);
      }
    }
  }
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return { blob, width: out.width, height: out.height, areaRatio: (out.width * out.height) / (w * h) };
}

/** Does the bitmap hold any pixel that is not opaque? */
function hasAlpha(bitmap) {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  for (let i = 3; i < data.length; i += 4) if (data[i] < 255) return true;
  return false;
}

self.onmessage = async ({ data: { id, task, file, options } }) => {
  try {
    // The sample's options are its output size, not a decode's.
    const bitmap = await createImageBitmap(file, task === 'sample' ? {} : options);
    if (task === 'alpha') {
      const alpha = hasAlpha(bitmap);
      bitmap.close();
      self.postMessage({ id, alpha });
    } else if (task === 'sample') {
      const made = await sample(bitmap, options).finally(() => bitmap.close());
      self.postMessage({ id, sample: made });
    } else {
      self.postMessage({ id, bitmap }, [bitmap]);
    }
  } catch (e) {
    // The browser cannot decode the file (or this worker cannot draw): the page decides what that means.
    self.postMessage({ id, error: `${e?.name}: ${e?.message}` });
  }
};
