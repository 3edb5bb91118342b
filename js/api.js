// The public API, shared by the browser entry (index.js) and the Node entry (node.js). In browsers the
// work runs in a pool of module Web Workers so the page never freezes; `mainThread: true`, hosts without
// a Worker global (Node) and workers of the caller's own run it on the calling thread.
import { climb, moduleNames, wasmUrls } from './core.js';
import { WorkerPool, abortError, defaultPoolSize, encodeJpegSplit, encodePngSplit, measureSplit } from './pool.js';

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
let limitList = null;

const named = (name, message, cause) => Object.assign(new Error(message, cause ? { cause } : undefined), { name });

/** The error names the package documents (README, "Errors"); anything else is wrapped in one of them. */
const documented = new Set(['DecodeError', 'EncodeError', 'InvalidInput', 'LimitExceeded', 'Unsupported', 'AbortError', 'RuntimeError', 'WorkerError']);

/**
 * A build's compiled module. Whatever goes wrong getting it (a failed fetch is a TypeError, bad bytes a
 * CompileError) is a WorkerError naming the source, with the original as its `cause`.
 */
async function compile(source) {
  try {
    return await compileSource(source);
  } catch (e) {
    if (documented.has(e?.name)) throw e;
    const where = typeof source === 'string' || source instanceof URL ? ` from ${source}` : '';
    throw named('WorkerError', `could not load pixsqueeze's wasm${where}: ${e?.name ?? 'Error'}: ${e?.message ?? e}`, e);
  }
}

async function compileSource(source) {
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

async function run(op, args, transfer, { signal, mainThread, pin, input, inputKept }, onProgress, onEncoded) {
  signal?.throwIfAborted();
  const module = await wasmModule();
  if (useWorkers(mainThread)) {
    pool ??= new WorkerPool({ wasm: module, loadModule: wasmModule, size: poolSize ?? defaultPoolSize() });
    const progress = onEncoded ? (p) => (p.encoded ? onEncoded(p.encoded) : onProgress?.(p)) : onProgress;
    return pool.run(op, args, { signal, transfer, onProgress: progress, early: Boolean(onEncoded), pin, input, inputKept });
  }
  const extra = onProgress || onEncoded ? [onProgress, onEncoded] : [];
  // A build that refuses does so before any work: the same call on the build it names, loaded now if
  // not yet.
  return climb((instance) => {
    signal?.throwIfAborted();
    return instance[op](...args, ...extra);
  }, wasmModule, module);
}

// Brand checks that hold across realms: an iframe's (or a WebDriver sandbox's) ArrayBuffer or Blob is
// not `instanceof` this realm's constructors, yet is the same kind of object. A getter of the prototype
// called on the value throws unless the value really is one.
const getter = (proto, key) => Object.getOwnPropertyDescriptor(proto, key)?.get;
const bufferLength = getter(ArrayBuffer.prototype, 'byteLength');
const sharedLength = typeof SharedArrayBuffer === 'function' ? getter(SharedArrayBuffer.prototype, 'byteLength') : null;
const blobSize = typeof Blob === 'function' ? getter(Blob.prototype, 'size') : null;
const brand = (get, value) => {
  if (!get || value === null || typeof value !== 'object') return false;
  try {
    get.call(value);
    return true;
  } catch {
    return false;
  }
};
const isArrayBuffer = (value) => brand(bufferLength, value);
const isSharedBuffer = (value) => brand(sharedLength, value);
const isBlob = (value) => brand(blobSize, value);
const isDetached = (buffer) => {
  if (!isArrayBuffer(buffer)) return false;
  const { detached } = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached') ?? {};
  if (detached) return detached.get.call(buffer);
  try {
    new Uint8Array(buffer); // eslint-disable-line no-new
    return false;
  } catch {
    return true;
  }
};

/** What a value is, for messages: "a string", "null", "an ArrayBuffer". */
function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const tag = Object.prototype.toString.call(value).slice(8, -1);
    return /^[AEIOU]/.test(tag) ? `an ${tag}` : `a ${tag}`;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return `${typeof value} ${value}`;
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`;
}

/**
 * The bytes of an input as a Uint8Array (`view`), not copied, and whether their buffer is ours to give
 * away (`owned`: read from a Blob, or handed over with `transfer`). Inputs from another realm (an
 * iframe's) are taken as this realm's are.
 */
async function inputView(input, { toWorker, transfer }, what) {
  if (isBlob(input)) return { view: new Uint8Array(await Blob.prototype.arrayBuffer.call(input)), owned: true };
  const buffer = isArrayBuffer(input) || isSharedBuffer(input) ? input : ArrayBuffer.isView(input) ? input.buffer : null;
  if (!buffer) throw named('InvalidInput', `${what} must be a File, Blob, ArrayBuffer or Uint8Array, got ${describe(input)}`);
  if (isDetached(buffer)) throw named('InvalidInput', `${what}'s ArrayBuffer is detached (it was transferred or freed): pass bytes that are still yours`);
  const view = buffer === input ? new Uint8Array(input) : new Uint8Array(buffer, input.byteOffset, input.byteLength);
  const whole = view.byteOffset === 0 && view.byteLength === buffer.byteLength && isArrayBuffer(buffer);
  return { view, owned: Boolean(toWorker && transfer && whole) };
}

