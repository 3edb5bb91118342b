// What `npm pack` ships: exactly the files a user needs, under licences we may ship, with notices that
// match the crates compiled into the wasm. Sizes are printed (for the release note); the core's limit is size.test.mjs's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { root } from '../e2e/support.mjs';
import { pack } from '../e2e/consumer.mjs';
import { licenceTexts, noticesFile, notices, shippedCrates } from '../../scripts/notices.mjs';

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

// The wasm builds of wasm-pack.toml, as scripts/build.mjs listed them: core first, then the ladder.
const builds = JSON.parse(readFileSync(join(root, 'pkg', 'modules.json'), 'utf8'));

test('the tarball holds exactly the wasm and glue of every build, the wrapper, types, README and licences', () => {
  const { files, size, unpackedSize, tarball } = pack();
  const paths = files.map((f) => f.path).sort();
  assert.deepEqual(builds.map((b) => b.name).slice(0, 2), ['core', 'full']);
  assert.deepEqual(paths, [
    'LICENSE-APACHE', 'LICENSE-MIT', 'README.md', 'THIRD-PARTY-NOTICES.md',
    'js/api.js', 'js/core.js', 'js/index.d.ts', 'js/index.js', 'js/node.js', 'js/options.d.ts', 'js/pool.js', 'js/worker.js',
    'package.json', 'pkg/modules.js', ...builds.flatMap((b) => [`pkg/${b.glue}`, `pkg/${b.wasm}`]),
  ].sort());
  console.log(`  ${tarball}: ${kib(size)} packed, ${kib(unpackedSize)} unpacked`);
  for (const f of files) console.log(`    ${f.path.padEnd(26)} ${String(f.size).padStart(8)} bytes`);
  for (const [i, b] of builds.entries()) {
    const wasm = readFileSync(join(root, 'pkg', b.wasm));
    console.log(`  the ${b.name} wasm (${i ? 'on demand' : 'always'}) a browser downloads: ${kib(wasm.length)}, ${kib(gzipSync(wasm, { level: 9 }).length)} gzipped`);
  }
});

test('package.json points every entry at shipped files', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'pixsqueeze');
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.exports['./wasm'], './pkg/pixsqueeze_bg.wasm');
  // Every larger build as `pixsqueeze/wasm-<build>`, e.g. `pixsqueeze/wasm-full`.
  assert.equal(pkg.exports['./wasm-*'], './pkg/pixsqueeze_*_bg.wasm');
  for (const b of builds.slice(1)) assert.equal(b.wasm, `pixsqueeze_${b.name}_bg.wasm`, `pixsqueeze/wasm-${b.name} resolves to ${b.wasm}`);
  assert.deepEqual(pkg.exports['.'], { types: './js/index.d.ts', node: './js/node.js', default: './js/index.js' });
  assert.equal(pkg.dependencies, undefined, 'no runtime dependencies');
});

test('THIRD-PARTY-NOTICES.md is current and holds every shipped crate\'s notice and licence text, libwebp\'s, and the IJG notice', () => {
  // No skip: cargo is what built the wasm this test runs after, and a notice file that cannot be
  // checked is not known to be complete.
  const crates = shippedCrates();
  const text = readFileSync(noticesFile, 'utf8');
  assert.equal(text, notices(crates), 'THIRD-PARTY-NOTICES.md is stale: run `npm run notices` and commit it');
  assert.match(text, /this software is based in part on the work of the Independent JPEG Group/);
  assert.ok(crates.some((c) => c.platforms.includes('wasm')) && crates.some((c) => c.platforms.includes('cli')), 'both the wasm and the CLI are covered');
  for (const c of crates) {
    const { texts, missing } = licenceTexts(c);
    assert.deepEqual(missing, [], `${c.name} ${c.version}: a licence text for every part of "${c.license}"`);
    assert.ok(texts.length > 0, `${c.name} ${c.version} has a licence text`);
    assert.ok(text.includes(`| ${c.name} | ${c.version} |`), `${c.name} ${c.version} is listed`);
    for (const { text: licence } of texts) assert.ok(text.includes(licence), `${c.name} ${c.version}: its licence text is in the file`);
    // MIT and BSD texts carry the copyright notice the licence asks to keep with it.
    for (const { text: licence } of texts.filter((x) => /Permission is hereby granted|Redistribution and use/.test(x.text))) {
      assert.match(licence, /copyright/i, `${c.name} ${c.version}: its notice names the copyright holder`);
    }
    if (c.compilesC) {
      assert.ok(texts.some((x) => /C code compiled in/.test(x.source)), `${c.name}: the licence of the C code it compiles in`);
    }
  }
  // libwebp's C code is in the full module (through libwebp-sys): its BSD licence, in full, and its patent grant.
  assert.ok(crates.some((c) => c.name === 'libwebp-sys' && c.compilesC), 'libwebp-sys is found, compiling C');
  assert.match(text, /Copyright \(c\) 2010, Google Inc\. All rights reserved\.[^]*Neither the name of Google nor the names of its contributors/);
  assert.match(text, /Additional IP Rights Grant \(Patents\)/);
  const copyleft = crates.filter((c) => /\b(A|L)?GPL\b/i.test(c.license));
  assert.deepEqual(copyleft, [], 'no GPL-family licence in what ships');
});

test('README documents installing, every environment, errors, limits and notices', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const heading of ['## Install', '### In a plain page', '### With a bundler', '### In Node', '### In a worker of your own',
    '### Options', '### Errors', '### Limits', '## Third-party notices']) {
    assert.ok(readme.includes(`\n${heading}`), `README.md has a "${heading}" section`);
  }
  for (const name of ['DecodeError', 'EncodeError', 'InvalidInput', 'LimitExceeded', 'Unsupported', 'AbortError', 'RuntimeError', 'WorkerError']) {
    assert.ok(readme.includes(`\`${name}\``), `README.md documents ${name}`);
  }
  assert.match(readme, /this software is based in part on the work of the Independent JPEG Group/);
});

test('the browser entry imports nothing from Node', () => {
  for (const f of ['index.js', 'api.js', 'core.js', 'pool.js', 'worker.js']) {
    assert.doesNotMatch(readFileSync(join(root, 'js', f), 'utf8'), /from 'node:/, `js/${f}`);
  }
  assert.doesNotMatch(execFileSync('git', ['ls-files', 'pkg', 'dist', 'node_modules'], { cwd: root, encoding: 'utf8' }), /./, 'no build output in git');
});
