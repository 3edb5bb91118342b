// The public API, shared by the browser entry (index.js) and the Node entry (node.js). In browsers the
// work runs in a pool of module Web Workers so the page never freezes; `mainThread: true`, hosts without
// a Worker global (Node) and workers of the caller's own run it on the calling thread.
import { climb, moduleNames, wasmUrls } from './core.js';
import { WorkerPool, abortError, defaultPoolSize } from './pool.js';

/**
 * What differs between hosts. `loadWasm(name)` gives the default source of the named wasm build
 * (`core`, `full`, …: wasm-pack.toml) when init() was given none: browsers fetch the `.wasm` files
 * shipped beside this file; Node reads them from disk (see node.js).
 */
export const platform = {
  loadWasm: (name) => wasmUrls.get(name),
  blobs: true,
};

// Promise<WebAssembly.Module> per build: fetched and compiled once, shared by every worker. The first
// build serves every call first; a larger one (several times its size) only once a call asks for it.
const compiled = new Map();
const sources = new Map(); // where init() said a build is
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

/** The named build's compiled module: compiled on first need, then shared. */
function wasmModule(name = moduleNames[0]) {
  if (!compiled.has(name)) {
    const source = sources.has(name) ? sources.get(name) : platform.loadWasm(name);
    compiled.set(name, compile(source).catch((e) => {
      compiled.delete(name); // let a later call (or init()) try again
      throw e;
    }));
  }
  return compiled.get(name);
}

/** `module_or_path` is the first build's; `<name>_module_or_path` any other's (`full_module_or_path`). */
const sourceKey = (name) => (name === moduleNames[0] ? 'module_or_path' : `${name}_module_or_path`);

/**
 * Optional set-up. `module_or_path`: where the core wasm comes from when the default URL beside the
 * package cannot be fetched (a URL, a Response, bytes or a compiled WebAssembly.Module);
 * `full_module_or_path` (and `<build>_module_or_path` for every build in the ladder) the same for a
 * larger build, which is only loaded when a call needs it. `workers`: the pool's size. The first source
 * loaded wins, as with wasm-bindgen's own init; call terminate() to resize.
 */
export async function init({ workers, ...rest } = {}) {
  const keys = new Map(moduleNames.map((name) => [sourceKey(name), name]));
  for (const key of Object.keys(rest)) {
    if (!keys.has(key)) throw named('InvalidInput', `unknown init option ${key}; the options are: workers, ${[...keys.keys()].join(', ')}`);
  }
  if (workers !== undefined) {
    if (!Number.isInteger(workers) || workers < 1) throw named('InvalidInput', `workers must be a whole number from 1, got ${workers}`);
    poolSize = workers;
  }
  for (const [key, name] of keys) {
    if (rest[key] !== undefined && !compiled.has(name)) sources.set(name, rest[key]);
  }
  await wasmModule(moduleNames[0]);
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
    pool ??= new WorkerPool({ wasm: module, loadModule: wasmModule, size: poolSize ?? defaultPoolSize() });
    return pool.run(op, args, { signal, transfer, onProgress });
  }
  const extra = onProgress ? [onProgress] : [];
  // A build that refuses does so before any work: the same call on the build it names, loaded now if
  // not yet.
  return climb((instance) => {
    signal?.throwIfAborted();
    return instance[op](...args, ...extra);
  }, wasmModule, module);
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
