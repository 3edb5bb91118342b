// pixsqueeze for browsers, bundlers and workers: compress images on the user's device, off the main
// thread. Types and documentation: index.d.ts.
export { init, compress, compressAll, encode, decode, measure, formats, limitOptions, terminate } from './api.js';
