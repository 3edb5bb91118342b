// Hosts the wasm off the main thread. One job at a time; results are transferred, not copied.
// Every job runs on the first (core) build. When a build answers NeedsFullModule (before any heavy
// work) naming a larger build, the worker asks the pool for that build's compiled module (compiled once,
// shared by every worker) and runs the same call there. A trap (wasm `unreachable`, out of memory) leaves
// the instance dead: the reply says so and the pool replaces this worker.
import { climb, core } from './core.js';

// The last two are test hooks: they answer Unsupported except on the test build (target/test-hooks/).
const ops = ['compress', 'encode', 'decode', 'measure', 'formats', 'limitOptions', 'jpegSplit', 'jpegBandQuantise', 'jpegBandWrite', 'pngSplit', 'pngBand', 'pngRank', 'ssimulacra2Regions', 'measureRegions', 'measureTotal', 'measureInput', 'squaredErrorInput', '__trapForTests', '__panicForTests'];

// The calls whose pixels may come in pieces after the job (withPieces).
const pieceOps = ['encode', 'measureInput', 'squaredErrorInput', 'jpegBandQuantise'];

let receiveModule = null; // resolves the running job's request for a build
// The running job's pixels when they come in pieces after it (pool.js, `input`): those come so far,
// and what wakes the job when the next comes.
let pieces = null;

function call(instance, id, op, args, early) {
  if (!ops.includes(op)) throw Object.assign(new Error(`unknown operation ${op}`), { name: 'InvalidInput' });
  // A search reports each probe as it goes; the pool hands them to the caller's onProgress. Asked for
  // (`early`), the file goes too as soon as it is written, before it is scored (the caller's onEncoded).
  const progress = op === 'compress' ? [
    (probe) => self.postMessage({ id, progress: probe }),
    early ? (file) => self.postMessage({ id, progress: { encoded: file } }, [file.data.buffer]) : undefined,
  ] : [];
  return instance[op](...args, ...progress);
}

const request = (id) => (name) => new Promise((resolve) => {
  receiveModule = resolve;
  self.postMessage({ id, needsModule: name });
});

/**
 * `op` with its pixels, one or more inputs of `lengths` bytes one after another, coming in pieces after
 * the job (pool.js, `input`; no piece holds bytes of two inputs): each is copied into the wasm that runs
 * `op` as it comes, and its buffer handed back to the page, which copies a later piece into it (pool.js,
 * #sendMore): memory the page has touched already. `encode` takes them first (`encodeInput`) on the core
 * build, and a build that refuses the options there (NeedsFullModule, before it takes the pixels) gets
 * them copied out of the core's wasm; `measureInput` (the original, then the result) is the core's; a
 * split measure's band (`squaredErrorInput`, the same two) and a JPEG band's step (`jpegBandQuantise`)
 * take them last, on the build that holds them: the core's stubs answer NeedsFullModule before
 * reading anything, which names the build to copy them into.
 */
async function withPieces(id, op, args, lengths, wasm) {
  if (!pieceOps.includes(op)) throw Object.assign(new Error(`${op} does not take its pixels in pieces`), { name: 'InvalidInput' });
  const state = pieces;
  await core.init(wasm);
  const host = op === 'encode' || op === 'measureInput' ? core : await climb((instance) => {
    if (instance === core) instance[op]();
    return instance;
  }, request(id), wasm);
  const inputs = [];
  try {
    for (const length of lengths) {
      const input = host.rgbaInput(length);
      inputs.push(input);
      for (let copied = 0; copied < length;) {
        if (!state.list.length) await new Promise((resolve) => { state.wake = resolve; });
        const piece = state.list.shift();
        host.pushInput(input, piece);
        copied += piece.length;
        self.postMessage({ id, returned: piece.buffer }, [piece.buffer]);
      }
    }
    if (op !== 'encode') return call(host, id, op, [...args, ...inputs], false);
    const [input] = inputs;
    return await climb((instance) => (instance === core ? instance.encodeInput(input, ...args) : instance.encode(core.inputBytes(input), ...args)), request(id), wasm);
  } finally {
    for (const input of inputs) input.free();
  }
}

self.onmessage = async ({ data }) => {
  if ('compiledModule' in data) {
    receiveModule?.(data.compiledModule);
    receiveModule = null;
    return;
  }
  if ('piece' in data) {
    if (pieces?.id === data.id) {
      pieces.list.push(data.piece);
      pieces.wake?.();
    }
    return;
  }
  const { id, op, args, wasm, early, inputLengths } = data;
  pieces = inputLengths === undefined ? null : { id, list: [], wake: null };
  try {
    const result = inputLengths === undefined
      ? await climb((instance) => call(instance, id, op, args, early), request(id), wasm)
      : await withPieces(id, op, args, inputLengths, wasm);
    // A file's bytes, a JPEG band's symbol counts or a PNG band's part (pool.js, encode*Split).
    const views = result instanceof Uint8Array ? [result] : [result?.data, result?.counts];
    self.postMessage({ id, ok: true, result }, views.filter(ArrayBuffer.isView).map((v) => v.buffer));
  } catch (e) {
    const trapped = e instanceof WebAssembly.RuntimeError;
    self.postMessage({ id, ok: false, trapped, error: { name: e?.name ?? 'Error', message: String(e?.message ?? e) } });
  } finally {
    if (pieces?.id === id) pieces = null;
  }
};

// A job that could not be read here (the pool fails it and replaces this worker): say so rather than
// leave the pool waiting for a reply.
self.onmessageerror = () => self.postMessage({ messageError: true });
