// The wasm modules on the current thread: what each worker hosts, and what main-thread mode and Node use.
// `core` is the small module every call starts on; `full` (WebP, GIF, BMP, ICC conversion) is
// instantiated only when `core` answers NeedsFullModule. Calls are synchronous once `init` has resolved.
// Both glues are imported statically (a few KB each): only the .wasm they instantiate is loaded lazily.
import initCore, * as coreGlue from '../pkg/pixsqueeze.js';
import initFull, * as fullGlue from '../pkg/pixsqueeze_full.js';

function named(name, message) {
  return Object.assign(new Error(message), { name });
}

/** The calls of one wasm-bindgen glue, instantiated once from a compiled `WebAssembly.Module`. */
function instance(initWasm, wasm) {
  let ready = null;
  let trapped = null;

  // A trap leaves the instance in an unknown state (its stack pointer is not restored), so after one every
  // call on this instance fails clearly instead of computing on corrupt memory. Workers are replaced instead.
  const guarded = (fn) => (...args) => {
    if (trapped) throw named('RuntimeError', `an earlier call crashed pixsqueeze's wasm on this thread (${trapped}); reload, or use workers, which recover`);
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) trapped = e.message;
      throw e;
    }
  };

  return {
    /** Instantiates the wasm once, from a compiled `WebAssembly.Module` (or anything wasm-bindgen accepts). */
    init(module) {
      ready ??= initWasm({ module_or_path: module }).catch((e) => {
        ready = null;
        throw e;
      });
      return ready;
    },
    compress: guarded(wasm.compress),
    encode: guarded(wasm.encode),
    decode: guarded(wasm.decode),
    formats: guarded(wasm.formats),
    __trapForTests: guarded(wasm.__trapForTests),
    // `measure` arrived in the wasm after the package; an older build reports it clearly rather than
    // crashing. Reflect.get keeps bundlers from warning about an export the glue may lack.
    measure: guarded((...args) => {
      const fn = Reflect.get(wasm, 'measure');
      if (typeof fn !== 'function') throw named('Unsupported', 'measure() needs a newer pixsqueeze wasm build');
      return fn(...args);
    }),
  };
}

export const core = instance(initCore, coreGlue);
export const full = instance(initFull, fullGlue);

/** Whether an error says the call must be run again on the full module. */
export const needsFull = (e) => e?.name === 'NeedsFullModule';
