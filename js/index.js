// pixsqueeze: compress images on the user's device. In browsers the work runs in module Web Workers
// (the page never freezes); `mainThread: true` runs it on the calling thread instead.
import { WorkerPool } from './pool.js';
import * as core from './core.js';

let pool = null;
let wasmUrl;

/**
 * Optional: where to load the wasm from, for hosts where the default URL beside the glue cannot be
 * fetched. `module_or_path` as in wasm-bindgen's `init`.
 */
export function init({ module_or_path } = {}) {
  if (typeof module_or_path === 'string' || module_or_path instanceof URL) wasmUrl = String(module_or_path);
  return core.init(module_or_path === undefined ? undefined : { module_or_path });
}

function useWorkers(mainThread) {
  return !mainThread && typeof Worker !== 'undefined';
}

function getPool() {
  pool ??= new WorkerPool({ wasmUrl });
  return pool;
}

/** Bytes the call owns (so they may be transferred), from any input the API accepts. */
async function ownedBytes(input) {
  if (typeof Blob !== 'undefined' && input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
  if (input instanceof ArrayBuffer) return new Uint8Array(input.slice(0));
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer.slice(input.byteOffset, input.byteOffset + input.byteLength));
  throw Object.assign(new TypeError('input must be a File, Blob, ArrayBuffer or Uint8Array'), { name: 'InvalidInput' });
}

async function run(op, args, transfer, { signal, mainThread } = {}) {
  if (useWorkers(mainThread)) return getPool().run(op, args, { signal, transfer });
  signal?.throwIfAborted();
  await core.init();
  signal?.throwIfAborted();
  return core[op](...args);
}

/**
 * Compresses an image file. `options`: `{ format: 'jpeg' | 'png', quality?: 1–100, signal?, mainThread? }`.
 * Resolves to `{ data, blob, mimeType, width, height, originalBytes, compressedBytes, ratio, mse, psnr }`.
 */
export async function compress(input, options = {}) {
  const { signal, mainThread, ...wasmOptions } = options;
  const bytes = await ownedBytes(input);
  const result = await run('compress', [bytes, wasmOptions], [bytes.buffer], { signal, mainThread });
  if (typeof Blob !== 'undefined') result.blob = new Blob([result.data], { type: result.mimeType });
  return result;
}

/** Encodes raw RGBA8 pixels; resolves to the file's bytes. */
export async function encode(rgba, width, height, options = {}) {
  const { signal, mainThread, ...wasmOptions } = options;
  const bytes = await ownedBytes(rgba);
  return run('encode', [bytes, width, height, wasmOptions], [bytes.buffer], { signal, mainThread });
}

/** Decodes a JPEG or PNG file; resolves to `{ width, height, data }` with `data` RGBA8. */
export async function decode(input, { signal, mainThread } = {}) {
  const bytes = await ownedBytes(input);
  return run('decode', [bytes], [bytes.buffer], { signal, mainThread });
}

/** The output formats: `[{ id, label, mimeType, extension, lossy, defaultQuality }]`. */
export function formats({ mainThread } = {}) {
  return run('formats', [], [], { mainThread });
}
