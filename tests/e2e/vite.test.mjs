// The npm package in a Vite production build: a small app (tests/vite-app) gets the `npm pack` tarball
// installed as a user's app would, `vite build` bundles it with no configuration, and the built dist/ runs
// under a strict CSP in the engine E2E_ENGINE names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
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
  app = installApp(join(root, 'tests', 'vite-app'), 'vite-app', tarball);
  execFileSync(process.execPath, [join(app, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: app, stdio: 'inherit' });
  const assets = join(app, 'dist', 'assets');
  for (const f of readdirSync(assets)) console.log(`  dist/assets/${f}: ${statSync(join(assets, f)).size} bytes`);
  writeFileSync(join(app, 'photo.png'), png);
  server = await serveStatic(join(app, 'dist'));
  env = await launch();
  ctx = await openPage(env, `${server.origin}/`);
});
after(async () => {
  await env?.close();
  await server?.close();
});

test('the build bundles the worker and emits the wasm as an asset', () => {
  const files = readdirSync(join(app, 'dist', 'assets'));
  assert.ok(files.some((f) => f.endsWith('.wasm')), 'a .wasm asset');
  assert.ok(files.some((f) => /^worker-.*\.js$/.test(f)), 'a bundled worker');
});
test('a person picks a file and gets a JPEG', async () => {
  await checks.pickFile(ctx.page, join(app, 'photo.png'));
  const photo = corpusFile('photos/kodim23.png');
  if (photo) await checks.pickFile(ctx.page, photo);
});
test('compress on File, Blob, ArrayBuffer and Uint8Array', () => checks.compressInputs(ctx.page, png));
test('decode, encode, measure and formats', () => checks.rawApi(ctx.page, png));
test('input from another realm (an iframe) is taken', () => checks.crossRealm(ctx.page, png));
test('errors carry their stable names', () => checks.errors(ctx.page, png));
test('compressAll reports progress and survives a bad file', () => checks.batch(ctx.page, png));
test('abort terminates the running worker; the next job succeeds', () => checks.abort(ctx.page, png));
test('mainThread mode', () => checks.mainThread(ctx.page, png));
test('nothing left 127.0.0.1, no CSP violation, no console error', () => assertClean(assert, ctx, server.origin));
