// pixsqueeze for Node 20+: the same API as in browsers, run on the calling thread, with the wasm modules
// (core, and full when a call needs it) read from this package's own directory (Node's fetch cannot read files). Node-only imports live here, out of the
// browser entry's way.
import { readFile } from 'node:fs/promises';
import { platform, init as initApi } from './api.js';

platform.loadWasm = () => readFile(new URL('../pkg/pixsqueeze_bg.wasm', import.meta.url));
platform.loadFullWasm = () => readFile(new URL('../pkg/pixsqueeze_full_bg.wasm', import.meta.url));
platform.blobs = false;

const isFile = (source) => (typeof source === 'string' && !/^https?:/.test(source))
  || (source instanceof URL && source.protocol === 'file:');

const source = (s) => (isFile(s) ? readFile(s) : s);

/** As in browsers, and `module_or_path` and `full_module_or_path` may also be file paths or `file:` URLs. */
export function init({ module_or_path, full_module_or_path, ...rest } = {}) {
  return initApi({ module_or_path: source(module_or_path), full_module_or_path: source(full_module_or_path), ...rest });
}

export { compress, compressAll, encode, decode, measure, formats, terminate } from './api.js';
