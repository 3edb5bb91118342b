// The wasm calls of a split (js/pool.js, encodeJpegSplit and encodePngSplit) run here in turn as a pool's
// worker runs them, for the split tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { climb, core } from '../../js/core.js';
import { root } from '../e2e/support.mjs';

await core.init(readFileSync(join(root, 'pkg', 'pixsqueeze_bg.wasm')));

/** The full build's wasm, which holds the splits. */
export const fullBuild = () => readFileSync(join(root, 'pkg', 'pixsqueeze_full_bg.wasm'));

/**
 * As a worker takes a job: a copy of the arguments (structuredClone, moving what is transferred), the call
 * (on the core build, which answers NeedsFullModule for a split's steps, then on the full build), a copy
 * of the result. Every call runs on the one full instance, which holds a JPEG's bands between its steps.
 */
export const run = async (op, args, transfer) => {
  const copied = structuredClone(args, { transfer });
  return structuredClone(await climb((instance) => instance[op](...copied), async (name) => {
    assert.equal(name, 'full', `${op} asks for the full build`);
    return fullBuild();
  }));
};
