// Decodes images for the page off its main thread: the viewer's pictures, list thumbnails, the
// transparency check and the estimate's sample. WebKit decodes a createImageBitmap() of a file on the
// main thread (a 12 MP JPEG held it 2.2 s, so zoom and pan waited seconds while a batch ran); in a worker
// it decodes on the worker's thread, in every engine. The package's own workers are busy compressing:
// this one is the page's.
import { drawSample } from './estimate.js';

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
      const sample = await drawSample(bitmap, options).finally(() => bitmap.close());
      self.postMessage({ id, sample });
    } else {
      self.postMessage({ id, bitmap }, [bitmap]);
    }
  } catch (e) {
    // The browser cannot decode the file (or this worker cannot draw): the page decides what that means.
    self.postMessage({ id, error: `${e?.name}: ${e?.message}` });
  }
};
