// pixsqueeze for Node 20+: the same API as in browsers, run on the calling thread, with the wasm builds
// (core, and a larger one when a call needs it) read from this package's own directory (Node's fetch
// cannot read files). Node-only imports live here, out of the browser entry's way.
import { readFile } from 'node:fs/promises';
import { platform, init as initApi } from './api.js';
import { wasmUrls } from './core.js';

platform.loadWasm = (name) => readFile(wasmUrls.get(name));
platform.blobs = false;

const isFile = (source) => (typeof source === 'string' && !/^https?:/.test(source))
  || (source instanceof URL && source.protocol === 'file:');

// Read lazily by the API when the build is needed; a read that fails is reported there, not as an
// unhandled rejection here (init() may also reject first, for an unknown option).
const source = (s) => {
  if (!isFile(s)) return s;
  const bytes = readFile(s);
  bytes.catch(() => {});
  return bytes;
};

/**
 * As in browsers, and `module_or_path`, `full_module_or_path` (every `<build>_module_or_path`) may
 * also be file paths or `file:` URLs.
 */
export function init(options = {}) {
  const sources = Object.entries(options).map(([key, value]) => [key, key.endsWith('module_or_path') ? source(value) : value]);
  return initApi(Object.fromEntries(sources));
}

export { compress, compressAll, encode, decode, measure, formats, limitOptions, terminate } from './api.js';
