// Arguments at the package's boundary (issue 17): input from another realm is taken as this realm's is,
// and anything outside the documented types is refused with an InvalidInput saying what was wrong —
// never coerced (a width of 2³²+1 wrapped to 1, 1.9 truncated to 1) nor escaping as a TypeError. Node's
// vm contexts are realms of their own, as an iframe's window is in a browser (tests/e2e/api-checks.mjs
// checks the iframe itself).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { photoLikePng } from '../e2e/support.mjs';

const px = await import('../../js/node.js');
const png = photoLikePng(32, 24);
const rgba = new Uint8Array(4 * 4 * 4).fill(200);

/** The rejection's name and message, or 'resolved'. */
const outcome = (promise) => promise.then(() => 'resolved', (e) => `${e.name}: ${e.message}`);

test('an ArrayBuffer and a Uint8Array from another realm are taken', async () => {
  const other = runInNewContext('({ ArrayBuffer, Uint8Array })');
  const view = new other.Uint8Array(png.length);
  view.set(png);
  assert.equal(view instanceof Uint8Array, false, 'really another realm');
  assert.equal(view.buffer instanceof ArrayBuffer, false, 'really another realm');
  for (const input of [view.buffer, view, new other.Uint8Array(view.buffer, 0, png.length)]) {
    const r = await px.compress(input, { format: 'jpeg' });
    assert.equal(r.format, 'jpeg');
    assert.deepEqual([r.width, r.height], [32, 24]);
  }
  const pixels = await px.decode(view.buffer);
  const again = new other.Uint8Array(pixels.data.length);
  again.set(pixels.data);
  const file = await px.encode(again.buffer, 32, 24, { format: 'png' });
  assert.deepEqual([...file.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.equal((await px.measure(again, pixels.data, 32, 24)).mse, 0);
});

test('dimensions are never wrapped or truncated: encode and measure refuse them', async () => {
  for (const bad of [2 ** 32 + 1, 2 ** 32, 1.9, 0, -1, NaN, Infinity, '4', 4n, null, undefined]) {
    const encoded = await outcome(px.encode(rgba, bad, 4, { format: 'png' }));
    assert.match(encoded, /^InvalidInput: width must be a whole number of pixels from 1 to 4294967295, got /, String(bad));
    const height = await outcome(px.encode(rgba, 4, bad, { format: 'png' }));
    assert.match(height, /^InvalidInput: height must be a whole number/, String(bad));
    const measured = await outcome(px.measure(rgba, rgba, bad, 4));
    assert.match(measured, /^InvalidInput: width must be a whole number/, String(bad));
  }
  // A buffer the right size for what 2³²+1 would wrap to (1) is still refused.
  assert.match(await outcome(px.encode(new Uint8Array(4), 2 ** 32 + 1, 1, { format: 'png' })), /^InvalidInput: width/);
  assert.equal(await outcome(px.encode(rgba, 4, 4, { format: 'png' })), 'resolved');
});

test('wrong kinds of options, signal, input and list are InvalidInput saying what was wrong', async () => {
  const cases = {
    'options: null': [px.compress(png, null), /^InvalidInput: options must be an object .*got null$/],
    'options: a string': [px.compress(png, 'jpeg'), /^InvalidInput: options must be an object .*got a string$/],
    'decode options: 5': [px.decode(png, 5), /^InvalidInput: options must be an object .*got number 5$/],
    'signal: 5': [px.compress(png, { format: 'jpeg', signal: 5 }), /^InvalidInput: signal must be an AbortSignal, got number 5$/],
    'signal: {}': [px.compress(png, { format: 'jpeg', signal: {} }), /^InvalidInput: signal must be an AbortSignal, got an Object$/],
    'onprogress: a function': [px.compress(png, { format: 'jpeg', onprogress: () => {} }), /^InvalidInput: unknown option onprogress \(did you mean onProgress\?\)/],
    'onProgress: 1': [px.compress(png, { format: 'jpeg', onProgress: 1 }), /^InvalidInput: onProgress must be a function/],
    'onEncoded: 1': [px.compress(png, { format: 'jpeg', onEncoded: 1 }), /^InvalidInput: onEncoded must be a function/],
    'input: a string': [px.compress('photo.png', { format: 'jpeg' }), /^InvalidInput: input must be a File, Blob, ArrayBuffer or Uint8Array, got a string$/],
    'input: null': [px.decode(null), /^InvalidInput: input must be .*got null$/],
    'compressAll(5)': [px.compressAll(5, { format: 'jpeg' }), /^InvalidInput: compressAll takes a list .*got number 5$/],
    'compressAll(null)': [px.compressAll(null, { format: 'jpeg' }), /^InvalidInput: compressAll takes a list .*got null$/],
    'formats(null)': [px.formats(null), /^InvalidInput: options must be an object/],
  };
  for (const [what, [promise, expected]] of Object.entries(cases)) assert.match(await outcome(promise), expected, what);
});

test('a detached ArrayBuffer is InvalidInput, not a TypeError', async () => {
  const gone = Uint8Array.from(png).buffer;
  const view = new Uint8Array(gone);
  structuredClone(gone, { transfer: [gone] });
  assert.equal(gone.byteLength, 0);
  for (const input of [gone, view]) {
    assert.match(await outcome(px.compress(input, { format: 'jpeg' })), /^InvalidInput: input's ArrayBuffer is detached/);
  }
  assert.match(await outcome(px.encode(gone, 1, 1, { format: 'png' })), /^InvalidInput: rgba's ArrayBuffer is detached/);
});

test('compressAll takes any iterable, and a Blob', async () => {
  const set = new Set([png, new Blob([png])]);
  const items = await px.compressAll(set, { format: 'jpeg' });
  assert.deepEqual(items.map((i) => i.status), ['fulfilled', 'fulfilled']);
});

test('decode takes limits, checked as compress checks them', async () => {
  assert.match(await outcome(px.decode(png, { limits: { maxPixels: 100 } })), /^LimitExceeded: /);
  assert.match(await outcome(px.decode(png, { limits: { maxPixel: 100 } })), /^InvalidInput: unknown option limits\.maxPixel/);
  assert.match(await outcome(px.decode(png, { quality: 80 })), /^InvalidInput: unknown option quality; decode takes limits/);
  assert.deepEqual(Object.keys(await px.decode(png, { limits: { maxPixels: 32 * 24 } })), ['width', 'height', 'data']);
});