/**
 * The bytes of an input as a Uint8Array. Going to a worker they must own their buffer so it can be
 * transferred: the caller's ArrayBuffer is copied once (never detached) unless `transfer` hands it over.
 */
async function inputBytes(input, o, what = 'input') {
  const { view, owned } = await inputView(input, o, what);
  return !o.toWorker || owned ? view : view.slice();
}

/** A width or height: a whole number of pixels from 1 to 2³²−1, never wrapped or truncated. */
function dimension(name, value) {
  if (!Number.isInteger(value) || value < 1 || value > 0xffffffff) {
    throw named('InvalidInput', `${name} must be a whole number of pixels from 1 to 4294967295, got ${describe(value)}`);
  }
  return value;
}

/** Splits the options the package handles from the ones passed to the wasm, checking the package's own. */
function split(options) {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw named('InvalidInput', `options must be an object such as { format: "jpeg", quality: 75 }, got ${describe(options)}`);
  }
  const { signal, mainThread, transfer, onProgress, onEncoded, split: spread, ...wasmOptions } = options;
  if (signal !== undefined && !(signal !== null && typeof signal === 'object' && typeof signal.aborted === 'boolean'
    && typeof signal.throwIfAborted === 'function' && typeof signal.addEventListener === 'function')) {
    throw named('InvalidInput', `signal must be an AbortSignal, got ${describe(signal)}`);
  }
  if (spread !== undefined && typeof spread !== 'boolean') {
    throw named('InvalidInput', `split must be true or false, got ${describe(spread)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw named('InvalidInput', `onProgress must be a function, got ${describe(onProgress)}`);
  }
  if (onEncoded !== undefined && typeof onEncoded !== 'function') {
    throw named('InvalidInput', `onEncoded must be a function, got ${describe(onEncoded)}`);
  }
  for (const [name, value] of Object.entries(wasmOptions)) {
    // A function cannot reach the wasm (nor a worker): most likely a misspelt onProgress.
    if (typeof value === 'function' || typeof value === 'symbol') {
      const hint = /^on-?progress$/i.test(name) ? ' (did you mean onProgress?)' : '';
      throw named('InvalidInput', `unknown option ${name}${hint}: options hold numbers, strings, booleans and limits, got ${describe(value)}`);
    }
  }
  return { run: { signal, mainThread }, transfer, onProgress, onEncoded, spread: spread === true, toWorker: useWorkers(mainThread), wasmOptions };
}

export async function compress(input, options) {
  const o = split(options);
  const bytes = await inputBytes(input, o);
  // A smart-mode search reports each probe (format, quality, size, bytes, score) as it goes.
  // The file before its scores, where asked: with a Blob, as the result will have.
  const onEncoded = o.onEncoded && ((file) => {
    if (platform.blobs && typeof Blob === 'function') file.blob = new Blob([file.data], { type: file.mimeType });
    try {
      o.onEncoded(file);
    } catch {
      // The caller's callback: its error is not the job's.
    }
  });
  const result = await run('compress', [bytes, o.wasmOptions], [bytes.buffer], o.run, o.onProgress, onEncoded);
  if (platform.blobs && typeof Blob === 'function') result.blob = new Blob([result.data], { type: result.mimeType });
  return result;
}

// Yields to the event loop between main-thread jobs, so a page can repaint its progress.
const breathe = () => new Promise((resolve) => setTimeout(resolve, 0));

export async function compressAll(inputs, options) {
  const o = split(options);
  if (inputs === null || typeof inputs !== 'object' || typeof inputs[Symbol.iterator] !== 'function') {
    throw named('InvalidInput', `compressAll takes a list (an array or any iterable) of inputs, got ${describe(inputs)}`);
  }
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
        items[index] = { status: 'fulfilled', value: await compress(list[index], { ...options, onProgress: undefined, onEncoded: undefined }) };
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

/**
 * Pixels from which encode() with `split: true` spreads a baseline JPEG or a lossless PNG over the
 * pool's workers (see encodeJpegSplit, encodePngSplit). Opt-in: on a busy machine two workers get no more CPU than one, and the split's
 * copies and round trips then make it slower than a one-worker encode.
 */
const SPLIT_PIXELS = 1 << 20;

export async function encode(rgba, width, height, options) {
  const o = split(options);
  dimension('width', width);
  dimension('height', height);
  // Not copied yet: a split copies each band from it as it sends it, so no byte is copied twice.
  const { view, owned } = await inputView(rgba, o, 'rgba');
  const lanes = o.toWorker ? (pool?.size ?? poolSize ?? defaultPoolSize()) : 1;
  if (o.spread && lanes > 1 && width * height >= SPLIT_PIXELS && view.length === width * height * 4) {
    const pinned = (op, args, transfer, pin, input) => run(op, args, transfer, { ...o.run, pin, input });
    const joined = o.wasmOptions.format === 'png'
      ? await encodePngSplit(pinned, view, width, height, o.wasmOptions, lanes, owned)
      : await encodeJpegSplit(pinned, view, width, height, o.wasmOptions, lanes);
    if (joined) return joined;
  }
  if (!o.toWorker || owned) return run('encode', [view, width, height, o.wasmOptions], [view.buffer], o.run);
  // The caller's bytes, copied a piece at a time as they are sent: the worker copies each piece into
  // its wasm while the next is copied here, instead of waiting for one copy of the whole (pool.js).
  return run('encode', [width, height, o.wasmOptions], [], { ...o.run, input: view });
}

export async function decode(input, options) {
  const o = split(options);
  const bytes = await inputBytes(input, o);
  return run('decode', [bytes, o.wasmOptions], [bytes.buffer], o.run);
}

export async function measure(original, result, width, height, options) {
  const o = split(options);
  dimension('width', width);
  dimension('height', height);
  const lanes = o.toWorker ? (pool?.size ?? poolSize ?? defaultPoolSize()) : 1;
  const size = width * height * 4;
  if (o.spread && lanes > 1 && width * height > SPLIT_PIXELS) {
    // measureSplit copies the tiles and bands it sends: it reads the inputs where they are.
    const inPlace = { toWorker: false };
    const a = await inputBytes(original, inPlace, 'original');
    const b = await inputBytes(result, inPlace, 'result');
    if (a.length === size && b.length === size) {
      // The inputs stay as they are until measure() settles: a band waiting for a worker is not copied.
      const parts = (op, args, transfer, pin, input) => run(op, args, transfer, { ...o.run, pin, input, inputKept: true });
      const out = await measureSplit(parts, a, b, width, height, lanes);
      if (out) return out;
    }
  }
  const a = await inputView(original, o, 'original');
  const b = await inputView(result, o, 'result');
  if (!o.toWorker || (a.owned && b.owned)) return run('measure', [a.view, b.view, width, height], [a.view.buffer, b.view.buffer], o.run);
  // The caller's bytes, copied a piece at a time as they are sent, as encode's: a whole copy of both
  // 12 MP images here first made a worker's measure about 100 ms slower than the page thread's.
  return run('measureInput', [width, height], [], { ...o.run, input: [a.view, b.view] });
}

export async function formats(options) {
  // The meta is fixed for a wasm build: ask once.
  formatList ??= run('formats', [], [], split(options).run).catch((e) => {
    formatList = null;
    throw e;
  });
  return formatList;
}

/** The fields of `limits: { … }`, with their defaults and bounds: to let a person raise them. */
export async function limitOptions(options) {
  limitList ??= run('limitOptions', [], [], split(options).run).catch((e) => {
    limitList = null;
    throw e;
  });
  return limitList;
}
