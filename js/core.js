// The wasm module on the current thread: what each worker hosts, and what main-thread mode and Node use.
// Calls are synchronous once `init` has resolved.
import initWasm, * as wasm from '../pkg/pixsqueeze.js';

let ready = null;
let trapped = null;

/** Instantiates the wasm once, from a compiled `WebAssembly.Module` (or anything wasm-bindgen accepts). */
export function init(module) {
  ready ??= initWasm({ module_or_path: module }).catch((e) => {
    ready = null;
    throw e;
  });
  return ready;
}

function named(name, message) {
  return Object.assign(new Error(message), { name });
}

// A trap leaves the instance in an unknown state (its stack pointer is not restored), so after one every
// call on this thread fails clearly instead of computing on corrupt memory. Workers are replaced instead.
function guarded(fn) {
  return (...args) => {
    if (trapped) throw named('RuntimeError', `an earlier call crashed pixsqueeze's wasm on this thread (${trapped}); reload, or use workers, which recover`);
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) trapped = e.message;
      throw e;
    }
  };
}

export const compress = guarded(wasm.compress);
export const encode = guarded(wasm.encode);
export const decode = guarded(wasm.decode);
export const formats = guarded(wasm.formats);
export const __trapForTests = guarded(wasm.__trapForTests);

// `measure` arrived in the wasm after the package; an older build reports it clearly rather than crashing.
// Reflect.get keeps bundlers from warning about an export the glue may lack.
export const measure = guarded((...args) => {
  const fn = Reflect.get(wasm, 'measure');
  if (typeof fn !== 'function') throw named('Unsupported', 'measure() needs a newer pixsqueeze wasm build');
  return fn(...args);
});
