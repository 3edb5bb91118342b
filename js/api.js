// The public API, shared by the browser entry (index.js) and the Node entry (node.js). In browsers the
// work runs in a pool of module Web Workers so the page never freezes; `mainThread: true`, hosts without
// a Worker global (Node) and workers of the caller's own run it on the calling thread.
import { core, full, needsFull } from './core.js';
import { WorkerPool, abortError, defaultPoolSize } from './pool.js';

/**
 * What differs between hosts. `loadWasm` and `loadFullWasm` give the default sources of the core and
 * the full wasm modules when init() was given none: browsers fetch the `.wasm` files shipped beside this
 * file; Node reads them from disk (see node.js).
 */
export const platform = {
  loadWasm: () => new URL('../pkg/pixsqueeze_bg.wasm', import.meta.url),
  loadFullWasm: () => new URL('../pkg/pixsqueeze_full_bg.wasm', import.meta.url),
  blobs: true,
};

// Promise<WebAssembly.Module> each: fetched and compiled once, shared by every worker. The core module
// serves every call first; the full one (several times larger) only once core asks for it.
let compiled = null;
let compiledFull = null;
let fullSource; // where init() said the full module is
let poolSize;
let pool = null;
let formatList = null;

const named = (name, message) => Object.assign(new Error(message), { name });

async function compile(source) {
  source = await source;
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'string' || source instanceof URL || (typeof Request === 'function' && source instanceof Request)) {
    source = await fetch(source);
  }
  if (typeof Response === 'function' && source instanceof Response) {
    if (!source.ok) throw named('WorkerError', `could not fetch pixsqueeze's wasm: HTTP ${source.status} from ${source.url}`);
    // Streaming compilation needs the right MIME type; a misconfigured server still works, a little slower.
    if (source.headers.get('content-type')?.startsWith('application/wasm')) return WebAssembly.compileStreaming(source);
    source = await source.arrayBuffer();
  }
  return WebAssembly.compile(source);
}

function wasmModule(source) {
  compiled ??= compile(source ?? platform.loadWasm()).catch((e) => {
    compiled = null; // let a later init() try another source
    throw e;
  });
  return compiled;
}

function fullWasmModule() {
  compiledFull ??= compile(fullSource ?? platform.loadFullWasm()).catch((e) => {
    compiledFull = null;
    throw e;
  });
  return compiledFull;
}

/**
 * Optional set-up. `module_or_path`: where the core wasm comes from when the default URL beside the
 * package cannot be fetched (a URL, a Response, bytes or a compiled WebAssembly.Module);
 * `full_module_or_path` the same for the full module, which is only loaded when a call needs it.
 * `workers`: the pool's size. The first source loaded wins, as with wasm-bindgen's own init; call
 * terminate() to resize.
 */
export async function init({ module_or_path, full_module_or_path, workers } = {}) {
  if (workers !== undefined) {
    if (!Number.isInteger(workers) || workers < 1) throw named('InvalidInput', `workers must be a whole number from 1, got ${workers}`);
    poolSize = workers;
  }
  if (full_module_or_path !== undefined) fullSource = full_module_or_path;
  await wasmModule(module_or_path);
}

/** Stops every worker and frees its memory; the next call starts new ones. Running jobs reject. */
export function terminate() {
  pool?.terminate();
  pool = null;
}

function useWorkers(mainThread) {
  return !mainThread && typeof Worker === 'function';
}

async function run(op, args, transfer, { signal, mainThread }, onProgress) {
  signal?.throwIfAborted();
  const module = await wasmModule();
  if (useWorkers(mainThread)) {
    pool ??= new WorkerPool({ wasm: module, loadFull: fullWasmModule, size: poolSize ?? defaultPoolSize() });
    return pool.run(op, args, { signal, transfer, onProgress });
  }
  await core.init(module);
  signal?.throwIfAborted();
  const extra = onProgress ? [onProgress] : [];
  try {
    return core[op](...args, ...extra);
  } catch (e) {
    if (!needsFull(e)) throw e;
  }
  // Core refused before doing any work: the same call on the full module, loaded now if not yet.
  await full.init(await fullWasmModule());
  signal?.throwIfAborted();
  return full[op](...args, ...extra);
}

/**
 * The bytes of an input as a Uint8Array. Going to a worker they must own their buffer so it can be
 * transferred: the caller's ArrayBuffer is copied once (never detached) unless `transfer` hands it over.
 */
async function inputBytes(input, { toWorker, transfer }) {
  if (typeof Blob === 'function' && input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
  const view = input instanceof ArrayBuffer ? new Uint8Array(input)
    : ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
      : null;
  if (!view) throw named('InvalidInput', 'input must be a File, Blob, ArrayBuffer or Uint8Array');
  if (!toWorker) return view;
  const whole = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer;
  return transfer && whole ? view : view.slice();
}

/** Splits the options the package handles from the ones passed to the wasm. */
function split(options = {}) {
  const { signal, mainThread, transfer, onProgress, ...wasmOptions } = options;
  return { run: { signal, mainThread }, transfer, onProgress, toWorker: useWorkers(mainThread), wasmOptions };
}

export async function compress(input, options) {
  const o = split(options);
  const bytes = await inputBytes(input, o);
  // A smart-mode search reports each probe (format, quality, size, bytes, score) as it goes.
  const result = await run('compress', [bytes, o.wasmOptions], [bytes.buffer], o.run, o.onProgress);
  if (platform.blobs && typeof Blob === 'function') result.blob = new Blob([result.data], { type: result.mimeType });
  return result;
}

// Yields to the event loop between main-thread jobs, so a page can repaint its progress.
const breathe = () => new Promise((resolve) => setTimeout(resolve, 0));

export async function compressAll(inputs, options) {
  const o = split(options);
  const list = [...inputs];
  const items = new Array(list.length);
  // As many jobs in flight as there are workers: every worker busy, but only that many files in memory.
  const lanes = o.toWorker ? (pool?.size ?? poolSize ?? defaultPoolSize()) : 1;
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < list.length) {
      o.run.signal?.throwIfAborted();
      const index = next++;
      try {
        // onProgress here reports the batch; each file's own search progress is not forwarded.
        items[index] = { status: 'fulfilled', value: await compress(list[index], { ...options, onProgress: undefined }) };
      } catch (reason) {
        if (o.run.signal?.aborted) throw abortError(o.run.signal);
        items[index] = { status: 'rejected', reason };
      }
      done++;
      const { value: result, reason: error } = items[index];
      o.onProgress?.({ done, total: list.length, index, result, error });
      if (!o.toWorker) await breathe();
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, list.length) }, lane));
  return items;
}

export async function encode(rgba, width, height, options) {
  const o = split(options);
  const bytes = await inputBytes(rgba, o);
  return run('encode', [bytes, width, height, o.wasmOptions], [bytes.buffer], o.run);
}

export async function decode(input, options) {
  const o = split(options);
  const bytes = await inputBytes(input, o);
  return run('decode', [bytes], [bytes.buffer], o.run);
}

export async function measure(original, result, width, height, options) {
  const o = split(options);
  const a = await inputBytes(original, o);
  const b = await inputBytes(result, o);
  return run('measure', [a, b, width, height], [a.buffer, b.buffer], o.run);
}

export function formats(options) {
  // The meta is fixed for a wasm build: ask once.
  formatList ??= run('formats', [], [], split(options).run).catch((e) => {
    formatList = null;
    throw e;
  });
  return formatList;
}
