// Image decodes the page needs for itself (thumbnails, the transparency check), run on a worker of its
// own (bitmap-worker.js) so they never hold the main thread: WebKit decodes createImageBitmap() of a
// file there. Where that worker cannot start or fails, the same decode runs here as before.

let worker = null; // null: not started yet; false: cannot be used
let nextId = 1;
const pending = new Map(); // id -> { resolve, reject }

function decoder() {
  if (worker === false) return null;
  if (worker) return worker;
  try {
    worker = new Worker(new URL('./bitmap-worker.js', import.meta.url));
  } catch {
    worker = false;
    return null;
  }
  worker.onmessage = ({ data }) => {
    const job = pending.get(data.id);
    pending.delete(data.id);
    if (data.error) job?.reject(new Error(data.error));
    else job?.resolve(data);
  };
  worker.onerror = worker.onmessageerror = (e) => {
    // The worker itself failed (not a decode): everything waiting falls back to the main thread.
    e.preventDefault?.();
    worker.terminate();
    worker = false;
    for (const job of pending.values()) job.reject(new Error('the decoding worker failed'));
    pending.clear();
  };
  return worker;
}

function onWorker(task, file, options) {
  const w = decoder();
  if (!w) return Promise.reject(new Error('no decoding worker'));
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage({ id, task, file, options });
  });
}

/** An ImageBitmap of `file` decoded with createImageBitmap `options`, off the main thread where possible. */
export async function decodeBitmap(file, options) {
  try {
    return (await onWorker('bitmap', file, options)).bitmap;
  } catch {
    return createImageBitmap(file, options);
  }
}

/** Whether the image holds any pixel that is not opaque, judged at `options` (a downscale will do). */
export async function transparent(file, options) {
  try {
    return (await onWorker('alpha', file, options)).alpha;
  } catch {
    const bitmap = await createImageBitmap(file, options);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 3; i < data.length; i += 4) if (data[i] < 255) return true;
    return false;
  }
}
