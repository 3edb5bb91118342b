// Hosts the wasm off the main thread. One job at a time; results are transferred, not copied.
// Every job runs on the core module first. When core answers NeedsFullModule (before any heavy work),
// the worker asks the pool for the full module (compiled once, shared by every worker) and runs the
// same call there. A trap (wasm `unreachable`, out of memory) leaves the instance dead: the reply says
// so and the pool replaces this worker.
import { core, full, needsFull } from './core.js';

const ops = ['compress', 'encode', 'decode', 'measure', 'formats', '__trapForTests'];

let receiveFull = null; // resolves the running job's request for the full module

function call(instance, id, op, args) {
  if (!ops.includes(op)) throw Object.assign(new Error(`unknown operation ${op}`), { name: 'InvalidInput' });
  // A search reports each probe as it goes; the pool hands them to the caller's onProgress.
  const progress = op === 'compress' ? [(probe) => self.postMessage({ id, progress: probe })] : [];
  return instance[op](...args, ...progress);
}

async function run(id, op, args, wasm) {
  await core.init(wasm);
  try {
    return call(core, id, op, args);
  } catch (e) {
    if (!needsFull(e)) throw e;
  }
  const module = await new Promise((resolve) => {
    receiveFull = resolve;
    self.postMessage({ id, needsFull: true });
  });
  await full.init(module);
  return call(full, id, op, args);
}

self.onmessage = async ({ data }) => {
  if ('fullModule' in data) {
    receiveFull?.(data.fullModule);
    receiveFull = null;
    return;
  }
  const { id, op, args, wasm } = data;
  try {
    const result = await run(id, op, args, wasm);
    const bytes = result instanceof Uint8Array ? result : result?.data;
    self.postMessage({ id, ok: true, result }, bytes ? [bytes.buffer] : []);
  } catch (e) {
    const trapped = e instanceof WebAssembly.RuntimeError;
    self.postMessage({ id, ok: false, trapped, error: { name: e?.name ?? 'Error', message: String(e?.message ?? e) } });
  }
};
