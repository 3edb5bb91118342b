// The npm package in Node 20+: the `npm pack` tarball installed into a scratch project, then compress on
// a Buffer read from disk, in a process with every browser global removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusFile, photoLikePng } from '../e2e/support.mjs';
import { pack, scratch } from '../e2e/consumer.mjs';

function installTarball() {
  const dir = scratch('node-app');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'node-app', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '--loglevel=error', pack().tarball], { cwd: dir, stdio: 'inherit' });
  for (const f of ['consumer.mjs', 'no-browser-globals.mjs']) copyFileSync(join(import.meta.dirname, f), join(dir, f));
  return dir;
}

const dir = installTarball();

function run(photo) {
  const out = execFileSync(process.execPath, ['--import', './no-browser-globals.mjs', 'consumer.mjs', photo], { cwd: dir, encoding: 'utf8' });
  return JSON.parse(out);
}

function check(report, width, height) {
  const r = report.result;
  assert.deepEqual(r.data, [0xff, 0xd8, 0xff]);
  assert.equal(r.mimeType, 'image/jpeg');
  assert.deepEqual([r.width, r.height], [width, height]);
  assert.equal(r.options.quality, 60);
  assert.ok(r.psnr > 20 && r.mse > 0 && r.ratio > 1);
  assert.equal(r.hasBlob, false, 'no Blob in Node');
  const d = report.decoded; // a thumbnail, once the core resizes (maxWidth: 96)
  assert.ok(d.width <= width && d.height <= height && d.length === d.width * d.height * 4);
  assert.deepEqual(report.png, [0x89, 0x50, 0x4e, 0x47]);
  assert.ok(report.formats.includes('jpeg') && report.formats.includes('png'));
  assert.deepEqual(report.batch, ['fulfilled', 'rejected']);
  assert.deepEqual(report.progress, [1, 2]);
  assert.deepEqual(report.errors, { notAnImage: 'DecodeError', aborted: 'AbortError' });
  if (report.measure === 'Unsupported') console.log('  SKIP measure: this wasm build has no measure() yet');
  else assert.equal(report.measure.mse, 0);
  console.log(`  node: ${r.width}×${r.height}, ${r.originalBytes} → ${r.compressedBytes} bytes, PSNR ${r.psnr.toFixed(2)} dB`);
}

test('compress a PNG made in code, from a Buffer on disk', () => {
  const photo = join(dir, 'photo.png');
  writeFileSync(photo, photoLikePng(320, 240));
  check(run(photo), 320, 240);
});

test('compress a photo from the shared corpus', () => {
  const photo = corpusFile('photos/kodim23.png');
  if (!photo) return;
  check(run(photo), 768, 512);
});
