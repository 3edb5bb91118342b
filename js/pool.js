// A pool of module workers, each hosting its own wasm instances made from shared compiled modules: the
// core module for every job, a larger build (full, …) for jobs core cannot do (see worker.js). Jobs queue;
// aborting a running job terminates its worker (the only way to stop wasm mid-call), and a worker whose
// wasm trapped is dropped: the pool starts a fresh one for the next job. A worker left idle for a while
// (`idleTimeout`) is stopped too, so the memory a big job grew is given back.

export function abortError(signal) {
  return signal?.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/** Workers for this machine: leave a core for the page, and cap memory (each instance holds a photo). */
export function defaultPoolSize() {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
  return Math.min(4, Math.max(1, cores - 1));
}

function jobError({ name, message }, trapped) {
  const text = trapped ? `pixsqueeze's wasm crashed (${message}); its worker was replaced, the next call starts fresh` : message;
  return Object.assign(new Error(text), { name });
}

const named = (name, message, cause) => Object.assign(new Error(message, cause ? { cause } : undefined), { name });

/** How long a worker may sit idle before it is stopped (its wasm memory only grows while it lives). */
export const IDLE_TIMEOUT_MS = 30_000;

const noModule = (name) => Object.assign(new Error(`this job needs the "${name}" wasm build, and the pool was given no way to load it`), { name: 'WorkerError' });

export class WorkerPool {
  #size;
  #wasm;
  #loadModule;
  #idleTimeout;
  #idle = [];
  #idleTimers = new Map(); // idle worker -> its reaping timer
  #busy = new Map(); // worker -> job
  #queue = [];
  #nextId = 1;

  /**
   * `wasm`: the core module, compiled, shared with every worker (compiled once, not per worker).
   * `loadModule(name)`: a promise of the named build's module, compiled, asked for when a job needs
   * it (cache it: every worker asks). `idleTimeout`: milliseconds an idle worker lives (Infinity: for ever).
   */
  constructor({ wasm, loadModule = (name) => Promise.reject(noModule(name)), size = defaultPoolSize(), idleTimeout = IDLE_TIMEOUT_MS }) {
    this.#wasm = wasm;
    this.#loadModule = loadModule;
    this.#size = Math.max(1, size);
    this.#idleTimeout = idleTimeout;
  }

  /** How many workers are alive (busy or idle). */
  get workers() {
    return this.#idle.length + this.#busy.size;
  }

  get size() {
    return this.#size;
  }

  /**
   * Runs `op(...args)` in a worker; `transfer` lists buffers to move rather than copy; `onProgress`
   * receives the progress messages the job posts before its result.
   */
  run(op, args, { signal, transfer = [], onProgress } = {}) {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const job = { id: this.#nextId++, op, args, transfer, signal, onProgress, resolve, reject, onAbort: null };
      if (signal) {
        job.onAbort = () => this.#abort(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.#queue.push(job);
      this.#pump();
    });
  }

  /** Stops every worker, freeing their memory; queued and running jobs reject with an AbortError. */
  terminate() {
    const stopped = () => named('AbortError', 'terminate() stopped pixsqueeze\'s workers before this call finished');
    for (const job of [...this.#queue, ...this.#busy.values()]) this.#settle(job, null, stopped());
    for (const w of [...this.#idle, ...this.#busy.keys()]) w.terminate();
    for (const timer of this.#idleTimers.values()) clearTimeout(timer);
    this.#idleTimers.clear();
    this.#idle = [];
    this.#busy.clear();
    this.#queue = [];
  }

  #pump() {
    while (this.#queue.length && (this.#idle.length || this.#busy.size < this.#size)) {
      const worker = this.#idle.pop() ?? this.#spawn();
      clearTimeout(this.#idleTimers.get(worker));
      this.#idleTimers.delete(worker);
      const job = this.#queue.shift();
      // Busy before posting: an abort fired meanwhile (even from inside postMessage) finds the job here
      // and terminates its worker.
      this.#busy.set(worker, job);
      try {
        worker.postMessage({ id: job.id, op: job.op, args: job.args, wasm: this.#wasm }, job.transfer);
      } catch (e) {
        // Nothing was sent (a function left in the options gives a DataCloneError): the worker is as it
        // was, so it goes back to idle and only this job fails.
        if (this.#busy.get(worker) !== job) continue; // aborted meanwhile: the worker is gone
        this.#busy.delete(worker);
        this.#rest(worker);
        this.#settle(job, null, named('InvalidInput', `the call's arguments cannot be sent to a worker (${e?.name}: ${e?.message}); options hold only numbers, strings, booleans and objects of them — is a callback misspelt (onProgress)?`, e));
      }
    }
  }

  /** Puts a worker back to idle, and stops it if it stays idle for `idleTimeout`. */
  #rest(worker) {
    this.#idle.push(worker);
    if (!Number.isFinite(this.#idleTimeout)) return;
    const timer = setTimeout(() => {
      const at = this.#idle.indexOf(worker);
      if (at < 0) return;
      this.#idle.splice(at, 1);
      this.#idleTimers.delete(worker);
      worker.terminate();
    }, this.#idleTimeout);
    this.#idleTimers.set(worker, timer);
  }

  /** Fails the worker's job (if any) with `error`, stops the worker and starts the next job. */
  #fail(worker, error) {
    const job = this.#busy.get(worker);
    this.#busy.delete(worker);
    worker.terminate();
    if (job) this.#settle(job, null, error);
    this.#pump();
  }

  #spawn() {
    // Written inline, `new Worker(new URL(…, import.meta.url), { type: 'module' })` is the form bundlers
    // (Vite, webpack, Parcel) recognise and bundle as a worker entry; a plain page loads it as is.
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }) => {
      if ('progress' in data) {
        const running = this.#busy.get(worker);
        if (running?.id === data.id) running.onProgress?.(data.progress);
        return;
      }
      if (data.needsModule) {
        this.#sendModule(worker, data.id, data.needsModule);
        return;
      }
      if (data.messageError) {
        // The worker could not read the job it was sent.
        this.#fail(worker, named('WorkerError', 'the compression worker could not read the job it was sent (messageerror)'));
        return;
      }
      const job = this.#busy.get(worker);
      this.#busy.delete(worker);
      if (data.trapped) worker.terminate();
      else this.#rest(worker);
      if (job && job.id === data.id) this.#settle(job, data.result, data.ok ? null : jobError(data.error, data.trapped));
      this.#pump();
    };
    // The worker's reply could not be read here: its job has no result, and the worker is dropped.
    worker.onmessageerror = () => this.#fail(worker, named('WorkerError', 'the compression worker\'s reply could not be read (messageerror)'));
    worker.onerror = (event) => {
      // The worker failed to load or threw outside a job: fail its job and drop it.
      event.preventDefault?.();
      this.#fail(worker, named('WorkerError', `the compression worker failed: ${event.message ?? 'it could not be loaded'}`));
    };
    return worker;
  }

  /** Hands a build's module to a worker whose job needs it; the worker stays busy with that job meanwhile. */
  #sendModule(worker, id, name) {
    const current = () => this.#busy.get(worker)?.id === id;
    Promise.resolve().then(() => this.#loadModule(name)).then((compiledModule) => {
      if (current()) worker.postMessage({ compiledModule });
    }, (e) => {
      if (current()) this.#fail(worker, e);
    });
  }

  #abort(job) {
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
    } else {
      for (const [worker, running] of this.#busy) {
        if (running === job) {
          worker.terminate();
          this.#busy.delete(worker);
        }
      }
    }
    this.#settle(job, null, abortError(job.signal));
    this.#pump();
  }

  #settle(job, result, error) {
    job.signal?.removeEventListener('abort', job.onAbort);
    if (error) job.reject(error);
    else job.resolve(result);
  }
}

/**
 * One JPEG over several workers, without shared memory. `run(op, args, transfer)` runs a wasm call on
 * any free worker. The wasm cuts the image into one band of rows per worker (`jpegSplit`), each ending
 * on a restart marker; every band is quantised on its own worker, which hands back its coefficients
 * and symbol counts; the counts are added up here (the optimal Huffman tables of the whole image), and
 * every band is coded with them on a worker again. The parts, joined, are the file one worker writes
 * with the same restart interval, and decode to the pixels of a plain encode; the markers cost a few
 * bytes a band. Memory per worker: its band's pixels (4 bytes a pixel), coefficients (2 bytes a sample:
 * 3 a pixel at 4:4:4, 1.5 at 4:2:0) and part of the file; here, the pixels and every band's coefficients.
 * Resolves null when the wasm does not split these options or this size (encode whole instead).
 */
export async function encodeJpegSplit(run, rgba, width, height, options, workers) {
  // Options the wasm refuses (and an abort) are reported by the plain encode the caller falls back to.
  const bands = await run('jpegSplit', [width, height, options, workers], []).catch(() => null);
  if (!bands) return null;
  const rowBytes = width * 4;
  const quantise = (gray) => Promise.all(bands.map(([start, end], index) => {
    const rows = rgba.slice(start * rowBytes, end * rowBytes);
    return run('jpegBandQuantise', [width, height, options, workers, gray, index, rows], [rows.buffer]);
  }));
  // Gray pixels make a one-component JPEG, as one worker writes them: known once every band is seen.
  let parts = await quantise(false);
  const gray = parts.every((p) => p.gray);
  if (gray) parts = await quantise(true);
  const sum = new Float64Array(1024);
  for (const { counts } of parts) counts.forEach((n, k) => { sum[k] += n; });
  const total = Uint32Array.from(sum, (n) => Math.min(n, 0xffffffff));
  const files = await Promise.all(parts.map(({ coefficients }, index) => {
    const counts = total.slice();
    return run('jpegBandWrite', [width, height, options, workers, gray, index, coefficients, counts], [coefficients.buffer, counts.buffer]);
  }));
  const out = new Uint8Array(files.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of files) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}
