// The npm package in a plain page with no bundler, installed from the `npm pack` tarball and served under
// a strict CSP: the public API end to end in headless Chromium, worker recovery after a wasm trap, and
// init() with a wasm URL of the host's choosing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, corpusFile, photoLikePng, root } from './support.mjs';
import { assertClean, installApp, openPage, pack, serveStatic } from './consumer.mjs';
import * as checks from './api-checks.mjs';

const png = photoLikePng(320, 240);
let env;
let app;
let server;
let ctx;

before(async () => {
  const { tarball } = pack();
  app = installApp(join(root, 'tests', 'e2e', 'plain-page'), 'plain-page', tarball);
  writeFileSync(join(app, 'photo.png'), png);
  server = await serveStatic(app);
  env = await launch();
  ctx = await openPage(env.browser, `${server.origin}/`);
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
test('errors carry their stable names', () => checks.errors(ctx.page, png));
test('a misspelt option name is rejected', () => checks.unknownOption(ctx.page, png));
test('compressAll reports progress and survives a bad file', () => checks.batch(ctx.page, png));
test('abort terminates the running worker; the next job succeeds', () => checks.abort(ctx.page, ctx.nextWorkerClose, png));
test('mainThread mode', () => checks.mainThread(ctx.page, png));

test('a worker whose wasm trapped is replaced and the next job succeeds', async () => {
  const closed = ctx.nextWorkerClose();
  const workersBefore = ctx.seen.workers;
  const out = await ctx.page.evaluate(async () => {
    // The pool is internal, so the trap (a test-only wasm export) is driven through it directly, with one
    // worker so that the next job must run on its replacement.
    const { WorkerPool } = await import('./node_modules/pixsqueeze/js/pool.js');
    const wasm = await WebAssembly.compileStreaming(fetch('./node_modules/pixsqueeze/pkg/pixsqueeze_bg.wasm'));
    const pool = new WorkerPool({ wasm, size: 1 });
    const trap = await pool.run('__trapForTests', []).then(() => null, (e) => ({ name: e.name, message: e.message }));
    const formats = await pool.run('formats', []);
    pool.terminate();
    return { trap, formats: formats.length };
  });
  assert.equal(out.trap?.name, 'RuntimeError');
  assert.match(out.trap.message, /crashed .*unreachable.*replaced/);
  await closed;
  assert.ok(out.formats > 0, 'the next job succeeded');
  assert.equal(ctx.seen.workers - workersBefore, 2, 'a fresh worker ran the next job');
});

test('nothing left 127.0.0.1, no CSP violation, no console error', () => assertClean(assert, ctx, server.origin));

test('init({ module_or_path }) loads the wasm from where the host says', async () => {
  mkdirSync(join(app, 'elsewhere'), { recursive: true });
  copyFileSync(join(app, 'node_modules', 'pixsqueeze', 'pkg', 'pixsqueeze_bg.wasm'), join(app, 'elsewhere', 'engine.wasm'));
  const fresh = await openPage(env.browser, `${server.origin}/`);
  const r = await fresh.page.evaluate(async () => {
    await window.pixsqueeze.init({ module_or_path: new URL('/elsewhere/engine.wasm', location.href), workers: 1 });
    return (await window.pixsqueeze.compress(new Uint8Array(await (await fetch('/photo.png')).arrayBuffer()), { format: 'png' })).format;
  });
  assert.equal(r, 'png');
  const wasm = fresh.seen.requests.filter((u) => u.endsWith('.wasm')).map((u) => new URL(u).pathname);
  assert.deepEqual(wasm, ['/elsewhere/engine.wasm'], 'only the chosen wasm was fetched, once');
  await assertClean(assert, fresh, server.origin);
  await fresh.page.close();
});
