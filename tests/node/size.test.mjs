// The first module the page and the package load stays small (issue 12: "the first module the page
// loads stays ≤ 250 KB gzipped"). KB here is 1000 bytes, the stricter reading, and gzipped means
// `gzip -9`. Every build's raw and gzipped size is printed, so a change's cost is visible in the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { root } from '../e2e/support.mjs';

const CORE_GZIP_LIMIT = 250_000;

// The wasm builds of wasm-pack.toml, as scripts/build.mjs listed them: core (loaded first) first.
const builds = JSON.parse(readFileSync(join(root, 'pkg', 'modules.json'), 'utf8'));

test(`the core wasm module is at most ${CORE_GZIP_LIMIT} bytes gzipped (gzip -9); every module's size printed`, () => {
  const sizes = builds.map((b) => {
    const wasm = readFileSync(join(root, 'pkg', b.wasm));
    const gz = gzipSync(wasm, { level: 9 }).length;
    console.log(`  ${b.name.padEnd(6)} pkg/${b.wasm.padEnd(28)} ${String(wasm.length).padStart(8)} bytes raw (${(wasm.length / 1024).toFixed(1)} KiB), ${String(gz).padStart(7)} bytes gzipped (${(gz / 1024).toFixed(1)} KiB)`);
    return { name: b.name, raw: wasm.length, gz };
  });
  assert.equal(sizes[0].name, 'core', 'the first build is the one loaded first');
  assert.ok(sizes[0].gz <= CORE_GZIP_LIMIT,
    `the core module is ${sizes[0].gz} bytes gzipped, over ${CORE_GZIP_LIMIT}: move what grew it to a build loaded on demand (README, "Builds"), or make it smaller`);
});
