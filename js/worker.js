// Hosts the wasm module off the main thread. One job at a time; results are transferred, not copied.
// A trap (wasm `unreachable`, out of memory) leaves the instance dead: the reply says so and the pool
// replaces this worker.
import * as core from './core.js';

const ops = {
  compress: core.compress,
  encode: core.encode,
  decode: core.decode,
  measure: core.measure,
  formats: core.formats,
  __trapForTests: core.__trapForTests,
};

self.onmessage = async ({ data: { id, op, args, wasm } }) => {
  try {
    await core.init(wasm);
    const fn = ops[op];
    if (!fn) throw Object.assign(new Error(`unknown operation ${op}`), { name: 'InvalidInput' });
    // A search reports each probe as it goes; the pool hands them to the caller's onProgress.
    const progress = op === 'compress' ? [(probe) => self.postMessage({ id, progress: probe })] : [];
    const result = fn(...args, ...progress);
    const bytes = result instanceof Uint8Array ? result : result?.data;
    self.postMessage({ id, ok: true, result }, bytes ? [bytes.buffer] : []);
  } catch (e) {
    const trapped = e instanceof WebAssembly.RuntimeError;
    self.postMessage({ id, ok: false, trapped, error: { name: e?.name ?? 'Error', message: String(e?.message ?? e) } });
  }
};
