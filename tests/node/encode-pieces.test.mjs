// encode() through the package's worker pool, with js/worker.js really running in Node worker threads
// (tests/node/worker-thread.mjs gives it a browser worker's `self`): the caller's pixels go in pieces
// (js/pool.js, PIECE_BYTES), each copied into the worker's wasm as it comes. The file must be the plain
// encode's byte for byte (the same call on this thread's wasm), for an input a whole number of pieces
// long and not, one shorter than a piece, and a format the core build refuses (WebP: the pieces are
// copied out of the core's wasm for the full build), also when there are more pieces than are sent at
// once (PIECES_IN_FLIGHT: the worker hands each buffer back, and a later piece is copied into it); the
// caller's buffer is never detached, a call queued behind another has its pixels copied while it
// waits, an abort while pieces are on their way stops the worker and the next call runs on a new one,
// and a wrong length fails as the plain encode does. A JPEG split over two workers sends each band's
// rows in pieces too: the file is the one the split's steps write when run here in turn. measure() sends
// the original's pixels, then the result's, in pieces (none holding bytes of both): the figures must be
// the plain measure's, errors its errors, and a call queued behind another has its pixels copied.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker as NodeWorker } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { core, module } from '../../js/core.js';
import { PIECE_BYTES, PIECES_IN_FLIGHT, encodeJpegSplit } from '../../js/pool.js';
import { run } from './worker-calls.mjs';
import { root } from '../e2e/support.mjs';

/** A browser-style Worker (onmessage, onerror, postMessage with a transfer list) over a Node thread. */
let onReturned = null; // called with each piece buffer a worker hands back
let threads = 0; // workers started

class ThreadWorker {
  constructor(url) {
    threads++;
    this.thread = new NodeWorker(new URL('./worker-thread.mjs', import.meta.url), { workerData: url.href });
    this.thread.on('message', (data) => {
      if ('returned' in data) onReturned?.(data.returned);
      this.onmessage?.({ data });
    });
    this.thread.on('error', (e) => this.onerror?.({ message: e.message }));
  }

  postMessage(message, transfer) {
    this.thread.postMessage(message, transfer);
  }

  terminate() {
    this.thread.terminate();
  }
}
globalThis.Worker = ThreadWorker;

const api = await import('../../js/node.js');
await api.init({ workers: 1 });
await core.init(readFileSync(join(root, 'pkg', 'pixsqueeze_bg.wasm')));
after(() => api.terminate()); // the threads would keep Node running

/** Photo-like pixels: gradients and noise, opaque. */
function pixels(width, height) {
  const data = new Uint8Array(width * height * 4);
  let s = 0x2545f491;
  for (let i = 0; i < width * height; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    const x = i % width;
    const y = Math.floor(i / width);
    data.set([(x * 255 / width + (s & 15)) & 255, (y * 255 / height) & 255, (s >>> 8) & 255, 255], 4 * i);
  }
  return data;
}

test('a JPEG encoded from pieces is the plain encode, byte for byte; the caller keeps its bytes', async () => {
  // 640 x 410: 1,049,600 bytes, a piece and a bit; 512 x 512: exactly one piece; 100 x 60: under one.
  for (const [width, height] of [[640, 410], [512, 512], [100, 60]]) {
    const rgba = pixels(width, height);
    for (const options of [{ format: 'jpeg', quality: 75 }, { format: 'jpeg', quality: 92, progressive: true }]) {
      const plain = core.encode(rgba.slice(), width, height, options);
      const piecewise = await api.encode(rgba, width, height, options);
      assert.equal(rgba.length, width * height * 4, 'not detached');
      assert.deepEqual(piecewise, plain, `${width} x ${height} ${JSON.stringify(options)}`);
    }
  }
  assert.equal(PIECE_BYTES, 512 * 512 * 4, 'the sizes above straddle a piece');
});

