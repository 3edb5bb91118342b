// pixsqueeze for Node 20+: the same API as in browsers, run on the calling thread, with the wasm read from
// this package's own directory (Node's fetch cannot read files). Node-only imports live here, out of the
// browser entry's way.
import { readFile } from 'node:fs/promises';
import { platform, init as initApi } from './api.js';

platform.loadWasm = () => readFile(new URL('../pkg/pixsqueeze_bg.wasm', import.meta.url));
platform.blobs = false;

const isFile = (source) => (typeof source === 'string' && !/^https?:/.test(source))
  || (source instanceof URL && source.protocol === 'file:');

/** As in browsers, and `module_or_path` may also be a file path or a `file:` URL. */
export function init({ module_or_path, ...rest } = {}) {
  return initApi({ module_or_path: isFile(module_or_path) ? readFile(module_or_path) : module_or_path, ...rest });
}

export { compress, compressAll, encode, decode, measure, formats, terminate } from './api.js';
