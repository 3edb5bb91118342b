// Image decodes the page needs for itself (the viewer's pictures, thumbnails, the transparency check,
// the estimate's sample), run on workers of its own (bitmap-worker.js) so they never hold the main
// thread: WebKit decodes createImageBitmap() of a file there (a 12 MP JPEG held it 0.35–0.5 s per
// picture shown, the frame after the drop's result waiting behind it). Where a worker cannot start or
// fails, the same decode runs here as before (the sample excepted: estimate.js).
class Decoder {
  #worker = null; // null: not started yet; false: cannot be used
  #nextId = 1;
  #pending = new Map(); // id -> { resolve, reject }

  #start() {
    if (this.#worker === false) return null;
    if (this.#worker) return this.#worker;
    let worker;
    try {
      worker = new Worker(new URL('./bitmap-worker.js', import.meta.url));
    } catch {
      this.#worker = false;
      return null;
    }
    worker.onmessage = ({ data }) => {
      const job = this.#pending.get(data.id);
      this.#pending.delete(data.id);
      if (data.error) job?.reject(new Error(data.error));
      else job?.resolve(data);
    };
    worker.onerror = worker.onmessageerror = (e) => {
      // The worker itself failed (not a decode): everything waiting falls back to the main thread.
      e.preventDefault?.();
      worker.terminate();
      this.#worker = false;
      for (const job of this.#pending.values()) job.reject(new Error('the decoding worker failed'));
      this.#pending.clear();
    };
    this.#worker = worker;
    return worker;
  }

  /** Starts the worker now, so the first picture does not wait for it to load. */
  warm() {
    this.#start();
  }

  run(task, file, options) {
    const w = this.#start();
    if (!w) return Promise.reject(new Error('no decoding worker'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      w.postMessage({ id, task, file, options });
    });
  }
}

// The viewer has a worker to itself: a picture the person waits for never queues behind a sample's
// decode of the whole photo or a batch's thumbnails.
const view = new Decoder();
const page = new Decoder();

/** Starts the decoding workers before the first file comes (a cold one took 0.4 s more in Firefox). */
export function warmDecoders() {
  view.warm();
  page.warm();
}

/** An ImageBitmap of `file` decoded with createImageBitmap `options`, off the main thread where possible. */
export async function decodeBitmap(file, options) {
  try {
    return (await page.run('bitmap', file, options)).bitmap;
  } catch {
    return createImageBitmap(file, options);
  }
}

/** The same for the viewer's pictures, on its own worker. */
export async function viewBitmap(file, options) {
  try {
    return (await view.run('bitmap', file, options)).bitmap;
  } catch {
    return createImageBitmap(file, options);
  }
}

/** The estimate's sample of `file` (estimate.js, makeSample; `layout`: the output size and the sample's
 * size and tile), made on the page's worker; rejects where there is none. */
export async function sampleOnWorker(file, layout) {
  return (await page.run('sample', file, layout)).sample;
}

/** Whether the image holds any pixel that is not opaque, judged at `options` (a downscale will do). */
export async function transparent(file, options) {
  try {
    return (await page.run('alpha', file, options)).alpha;
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
