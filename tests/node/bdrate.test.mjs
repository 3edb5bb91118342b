// The benchmark's BD-rate: known answers for curves whose gap is exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bdRate, polyfit } from '../../bench/bdrate.mjs';

test('polyfit recovers a cubic exactly', () => {
  const xs = [20, 35, 50, 65, 80];
  const f = (x) => 1 - 0.5 * x + 0.02 * x * x - 1e-4 * x ** 3;
  const fit = polyfit(xs, xs.map(f), 3);
  const at = (x) => fit.coef.reduce((s, c, i) => s + c * ((x - fit.mean) / fit.scale) ** i, 0);
  for (const x of [25, 50, 77]) assert.ok(Math.abs(at(x) - f(x)) < 1e-9);
});

test('a codec needing 10 % fewer bits everywhere scores -10 %', () => {
  const anchor = [30, 40, 50, 60, 70].map((q) => ({ quality: q, rate: Math.exp(q / 20) }));
  const test10 = anchor.map((p) => ({ quality: p.quality, rate: p.rate * 0.9 }));
  assert.ok(Math.abs(bdRate(anchor, test10) + 0.1) < 1e-9);
  assert.ok(Math.abs(bdRate(anchor, anchor)) < 1e-12);
});

test('no answer without four points or a shared quality range', () => {
  const a = [1, 2, 3, 4].map((q) => ({ quality: q, rate: q }));
  assert.equal(bdRate(a.slice(1), a), null);
  assert.equal(bdRate(a, a.map((p) => ({ quality: p.quality + 10, rate: p.rate }))), null);
});
