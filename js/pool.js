// A small pool of module workers, each hosting its own wasm instance. Jobs queue; aborting a running job
// terminates its worker (the only way to stop wasm mid-call) and the pool starts a fresh one when needed.

const workerUrl = new URL('./worker.js', import.meta.url);

function abortError(signal) {
  const reason = signal?.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('The operation was aborted', 'AbortError');
}

export class WorkerPool {
  #size;
  #wasmUrl;
  #idle = [];
  #busy = new Map(); // worker -> job
  #queue = [];
  #nextId = 1;

  constructor({ size = defaultSize(), wasmUrl } = {}) {
    this.#size = Math.max(1, size);
    this.#wasmUrl = wasmUrl;
  }

  /** Runs `op(...args)` in a worker; `transfer` lists buffers to move rather than copy. */
  run(op, args, { signal, transfer = [] } = {}) {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const job = { id: this.#nextId++, op, args, transfer, signal, resolve, reject, onAbort: null };
      if (signal) {
        job.onAbort = () => this.#abort(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.#queue.push(job);
      this.#pump();
    });
  }

  /** Stops every worker; queued and running jobs reject. */
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
      worker.postMessage({ id: job.id, op: job.op, args: job.args, wasmUrl: this.#wasmUrl }, job.transfer);
    }
  }

  #spawn() {
    const worker = new Worker(workerUrl, { type: 'module' });
    worker.onmessage = ({ data }) => {
      const job = this.#busy.get(worker);
      this.#busy.delete(worker);
      if (data.trapped) worker.terminate();
      else this.#idle.push(worker);
      if (job && job.id === data.id) {
        const error = data.ok ? null : Object.assign(new Error(data.error.message), { name: data.error.name });
        this.#settle(job, data.result, error);
      }
      this.#pump();
    };
    worker.onerror = (event) => {
      // The worker failed to load or threw outside a job: fail its job and drop it.
      event.preventDefault?.();
      const job = this.#busy.get(worker);
      this.#busy.delete(worker);
      worker.terminate();
      if (job) this.#settle(job, null, new Error(`the compression worker failed: ${event.message ?? 'unknown error'}`));
      this.#pump();
    };
    return worker;
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

function defaultSize() {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
  return Math.min(4, Math.max(1, cores - 1));
}
