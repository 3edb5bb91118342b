// The npm package in a plain page with no bundler, installed from the `npm pack` tarball and served under
// a strict CSP: the public API end to end in the engine E2E_ENGINE names, worker recovery after a wasm
// trap, and init() with a wasm URL of the host's choosing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { launch, corpusFile, photoLikePng, root } from './support.mjs';
import { assertClean, b64, installApp, openPage, pack, serveStatic } from './consumer.mjs';
import * as checks from './api-checks.mjs';

const png = photoLikePng(320, 240);
const testHooksWasm = join(root, 'target', 'test-hooks', 'pixsqueeze_bg.wasm');
// `node scripts/build.mjs --test-hooks` makes it (scripts/test.sh does); required where tools are.
const noTestHooks = !existsSync(testHooksWasm) && process.env.CI !== 'true' && process.env.PIXSQUEEZE_REQUIRE_TOOLS !== '1'
  && 'SKIP: target/test-hooks/ is not built (node scripts/build.mjs --test-hooks)';
let env;
let app;
let server;
let ctx;

/** The full module called directly in Node, as the single module of earlier versions was: the reference. */
async function fullReference() {
  const glue = await import(pathToFileURL(join(root, 'pkg', 'pixsqueeze_full.js')).href);
  await glue.default({ module_or_path: readFileSync(join(root, 'pkg', 'pixsqueeze_full_bg.wasm')) });
  return glue;
}

before(async () => {
  const { tarball } = pack();
  app = installApp(join(root, 'tests', 'e2e', 'plain-page'), 'plain-page', tarball);
  writeFileSync(join(app, 'photo.png'), png);
  // The core build with its test hooks (a trap and a panic on demand), which the shipped wasm lacks.
  if (existsSync(testHooksWasm)) copyFileSync(testHooksWasm, join(app, 'test-hooks.wasm'));
  server = await serveStatic(app);
  env = await launch();
  ctx = await openPage(env, `${server.origin}/`);
});
after(async () => {
  await env?.close();
  await server?.close();
});

test('a person picks a file and gets a JPEG', async () => {
  await checks.pickFile(ctx.page, join(app, 'photo.png'));
  const photo = corpusFile('photos/camera-canon-eos-450d-12mp.jpg');
  if (photo) await checks.pickFile(ctx.page, photo);
});
test('compress on File, Blob, ArrayBuffer and Uint8Array', () => checks.compressInputs(ctx.page, png));
test('decode, encode, measure and formats', () => checks.rawApi(ctx.page, png));
test('input from another realm (an iframe) is taken', () => checks.crossRealm(ctx.page, png));
test('errors carry their stable names', () => checks.errors(ctx.page, png));
test('a misspelt option name is rejected', () => checks.unknownOption(ctx.page, png));
test('compressAll reports progress and survives a bad file', () => checks.batch(ctx.page, png));
test('onEncoded hands over the file before its scores', () => checks.encodedEarly(ctx.page, png));
test('abort terminates the running worker; the next job succeeds', () => checks.abort(ctx.page, png));
test('mainThread mode', () => checks.mainThread(ctx.page, png));
test('encode() splits a large JPEG over two workers, same pixels', () => checks.splitEncode(ctx.page));
test('encode() splits a large lossless PNG over two workers, same pixels', () => checks.pngSplitEncode(ctx.page));
test('measure() splits SSIMULACRA2\'s tiles over two workers, same figures', () => checks.splitMeasure(ctx.page));

test('a worker whose wasm trapped is replaced and the next job succeeds; a panic\'s message is in the error', { skip: noTestHooks }, async () => {
  const before = await ctx.page.workers();
  const out = await ctx.page.evaluate(async () => {
    // The pool is internal, so the trap and the panic (test-only exports of the test build, not in the
    // shipped wasm) are driven through it directly, with one worker so that each next job must run on a
    // replacement. The shipped glue instantiates the test build as it does the shipped one.
    const { WorkerPool } = await import('./node_modules/pixsqueeze/js/pool.js');
    const wasm = await WebAssembly.compileStreaming(fetch('./test-hooks.wasm'));
    const pool = new WorkerPool({ wasm, size: 1 });
    const failure = (p) => p.then(() => null, (e) => ({ name: e.name, message: e.message }));
    const trap = await failure(pool.run('__trapForTests', []));
    const formats = await pool.run('formats', []);
    const panic = await failure(pool.run('__panicForTests', []));
    const again = await pool.run('formats', []);
    pool.terminate();
    const shipped = await WebAssembly.compileStreaming(fetch('./node_modules/pixsqueeze/pkg/pixsqueeze_bg.wasm'));
    const shippedPool = new WorkerPool({ wasm: shipped, size: 1 });
    const absent = await failure(shippedPool.run('__trapForTests', []));
    shippedPool.terminate();
    return { trap, panic, absent, formats: formats.length, again: again.length };
  });
  assert.equal(out.trap?.name, 'RuntimeError');
  assert.match(out.trap.message, /crashed .*unreachable.*replaced/i); // WebKit says "Unreachable code"
  assert.equal(out.panic?.name, 'RuntimeError');
  assert.match(out.panic.message, /panicked at src\/wasm\.rs:\d+:\d+:\s+a panic on purpose \(test hook\): 2 \+ 2 = 4/);
  assert.match(out.panic.message, /replaced/);
  assert.equal(out.absent?.name, 'Unsupported', 'the shipped wasm has no test hook');
  const after = await ctx.page.workers();
  assert.ok(out.formats > 0 && out.again > 0, 'the next jobs succeeded');
  assert.equal(after.started - before.started, 4, 'a fresh worker ran each next job (and one the shipped build)');
  assert.equal(after.terminated - before.terminated, 4, 'both trapped workers were dropped (and the others at the end)');
});

