// The typings cannot drift from the Rust core: js/options.d.ts and the README's option table must be
// exactly what scripts/gen-types.mjs makes from the built wasm's formats(), and index.d.ts must compile
// with a usage file that exercises every public function and the mistakes the types must reject.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromWasm, readmeFile, spliceReadme, typesFile } from '../../scripts/gen-types.mjs';
import { root } from '../e2e/support.mjs';

const stale = 'is stale against the wasm meta: run `npm run types` and commit the result';

test('js/options.d.ts is generated from the current formats() meta', async () => {
  const { types } = await fromWasm();
  assert.equal(readFileSync(typesFile, 'utf8'), types, `js/options.d.ts ${stale}`);
});

test("the README's option table is generated from the current formats() meta", async () => {
  const { readmeSection } = await fromWasm();
  const readme = readFileSync(readmeFile, 'utf8');
  assert.equal(readme, spliceReadme(readme, readmeSection), `README.md's option table ${stale}`);
});

test('index.d.ts compiles with strict tsc against a usage file, and rejects misuse', () => {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(root, 'tests', 'node', 'tsconfig.json')], { encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});
