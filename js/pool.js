// A pool of module workers, each hosting its own wasm instances made from shared compiled modules: the
// core module for every job, a larger build (full, …) for jobs core cannot do (see worker.js). Jobs queue;
// aborting a running job terminates its worker (the only way to stop wasm mid-call), and a worker whose
// wasm trapped is dropped: the pool starts a fresh one for the next job.

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

const noModule = (name) => Object.assign(new Error(`this job needs the "${name}" wasm build, and the pool was given no way to load it`), { name: 'WorkerError' });

export class WorkerPool {
  #size;
  #wasm;
  #loadModule;
  #idle = [];
  #busy = new Map(); // worker -> job
  #queue = [];
  #nextId = 1;

  /**
   * `wasm`: the core module, compiled, shared with every worker (compiled once, not per worker).
   * `loadModule(name)`: a promise of the named build's module, compiled, asked for when a job needs
   * it (cache it: every worker asks).
   */
  constructor({ wasm, loadModule = (name) => Promise.reject(noModule(name)), size = defaultPoolSize() }) {
    this.#wasm = wasm;
    this.#loadModule = loadModule;
    this.#size = Math.max(1, size);
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

  /** Stops every worker, freeing their memory; queued and running jobs reject. */
  terminate() {
    for (const job of [...this.#queue, ...this.#busy.values()]) this.#settle(job, null, new Error('the pool was terminated'));
    for (const w of [...this.#idle, ...this.#busy.keys()]) w.terminate();
    this.#idle = [];
    this.#busy.clear();
    this.#queue = [];
  }

  #pump() {
    while (this.#queue.length && (this.#idle.length || this.#busy.size < this.#size)) {
      const worker = this.#idle.pop() ?? this.#spawn();
      const job = this.#queue.shift();
      this.#busy.set(worker, job);
      worker.postMessage({ id: job.id, op: job.op, args: job.args, wasm: this.#wasm }, job.transfer);
    }
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
      const job = this.#busy.get(worker);
      this.#busy.delete(worker);
      if (data.trapped) worker.terminate();
      else this.#idle.push(worker);
      if (job && job.id === data.id) this.#settle(job, data.result, data.ok ? null : jobError(data.error, data.trapped));
      this.#pump();
    };
    worker.onerror = (event) => {
      // The worker failed to load or threw outside a job: fail its job and drop it.
      event.preventDefault?.();
      const job = this.#busy.get(worker);
      this.#busy.delete(worker);
      worker.terminate();
      const error = Object.assign(new Error(`the compression worker failed: ${event.message ?? 'it could not be loaded'}`), { name: 'WorkerError' });
      if (job) this.#settle(job, null, error);
      this.#pump();
    };
    return worker;
  }

  /** Hands a build's module to a worker whose job needs it; the worker stays busy with that job meanwhile. */
  #sendModule(worker, id, name) {
    const current = () => this.#busy.get(worker)?.id === id;
    Promise.resolve().then(() => this.#loadModule(name)).then((compiledModule) => {
      if (current()) worker.postMessage({ compiledModule });
    }, (e) => {
      if (!current()) return;
      const job = this.#busy.get(worker);
      this.#busy.delete(worker);
      worker.terminate();
      this.#settle(job, null, e);
      this.#pump();
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
