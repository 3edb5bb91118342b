// The wasm modules on the current thread: what each worker hosts, and what main-thread mode and Node use.
// The builds form a ladder (wasm-pack.toml; pkg/modules.js lists them): the first, `core`, serves every
// call first; a larger one (`full`: WebP, GIF, BMP, ICC conversion; and any after it) is instantiated only
// when a smaller one answers NeedsFullModule naming it. Calls are synchronous once `init` has resolved.
// Every glue is imported statically (a few KB each): only the .wasm they instantiate is loaded lazily.
import { builds } from '../pkg/modules.js';

function named(name, message, cause) {
  return Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { name });
}

/** The error names a call may reject with (README, "Errors"); NeedsFullModule never reaches a caller. */
const documented = new Set(['DecodeError', 'EncodeError', 'InvalidInput', 'LimitExceeded', 'Unsupported', 'NeedsFullModule',
  'AbortError', 'RuntimeError', 'WorkerError']);

/**
 * The message of the panic that ended in a trap, or null. With `panic = "abort"` a panic is a bare
 * `unreachable`; the core's panic hook leaves its message in a static buffer (src/wasm.rs, `crash`), read
 * here through two raw exports that touch neither the stack nor the allocator, so they work on the
 * trapped instance.
 */
function panicMessage(exports) {
  try {
    const len = exports?.__panicMessageLength?.() >>> 0;
    if (!len) return null;
    const at = exports.__panicMessagePointer() >>> 0;
    return new TextDecoder().decode(new Uint8Array(exports.memory.buffer, at, len));
  } catch {
    return null;
  }
}

/** The calls of one wasm-bindgen glue, instantiated once from a compiled `WebAssembly.Module`. */
function instance(initWasm, wasm) {
  let ready = null;
  let exports = null; // the raw wasm exports, once instantiated
  let trapped = null;

  // A trap leaves the instance in an unknown state (its stack pointer is not restored), so after one every
  // call on this instance fails clearly instead of computing on corrupt memory. Workers are replaced instead.
  const guarded = (fn) => (...args) => {
    if (trapped) throw named('RuntimeError', `an earlier call crashed pixsqueeze's wasm on this thread (${trapped}); reload, or use workers, which recover`);
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        const panic = panicMessage(exports);
        // Still a WebAssembly.RuntimeError (workers and callers test for it), now saying why.
        if (panic) e.message = `${e.message}: ${panic}`;
        trapped = e.message;
        throw e;
      }
      if (documented.has(e?.name)) throw e;
      // Anything else out of the glue (a TypeError on an argument the package should have refused, an
      // Error the binding made) still gets a documented name, with the original as its cause.
      throw named(e instanceof TypeError ? 'InvalidInput' : 'RuntimeError', `${e?.name ?? 'Error'}: ${e?.message ?? e}`, e);
    }
  };
  // Exports only the test build has (`--features test-hooks`: target/test-hooks/), called raw: the glue
  // shipped in pkg/ is made from the build without them.
  const testHook = (name) => guarded(() => {
    if (typeof exports?.[name] !== 'function') throw named('Unsupported', `${name} is in the test build only (node scripts/build.mjs --test-hooks)`);
    return exports[name]();
  });

  return {
    /** Instantiates the wasm once, from a compiled `WebAssembly.Module` (or anything wasm-bindgen accepts). */
    init(module) {
      ready ??= initWasm({ module_or_path: module }).then((raw) => {
        exports = raw;
      }, (e) => {
        ready = null;
        throw e;
      });
      return ready;
    },
    compress: guarded(wasm.compress),
    encode: guarded(wasm.encode),
    // Pixels copied in as they come, piece by piece, for encode, measure and a JPEG band (worker.js,
    // withPieces).
    rgbaInput: guarded((length) => new wasm.RgbaInput(length)),
    pushInput: guarded((input, bytes) => input.push(bytes)),
    inputBytes: guarded((input) => input.bytes()),
    encodeInput: guarded(wasm.encodeInput),
    measureInput: guarded(wasm.measureInput),
    squaredErrorInput: guarded(wasm.squaredErrorInput),
    decode: guarded(wasm.decode),
    formats: guarded(wasm.formats),
    limitOptions: guarded(wasm.limitOptions),
    // One JPEG or lossless PNG over several workers (pool.js, encodeJpegSplit, encodePngSplit).
    jpegSplit: guarded(wasm.jpegSplit),
    jpegBandQuantise: guarded(wasm.jpegBandQuantise),
    jpegBandWrite: guarded(wasm.jpegBandWrite),
    pngSplit: guarded(wasm.pngSplit),
    pngBand: guarded(wasm.pngBand),
    pngRank: guarded(wasm.pngRank),
    // One measure over several workers: bands of rows and SSIMULACRA2's tiles (pool.js, measureSplit).
    ssimulacra2Regions: guarded(wasm.ssimulacra2Regions),
    measureRegions: guarded(wasm.measureRegions),
    measureTotal: guarded(wasm.measureTotal),
    __trapForTests: testHook('__trapForTests'),
    __panicForTests: testHook('__panicForTests'),
    // `measure` arrived in the wasm after the package; an older build reports it clearly rather than
    // crashing. Reflect.get keeps bundlers from warning about an export the glue may lack.
    measure: guarded((...args) => {
      const fn = Reflect.get(wasm, 'measure');
      if (typeof fn !== 'function') throw named('Unsupported', 'measure() needs a newer pixsqueeze wasm build');
      return fn(...args);
    }),
  };
}

/** The builds' names, in ladder order; the first serves every call first. */
export const moduleNames = builds.map((b) => b.name);
/** The default `.wasm` URL of each build, beside the package's JavaScript. */
export const wasmUrls = new Map(builds.map((b) => [b.name, b.wasm]));
const instances = new Map(builds.map((b) => [b.name, instance(b.init, b.glue)]));
/** The instance of the named build on this thread (`undefined` for a name no build has). */
export const module = (name) => instances.get(name);
/** The first build, which every call starts on. */
export const core = instances.get(moduleNames[0]);

/**
 * The build an error asks the call to be run on again (`NeedsFullModule` carries its name in `module`;
 * a wasm older than the ladder sent none, meaning "full"), or null for any other error.
 */
export const neededModule = (e) => (e?.name === 'NeedsFullModule' ? (e.module ?? 'full') : null);

/**
 * Runs `call(instance)` on the first build, then, while a build answers NeedsFullModule, on the build it
 * names: `load(name)` gives that build's compiled module. A build asked for twice, or one not in the
 * ladder, ends the climb with a WorkerError rather than a loop.
 */
export async function climb(call, load, first) {
  await core.init(first);
  let current = core;
  const tried = new Set([moduleNames[0]]);
  for (;;) {
    let name;
    try {
      return call(current);
    } catch (e) {
      name = neededModule(e);
      if (!name) throw e;
      if (tried.has(name) || !instances.has(name)) {
        throw named('WorkerError', `the wasm asked for pixsqueeze's "${name}" build, which this package ${instances.has(name) ? 'already tried' : 'does not have'} (${e.message})`);
      }
    }
    tried.add(name);
    current = instances.get(name);
    await current.init(await load(name));
  }
}
