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

/**
 * The size of each piece an encode's pixels are sent in (WorkerPool.run's `input`): small enough that
 * the worker's copy of the last one, all that is left once the page's copies end, is short; large
 * enough that the messages (48 for a 12 MP photo) cost little.
 */
export const PIECE_BYTES = 1 << 20;

/**
 * How many pieces of one encode are on their way to its worker at once. The worker hands each piece's
 * buffer back once copied, and the page copies the next piece into it: a 12 MP photo then touches 4 MiB
 * of fresh memory on the page rather than 48 MB (its page faults cost more than the copy itself), while
 * the worker still finds the next piece waiting.
 */
export const PIECES_IN_FLIGHT = 4;

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
  #spare = []; // piece buffers workers handed back, for the next pieces (#sendMore)

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
   * receives the progress messages the job posts before its result. `pin`: an object shared by jobs
   * that must run in one worker (the first sets `pin.worker`; the others wait for that worker, and
   * fail with a WorkerError if it is gone): what one job leaves in its wasm, the next takes up.
   * `early`: a compress also posts its file before scoring it, as a progress message `{ encoded }`.
   * `input`: the pixels of an encode or of a JPEG band's quantise (a Uint8Array, only read, until the
   * last piece is copied: soon after the job starts), or of a measure (an array of two: the original's,
   * then the result's), sent after the job in copies of up to PIECE_BYTES each, none from two arrays
   * (worker.js, withPieces); `args` are then the rest of the call's. `inputKept`: the caller leaves
   * `input` as it is until the job settles, so a job that waits for a worker does not copy it first.
   */
  run(op, args, { signal, transfer = [], onProgress, early = false, pin, input, inputKept = false } = {}) {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const inputs = input === undefined || Array.isArray(input) ? input : [input];
      const job = { id: this.#nextId++, op, args, transfer, signal, onProgress, early, pin, inputs, resolve, reject, onAbort: null };
      if (signal) {
        job.onAbort = () => this.#abort(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.#queue.push(job);
      this.#pump();
      // Waiting for a worker, the pixels are copied now, as a plain encode's were: the caller may
      // reuse its buffer meanwhile.
      if (job.inputs && !inputKept && this.#queue.includes(job)) job.inputs = job.inputs.map((view) => view.slice());
    });
  }

  /** Stops every worker, freeing their memory; queued and running jobs reject with an AbortError. */
  terminate() {
    const stopped = () => named('AbortError', 'terminate() stopped pixsqueeze\'s workers before this call finished');
    for (const job of [...this.#queue, ...this.#busy.values()]) this.#settle(job, null, stopped());
    for (const w of [...this.#idle, ...this.#busy.keys()]) w.terminate();
    for (const timer of this.#idleTimers.values()) clearTimeout(timer);
    this.#idleTimers.clear();
    this.#spare = [];
    this.#idle = [];
    this.#busy.clear();
    this.#queue = [];
  }

  /** The worker that takes `job` now (taken out of idle, or spawned), or null if it must wait. */
  #take(job) {
    const pinned = job.pin?.worker;
    if (pinned) {
      const at = this.#idle.indexOf(pinned);
      return at < 0 ? null : this.#idle.splice(at, 1)[0];
    }
    if (!this.#idle.length && this.#busy.size >= this.#size) return null;
    const worker = this.#idle.pop() ?? this.#spawn();
    if (job.pin) job.pin.worker = worker;
    return worker;
  }

  #pump() {
    for (let next = 0; next < this.#queue.length;) {
      const job = this.#queue[next];
      const pinned = job.pin?.worker;
      if (pinned && !this.#idle.includes(pinned) && !this.#busy.has(pinned)) {
        this.#queue.splice(next, 1);
        this.#settle(job, null, named('WorkerError', 'the worker this job had to run in (it holds the job\'s earlier step) was stopped'));
        continue;
      }
      const worker = this.#take(job);
      if (!worker) {
        next++;
        continue;
      }
      clearTimeout(this.#idleTimers.get(worker));
      this.#idleTimers.delete(worker);
      this.#queue.splice(next, 1);
      next = 0; // an abort while posting pumps the queue from inside this loop: look again from the start
      // Busy before posting: an abort fired meanwhile (even from inside postMessage) finds the job here
      // and terminates its worker.
      this.#busy.set(worker, job);
      try {
        const inputLengths = job.inputs?.map((view) => view.length);
        worker.postMessage({ id: job.id, op: job.op, args: job.args, wasm: this.#wasm, early: job.early, inputLengths }, job.transfer);
      } catch (e) {
        // Nothing was sent (a function left in the options gives a DataCloneError): the worker is as it
        // was, so it goes back to idle and only this job fails.
        if (this.#busy.get(worker) !== job) continue; // aborted meanwhile: the worker is gone
        this.#busy.delete(worker);
        this.#rest(worker);
        this.#settle(job, null, named('InvalidInput', `the call's arguments cannot be sent to a worker (${e?.name}: ${e?.message}); options hold only numbers, strings, booleans and objects of them — is a callback misspelt (onProgress)?`, e));
        continue;
      }
      if (job.inputs) this.#sendPieces(worker, job);
    }
  }

  /**
   * Sends a job's `input` in pieces, PIECES_IN_FLIGHT at first, then one for each buffer the worker
   * hands back: the worker copies one into its wasm while the next is copied here.
   */
  #sendPieces(worker, job) {
    job.sending = { inputs: job.inputs, part: 0, at: 0 };
    job.inputs = null;
    this.#sendMore(worker, job, PIECES_IN_FLIGHT);
  }

  /**
   * Copies up to `count` more pieces of the job's input into spare buffers (new ones when none is
   * spare) and posts them. Stops if the job ends meanwhile (an abort terminates the worker).
   */
  #sendMore(worker, job, count) {
    const { sending } = job;
    const { inputs } = sending;
    // Past the inputs' ends (an empty one included): on to the next.
    const skipSent = () => {
      while (sending.part < inputs.length && sending.at >= inputs[sending.part].length) {
        sending.part++;
        sending.at = 0;
      }
    };
    try {
      skipSent();
      for (let k = 0; k < count && sending.part < inputs.length && this.#busy.get(worker) === job; k++) {
        const input = inputs[sending.part];
        const piece = new Uint8Array(this.#spare.pop() ?? new ArrayBuffer(PIECE_BYTES), 0, Math.min(PIECE_BYTES, input.length - sending.at));
        piece.set(input.subarray(sending.at, sending.at + piece.length));
        sending.at += piece.length;
        worker.postMessage({ id: job.id, piece }, [piece.buffer]);
        skipSent();
      }
    } catch (e) {
      // No room for a piece: the worker would wait for ever for the rest.
      if (this.#busy.get(worker) === job) this.#fail(worker, named('RuntimeError', `the pixels could not be copied to a worker (${e?.name}: ${e?.message})`, e));
    }
    if (sending.part >= inputs.length) job.sending = null; // the caller's bytes are not held once sent
  }

  /** A piece's buffer handed back by its worker: kept for the next pieces, the next sent if any are left. */
  #pieceBack(worker, { id, returned }) {
    if (returned.byteLength === PIECE_BYTES && this.#spare.length < PIECES_IN_FLIGHT * this.#size) this.#spare.push(returned);
    const job = this.#busy.get(worker);
    if (job?.id === id && job.sending) this.#sendMore(worker, job, 1);
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
      if (!this.workers) this.#spare = [];
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
      if ('returned' in data) {
        this.#pieceBack(worker, data);
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

let splits = 0; // names each split's bands in the workers' wasm (`token`)

/**
 * One JPEG over several workers, without shared memory. `run(op, args, transfer, pin, input)` runs a
 * wasm call on a free worker, or with `pin` (WorkerPool's) on the worker an earlier call with that pin
 * ran on, with `input` sent in pieces (WorkerPool's run). `rgba` is read while the bands are sent (the
 * caller's own bytes: nothing copies them whole). The wasm cuts the image into one band of rows
 * per worker (`jpegSplit`), each ending on a restart marker; every worker is sent only its band's rows
 * (in pieces, every band's at once: each worker copies its pieces into its wasm while the page copies
 * the next, into buffers the workers handed back), quantises them, keeps the coefficients in its wasm and hands back
 * the band's symbol counts (4 KB); the counts are added up here (the optimal Huffman tables of the whole
 * image), and every band is coded with them by the worker that holds it. The parts, joined, are the
 * file one worker writes with the same restart interval, and decode to the pixels of a plain encode;
 * the markers cost a few bytes a band. Memory per worker: its band's pixels (4 bytes a pixel),
 * coefficients (2 bytes a sample: 3 a pixel at 4:4:4, 1.5 at 4:2:0) and its part of the file; here,
 * the pieces in flight, and the parts. Resolves null (before anything is sent) when the wasm does not
 * split these options or this size: encode whole instead.
 */
export async function encodeJpegSplit(run, rgba, width, height, options, workers) {
  // Options the wasm refuses (and an abort) are reported by the plain encode the caller falls back to.
  const bands = await run('jpegSplit', [width, height, options, workers], []).catch(() => null);
  if (!bands) return null;
  splits = (splits + 1) % 0x1_0000_0000;
  const token = splits;
  const pins = bands.map(() => ({}));
  const rowBytes = width * 4;
  // Gray pixels make a one-component JPEG, as one worker writes them: known once every band is seen,
  // and then every band is quantised again, from its rows.
  const quantise = (gray) => Promise.all(bands.map(([start, end], index) => {
    const rows = rgba.subarray(start * rowBytes, end * rowBytes);
    return run('jpegBandQuantise', [width, height, options, workers, gray, index, token], [], pins[index], rows);
  }));
  let parts = await quantise(false);
  const gray = parts.every((p) => p.gray);
  if (gray) parts = await quantise(true);
  const sum = new Float64Array(1024);
  for (const { counts } of parts) counts.forEach((n, k) => { sum[k] += n; });
  const total = Uint32Array.from(sum, (n) => Math.min(n, 0xffffffff));
  const files = await Promise.all(bands.map((_, index) => {
    const counts = total.slice();
    return run('jpegBandWrite', [width, height, options, workers, gray, index, token, counts], [counts.buffer], pins[index]);
  }));
  const out = new Uint8Array(files.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of files) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/** CRC-32 of the bytes (PNG's chunk check), bit by bit: only ever run over a few bytes here. */
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** Adler-32 of A then B from A's, B's and B's length (zlib's adler32_combine). */
export function adler32Combine(a, b, lengthB) {
  const BASE = 65521;
  const rem = lengthB % BASE;
  const a1 = a & 0xffff;
  const sum1 = (a1 + (b & 0xffff) + BASE - 1) % BASE;
  const sum2 = (((rem * a1) % BASE) + (a >>> 16) + (b >>> 16) + BASE - rem) % BASE;
  return (sum2 * 65536 + sum1) >>> 0;
}

/**
 * One lossless PNG over several workers, without shared memory, as pigz splits a zlib stream. `run`
 * as for encodeJpegSplit (no pin needed: nothing is held between calls). One worker looks at the
 * whole image once (`pngSplit`: the layout a one-worker encode picks, and up to three bands of rows per
 * worker; the image is copied to it; a colour photo's layout takes one quick scan). A colour photo's
 * filter strategy is then ranked as one worker ranks it, on the same sample of rows, but the
 * sample's runs are shared among the workers (`pngRank`: each gets its runs' rows, about 1 MiB in
 * all on a 12 MP photo, and sizes every strategy's output; the least total wins, or near ties go to
 * a second sample, as one worker decides them). Then each band's
 * rows and the row before them go (a copy each, the last band's in `rgba`'s own buffer when
 * `owned`) to whichever worker is free, which filters them (the row before is the first row's row
 * above) and compresses them as raw DEFLATE ending on a sync flush (the last on the final block),
 * wrapped in IDAT chunks, with their Adler-32: more bands than workers, so that a band slower than
 * the others is evened out. Here the parts are joined, then one IDAT holding the Adler-32s combined,
 * and IEND. The file decodes to the pixels of a one-worker encode; each band starts with an empty
 * 32 KiB window, which is most of what the split costs in bytes. Memory per worker: for the plan, the
 * image (4 bytes a pixel) and its packed layouts, as a one-worker encode; for a band, its rows (4
 * bytes a pixel), packed (up to 4), the compressor's window and parse (about 1 MiB of input and its
 * match cache) and its part of the file. Resolves null when the wasm does not split these options,
 * this image or this size: encode whole instead.
 */
export async function encodePngSplit(run, rgba, width, height, options, workers, owned = false) {
  const whole = rgba.slice();
  const plan = await run('pngSplit', [whole, width, height, options, workers], [whole.buffer]).catch(() => null);
  if (!plan) return null;
  const rowBytes = width * 4;
  const code = await rankPng(run, rgba, plan, [width, height, options, workers]);
  const calls = [];
  for (const [index, [start, end]] of plan.bands.entries()) {
    const last = index === plan.bands.length - 1;
    const rows = owned && last ? rgba.subarray(start * rowBytes, end * rowBytes) : rgba.slice(start * rowBytes, end * rowBytes);
    const prev = index === 0 ? new Uint8Array(0) : rgba.slice((start - 1) * rowBytes, start * rowBytes);
    const call = run('pngBand', [width, height, options, workers, code, index, rows, prev], [rows.buffer, prev.buffer]);
    call.catch(() => {}); // handled by Promise.all below, once every band is sent
    calls.push(call);
    if (!last) await new Promise((resolve) => { setTimeout(resolve, 0); });
  }
  const parts = await Promise.all(calls);
  let adler = 1;
  for (const p of parts) adler = adler32Combine(adler, p.adler, p.length);
  // IDAT(adler) and IEND: length, type, data, CRC of type and data.
  const tail = new Uint8Array(16 + 12);
  const view = new DataView(tail.buffer);
  view.setUint32(0, 4);
  tail.set([0x49, 0x44, 0x41, 0x54], 4);
  view.setUint32(8, adler);
  view.setUint32(12, crc32(tail.subarray(4, 12)));
  tail.set([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82], 16);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.data.length, tail.length));
  let at = 0;
  for (const { data } of parts) {
    out.set(data, at);
    at += data.length;
  }
  out.set(tail, at);
  return out;
}

/**
 * The plan code of a PNG split with its filter strategy decided: `plan.plan` when it is already, else
 * the least total of `pngRank` over the sample's runs, shared among `workers` calls in order; when
 * other strategies come within 1/`plan.nearTie` of that total (and it is at least `plan.tieMinBytes`),
 * the least sum of both samples among them, the tie sample ranked likewise: as one worker decides.
 */
async function rankPng(run, rgba, plan, [width, height, options, workers]) {
  if (plan.sample.length === 0) return plan.plan;
  const totals = (runs) => rankRuns(run, rgba, runs, plan.plan, [width, height, options, workers]);
  const first = await totals(plan.sample);
  const least = Math.min(...first.values());
  const near = [...first.keys()].filter((s) => first.get(s) <= least + Math.floor(least / plan.nearTie));
  let sizes = first;
  if (near.length > 1 && least >= plan.tieMinBytes && plan.tieSample.length > 0) {
    const second = await totals(plan.tieSample);
    sizes = new Map(near.map((s) => [s, first.get(s) + second.get(s)]));
  }
  // The first of equals, in the wasm's order, as one worker's ranking picks.
  let best = null;
  for (const [strategy, bytes] of sizes) if (best === null || bytes < sizes.get(best)) best = strategy;
  return (plan.plan & ~0xff) | best;
}

/** The total bytes of each strategy (a Map in the wasm's order) over `runs`, shared among `workers`
 * `pngRank` calls in order. */
async function rankRuns(run, rgba, runs, code, [width, height, options, workers]) {
  const rowBytes = width * 4;
  const n = Math.min(workers, runs.length);
  const parts = Array.from({ length: n }, (_, k) => {
    const mine = runs.slice(Math.floor((k * runs.length) / n), Math.floor(((k + 1) * runs.length) / n));
    // Each run led by the row above it, which its first row is filtered against.
    const spans = mine.map(([start, end]) => [Math.max(start - 1, 0), end]);
    const rows = new Uint8Array(spans.reduce((total, [a, b]) => total + (b - a) * rowBytes, 0));
    let at = 0;
    for (const [a, b] of spans) {
      rows.set(rgba.subarray(a * rowBytes, b * rowBytes), at);
      at += (b - a) * rowBytes;
    }
    const chunks = Uint32Array.from(mine.flat());
    return run('pngRank', [width, height, options, workers, code, rows, chunks], [rows.buffer, chunks.buffer]);
  });
  const totals = new Map();
  for (const ranked of await Promise.all(parts)) {
    for (const [strategy, bytes] of ranked) totals.set(strategy, (totals.get(strategy) ?? 0) + bytes);
  }
  return totals;
}

/**
 * measure() of a large image over several workers, without shared memory: SSIMULACRA2 scores an image
 * over a megapixel on a few independent tiles (`ssimulacra2Regions`), and the MSE is a sum of integer
 * squared errors. `run(op, args, transfer, pin, input)` runs a call in a worker, as for a JPEG split.
 * The tiles go first, as crops (about 1 MiB of each image a tile), each scored by whichever worker is
 * free; then a band of both images' rows for each worker, its squared error summed
 * (`squaredErrorInput`), its rows copied as a worker takes it up, a piece at a time into reused
 * buffers (`input`), as a one-worker measure's pixels are. So no worker copies both images whole into
 * its wasm, and the page copies nothing while the tiles are scored: on two cores, its slicing of each
 * band into fresh memory meanwhile made the split 25 % slower. The bands' sums and the tiles' scores
 * are combined in the wasm (`measureTotal`, src/metrics.rs `from_parts`), so the figures are one
 * worker's to the bit. `original` and `result` are only read, until the last band is sent. Memory: a
 * worker holds two crops and their float planes (about 30 MiB a tile), or its band of both images
 * (8 bytes a pixel). Resolves null (before anything is sent) when the image is scored whole or not at
 * all: measure it on one worker instead.
 */
export async function measureSplit(run, original, result, width, height, workers) {
  if (workers < 2) return null;
  const regions = await run('ssimulacra2Regions', [width, height], []).catch(() => null);
  const count = regions ? regions.length / 4 : 0;
  if (count < 2) return null;
  const crop = (rgba, [x0, x1, y0, y1]) => {
    const out = new Uint8Array((x1 - x0) * (y1 - y0) * 4);
    const rowBytes = (x1 - x0) * 4;
    for (let y = y0; y < y1; y++) out.set(rgba.subarray((y * width + x0) * 4, (y * width + x1) * 4), (y - y0) * rowBytes);
    return out;
  };
  const scores = Array.from({ length: count }, (_, t) => {
    const region = regions.subarray(4 * t, 4 * t + 4);
    const [a, b] = [crop(original, region), crop(result, region)];
    const [w, h] = [region[1] - region[0], region[3] - region[2]];
    const call = run('measureRegions', [a, b, w, h, Uint32Array.of(0, w, 0, h)], [a.buffer, b.buffer]);
    call.catch(() => {}); // handled by Promise.all below, once every part is sent
    return call;
  });
  const rowBytes = width * 4;
  const cuts = Array.from({ length: workers + 1 }, (_, k) => Math.round((k * height) / workers));
  const sums = [];
  for (let k = 0; k < workers; k++) {
    const [start, end] = [cuts[k], cuts[k + 1]];
    if (end === start) continue;
    // Each band's rows are copied when a worker takes it up, a piece at a time into buffers the
    // workers hand back; read in place until then (measure() reads its inputs until it settles).
    const band = (rgba) => rgba.subarray(start * rowBytes, end * rowBytes);
    const call = run('squaredErrorInput', [width, end - start], [], undefined, [band(original), band(result)]);
    call.catch(() => {});
    sums.push(call);
  }
  const [parts, scored] = await Promise.all([Promise.all(sums), Promise.all(scores)]);
  const squaredError = parts.reduce((n, p) => n + p.squaredError, 0);
  return run('measureTotal', [width, height, Float64Array.from(scored, (s) => s.scores[0]), squaredError], []);
}