test('a JPEG job fetches only the core wasm; WebP and sRGB conversion fetch the full one once, same results', async () => {
  const fresh = await openPage(env, `${server.origin}/`);
  const wasmFetched = async () => (await fresh.page.requests()).filter((u) => u.endsWith('.wasm')).map((u) => new URL(u).pathname.split('/').pop());
  const run = (bytes, options) => fresh.page.evaluate(async ({ b64, options }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const r = await window.pixsqueeze.compress(bytes, options);
    let binary = '';
    for (let i = 0; i < r.data.length; i += 0x8000) binary += String.fromCharCode(...r.data.subarray(i, i + 0x8000));
    return { format: r.format, data: btoa(binary) };
  }, { b64: b64(bytes), options });

  const jpeg = await run(png, { format: 'jpeg', quality: 70 });
  assert.equal(jpeg.format, 'jpeg');
  assert.deepEqual(await wasmFetched(), ['pixsqueeze_bg.wasm'], 'a JPEG job needs only the core module');

  const full = await fullReference();
  const webp = await run(png, { format: 'webp' });
  assert.equal(webp.format, 'webp');
  assert.equal(webp.data, b64(full.compress(png, { format: 'webp' }).data), 'the same WebP as the full module makes');
  const webpBytes = Buffer.from(webp.data, 'base64');
  const fromWebp = await run(webpBytes, { format: 'png', mainThread: true });
  assert.equal(fromWebp.data, b64(full.compress(webpBytes, { format: 'png' }).data), 'WebP input, on the main thread too');
  const p3 = corpusFile('special/icc-displayp3-orientation6-iphone7-12mp.jpg');
  if (p3) {
    const bytes = readFileSync(p3);
    const options = { format: 'jpeg', quality: 60, maxWidth: 400, colorProfile: 'srgb' };
    assert.equal((await run(bytes, options)).data, b64(full.compress(bytes, options).data), 'Display-P3 converted to sRGB');
  } else {
    console.log('  SKIP Display-P3 photo: ../shared/corpus is absent');
  }
  assert.deepEqual(await wasmFetched(), ['pixsqueeze_bg.wasm', 'pixsqueeze_full_bg.wasm'], 'the full module is fetched once, when needed');
  await assertClean(assert, fresh, server.origin);
  await fresh.page.close();
});

test('nothing left 127.0.0.1, no CSP violation, no console error', () => assertClean(assert, ctx, server.origin));

test('init({ module_or_path, full_module_or_path }) loads each build from where the host says', async () => {
  mkdirSync(join(app, 'elsewhere'), { recursive: true });
  copyFileSync(join(app, 'node_modules', 'pixsqueeze', 'pkg', 'pixsqueeze_bg.wasm'), join(app, 'elsewhere', 'engine.wasm'));
  copyFileSync(join(app, 'node_modules', 'pixsqueeze', 'pkg', 'pixsqueeze_full_bg.wasm'), join(app, 'elsewhere', 'engine-full.wasm'));
  const fresh = await openPage(env, `${server.origin}/`);
  const r = await fresh.page.evaluate(async () => {
    await window.pixsqueeze.init({
      module_or_path: new URL('/elsewhere/engine.wasm', location.href),
      full_module_or_path: new URL('/elsewhere/engine-full.wasm', location.href),
      workers: 1,
    });
    const bytes = new Uint8Array(await (await fetch('/photo.png')).arrayBuffer());
    const png = (await window.pixsqueeze.compress(bytes, { format: 'png' })).format;
    const webp = (await window.pixsqueeze.compress(bytes, { format: 'webp' })).format;
    return [png, webp];
  });
  assert.deepEqual(r, ['png', 'webp']);
  const wasm = (await fresh.page.requests()).filter((u) => u.endsWith('.wasm')).map((u) => new URL(u).pathname);
  assert.deepEqual(wasm, ['/elsewhere/engine.wasm', '/elsewhere/engine-full.wasm'], 'only the chosen wasm was fetched, each once');
  await assertClean(assert, fresh, server.origin);
  await fresh.page.close();
});