test('pieces of PNG and of WebP (copied out of the core build for the full one) are the plain encode, byte for byte', async () => {
  const [width, height] = [700, 400];
  const rgba = pixels(width, height);
  const png = { format: 'png' };
  assert.deepEqual(await api.encode(rgba, width, height, png), core.encode(rgba.slice(), width, height, png));
  const webp = { format: 'webp', quality: 70 };
  const full = module('full');
  await full.init(readFileSync(join(root, 'pkg', 'pixsqueeze_full_bg.wasm')));
  assert.deepEqual(await api.encode(rgba, width, height, webp), full.encode(rgba.slice(), width, height, webp));
});

test('a call waiting for a worker has its pixels copied: the caller may reuse its buffer meanwhile', async () => {
  const [width, height] = [640, 410];
  const first = pixels(width, height);
  const second = pixels(height, width);
  const plain = core.encode(second.slice(), height, width, { format: 'jpeg' });
  const calls = [api.encode(first, width, height, { format: 'jpeg' }), api.encode(second, height, width, { format: 'jpeg' })];
  // By the next task the second call waits in the pool's queue, behind the first.
  await new Promise((resolve) => { setTimeout(resolve, 0); });
  second.fill(0);
  assert.deepEqual((await Promise.all(calls))[1], plain);
});

test('pieces of the wrong length fail as the plain encode does, and the worker goes on', async () => {
  const rgba = pixels(600, 500);
  const short = rgba.subarray(0, rgba.length - 4);
  const e = await api.encode(short, 600, 500, { format: 'jpeg' }).then(() => null, (err) => err);
  const plain = (() => {
    try {
      core.encode(short.slice(), 600, 500, { format: 'jpeg' });
      return null;
    } catch (err) {
      return err;
    }
  })();
  assert.equal(e?.name, plain?.name);
  assert.equal(e?.message, plain?.message);
  assert.deepEqual(await api.encode(rgba, 600, 500, { format: 'jpeg' }), core.encode(rgba.slice(), 600, 500, { format: 'jpeg' }));
});

test('more pieces than are sent at once: their buffers come back and are filled again; the same bytes', async () => {
  // 1200 x 1000: 4,800,000 bytes, five pieces, the last a short one.
  const [width, height] = [1200, 1000];
  const rgba = pixels(width, height);
  assert.ok(rgba.length > PIECES_IN_FLIGHT * PIECE_BYTES, 'some piece must go in a buffer handed back');
  const returned = [];
  onReturned = (buffer) => returned.push(buffer.byteLength);
  try {
    const jpeg = { format: 'jpeg', quality: 80 };
    assert.deepEqual(await api.encode(rgba, width, height, jpeg), core.encode(rgba.slice(), width, height, jpeg));
    assert.deepEqual(returned, Array(5).fill(PIECE_BYTES), 'every piece\'s whole buffer, short or not, goes back');
    // The core hands the pixels over for the full build after every buffer went back.
    const webp = { format: 'webp', quality: 60 };
    assert.deepEqual(await api.encode(rgba, width, height, webp), module('full').encode(rgba.slice(), width, height, webp));
    assert.equal(rgba.length, width * height * 4, 'not detached');
  } finally {
    onReturned = null;
  }
});

test('an abort while the pieces are on their way stops the worker; the next call runs on a new one', async () => {
  const [width, height] = [1200, 1000];
  const rgba = pixels(width, height);
  const controller = new AbortController();
  onReturned = () => controller.abort();
  const started = threads;
  try {
    const e = await api.encode(rgba, width, height, { format: 'jpeg', signal: controller.signal }).then(() => null, (err) => err);
    assert.equal(e?.name, 'AbortError');
  } finally {
    onReturned = null;
  }
  assert.deepEqual(await api.encode(rgba, width, height, { format: 'jpeg' }), core.encode(rgba.slice(), width, height, { format: 'jpeg' }));
  assert.equal(threads, started + 1, 'the aborted job\'s worker was replaced');
});

