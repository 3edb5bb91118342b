// The wasm module on the current thread: what the worker hosts, and what main-thread mode and Node use.
// Calls are synchronous once `init` has resolved.
import initWasm, * as wasm from '../pkg/pixsqueeze.js';

let ready = null;

/**
 * Loads and instantiates the wasm module once. `module_or_path` may be a URL, a Response, bytes or a
 * compiled WebAssembly.Module; by default the `.wasm` beside the glue is fetched.
 */
export function init(options) {
  ready ??= initWasm(options).catch((e) => {
    ready = null;
    throw e;
  });
  return ready;
}

export const { compress, encode, decode, formats } = wasm;
