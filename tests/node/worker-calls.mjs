// The wasm calls of a split (js/pool.js, encodeJpegSplit and encodePngSplit) run here in turn as a pool's
// worker runs them, for the split tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { climb, core } from '../../js/core.js';
import { PIECE_BYTES } from '../../js/pool.js';
import { root } from '../e2e/support.mjs';

await core.init(readFileSync(join(root, 'pkg', 'pixsqueeze_bg.wasm')));

/** The full build's wasm, which holds the splits. */
export const fullBuild = () => readFileSync(join(root, 'pkg', 'pixsqueeze_full_bg.wasm'));

const load = (op) => async (name) => {
  assert.equal(name, 'full', `${op} asks for the full build`);
  return fullBuild();
};

/**
 * As a worker takes a job: a copy of the arguments (structuredClone, moving what is transferred), the call
 * (on the core build, which answers NeedsFullModule for a split's steps, then on the full build), a copy
 * of the result. Every call runs on the one full instance, which holds a JPEG's bands between its steps.
 * `input` (a band's rows, or an array of such inputs) is pushed into RgbaInputs of that instance, in
 * pieces as a worker gets them, and passed last.
 */
export const run = async (op, args, transfer, pin, input) => {
  const copied = structuredClone(args, { transfer });
  if (!input) return structuredClone(await climb((instance) => instance[op](...copied), load(op)));
  const host = await climb((instance) => {
    if (instance === core) instance[op]();
    return instance;
  }, load(op));
  const inputs = [];
  try {
    for (const rows of Array.isArray(input) ? input : [input]) {
      const pixels = host.rgbaInput(rows.length);
      inputs.push(pixels);
      for (let at = 0; at < rows.length; at += PIECE_BYTES) host.pushInput(pixels, rows.slice(at, at + PIECE_BYTES));
    }
    return structuredClone(host[op](...copied, ...inputs));
  } finally {
    for (const pixels of inputs) pixels.free();
  }
};