test('a JPEG split over two workers gets its bands in pieces: the file the split writes here', async () => {
  // 2400 x 1000: two bands of 4,800,000 bytes, five pieces each, so buffers are handed back mid-band.
  const [width, height] = [2400, 1000];
  const colour = pixels(width, height);
  const gray = colour.slice();
  for (let i = 0; i < gray.length; i += 4) gray.fill(gray[i], i + 1, i + 3);
  api.terminate();
  await api.init({ workers: 2 });
  let returned = 0;
  onReturned = () => { returned++; };
  try {
    // Gray pixels are quantised twice (one component, known once both bands are seen): sent twice.
    for (const [rgba, label] of [[colour, 'colour'], [gray, 'gray']]) {
      const options = { format: 'jpeg', quality: 70 };
      const split = await api.encode(rgba, width, height, { ...options, split: true });
      assert.equal(rgba.length, width * height * 4, 'not detached');
      assert.deepEqual(split, await encodeJpegSplit(run, rgba, width, height, options, 2), label);
      assert.notDeepEqual(split, core.encode(rgba.slice(), width, height, options), `${label}: split, not whole`);
    }
    assert.equal(returned, 3 * 10, 'every piece of every band came back');
  } finally {
    onReturned = null;
    api.terminate();
    await api.init({ workers: 1 });
  }
});

test('measure() on a worker gets both images in pieces: the plain measure\'s figures, the caller keeps its bytes', async () => {
  // 640 x 410: a piece and a bit each; 1200 x 1000: five pieces each, ten in all, the original's last
  // a short one, so buffers come back and are filled again across the two images; 100 x 60: under one.
  const returned = [];
  onReturned = (buffer) => returned.push(buffer.byteLength);
  try {
    for (const [width, height] of [[640, 410], [1200, 1000], [100, 60]]) {
      const original = pixels(width, height);
      const result = core.decode(core.encode(original.slice(), width, height, { format: 'jpeg', quality: 40 })).data;
      returned.length = 0;
      const plain = core.measure(original.slice(), result.slice(), width, height);
      assert.deepEqual(await api.measure(original, result, width, height), plain, `${width} x ${height}`);
      assert.equal(original.length + result.length, 2 * width * height * 4, 'not detached');
      const pieces = 2 * Math.ceil(width * height * 4 / PIECE_BYTES);
      assert.deepEqual(returned, Array(pieces).fill(PIECE_BYTES), `${width} x ${height}: no piece holds bytes of both`);
    }
  } finally {
    onReturned = null;
  }
});

test('a measure of the wrong length or size in pieces fails as the plain measure does; one waiting for a worker has its pixels copied', async () => {
  const a = pixels(300, 200);
  const b = core.decode(core.encode(a.slice(), 300, 200, { format: 'jpeg', quality: 50 })).data;
  for (const [x, y, w, h] of [[a.subarray(4), b, 300, 200], [a, b.subarray(0, 8), 300, 200], [a, b, 200, 150], [a, b, 300, 100]]) {
    const e = await api.measure(x, y, w, h).then(() => null, (err) => err);
    const plain = (() => {
      try {
        core.measure(x.slice(), y.slice(), w, h);
        return null;
      } catch (err) {
        return err;
      }
    })();
    assert.equal(e?.name, plain?.name ?? 'no error');
    assert.equal(e?.message, plain?.message);
  }
  const plain = core.measure(a.slice(), b.slice(), 300, 200);
  const calls = [api.measure(a, b, 300, 200), api.measure(a, b, 300, 200)];
  // By the next task the second call waits in the pool's queue, behind the first.
  await new Promise((resolve) => { setTimeout(resolve, 0); });
  const kept = b.slice();
  b.fill(0);
  assert.deepEqual(await Promise.all(calls), [plain, plain]);
  b.set(kept);
});
