// The page's scheduler (www/scheduler.js), without a browser: background work never takes the view's
// slot, when the page finds its frames late one background job fewer runs from then on, and while an
// estimate is wanted one background job at most runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRIORITY, Scheduler, defaultSlots } from '../../www/scheduler.js';

/** A job that runs until `finish(key)`; `running` lists what runs now. */
function harness(slots) {
  const ends = new Map();
  const running = new Set();
  const done = [];
  const scheduler = new Scheduler({ slots, onDone: (job) => done.push(job.key) });
  const job = (key, priority) => ({
    key, priority,
    run: (signal) => new Promise((resolve, reject) => {
      running.add(key);
      ends.set(key, () => { running.delete(key); resolve(key); });
      signal.addEventListener('abort', () => { running.delete(key); reject(new Error('aborted')); });
    }),
  });
  const finish = async (key) => {
    ends.get(key)();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { scheduler, job, running, done, finish, tick: () => new Promise((r) => setTimeout(r, 0)) };
}

test('slots for the cores the page measured: one per core but one, from two to four', () => {
  // WebKit reports 4 cores on a 2-core machine; the page measures 2 (www/cores.js) and runs two workers.
  assert.deepEqual([1, 2, 3, 4, 5, 8, 16].map((cores) => defaultSlots(cores)), [2, 2, 2, 3, 4, 4, 4]);
});

test('background work leaves one slot to the view', async () => {
  const h = harness(3);
  const batch = ['a', 'b', 'c', 'd'].map((k) => h.job(k, PRIORITY.BATCH));
  h.scheduler.want(batch);
  await h.tick();
  assert.deepEqual([...h.running], ['a', 'b']);
  h.scheduler.want([h.job('view', PRIORITY.VIEW), ...batch]);
  await h.tick();
  assert.deepEqual([...h.running].sort(), ['a', 'b', 'view']);
});

test('lowerBackground: running jobs finish, then one background job fewer runs; never below one', async () => {
  const h = harness(3);
  const batch = ['a', 'b', 'c', 'd', 'e'].map((k) => h.job(k, PRIORITY.BATCH));
  h.scheduler.want(batch);
  await h.tick();
  assert.equal(h.scheduler.backgroundRunning, 2);
  assert.equal(h.scheduler.lowerBackground(), true);
  assert.equal(h.scheduler.backgroundLimit, 1);
  assert.deepEqual([...h.running], ['a', 'b'], 'nothing is stopped');
  await h.finish('a');
  h.scheduler.want(batch.filter((j) => !h.done.includes(j.key)));
  await h.tick();
  assert.deepEqual([...h.running], ['b'], 'no new job while the other still runs');
  await h.finish('b');
  await h.tick();
  assert.deepEqual([...h.running], ['c']);
  assert.equal(h.scheduler.lowerBackground(), false);
  assert.equal(h.scheduler.backgroundLimit, 1);
  // The view's slot is still its own.
  h.scheduler.want([h.job('view', PRIORITY.VIEW), ...batch.filter((j) => !h.done.includes(j.key))]);
  await h.tick();
  assert.deepEqual([...h.running].sort(), ['c', 'view']);
});

test('while an estimate is wanted, one background job at most runs; the others resume after it', async () => {
  const h = harness(3);
  const chart = ['q30', 'q50', 'q90'].map((k) => h.job(k, PRIORITY.CHART));
  h.scheduler.want(chart);
  await h.tick();
  assert.deepEqual([...h.running], ['q30', 'q50']);
  const estimate = h.job('estimate', PRIORITY.ESTIMATE);
  h.scheduler.want([estimate, ...chart]);
  await h.tick();
  assert.ok(h.running.has('estimate'));
  assert.equal(h.scheduler.backgroundRunning, 1, `one background job is stopped: ${[...h.running]}`);
  await h.finish('estimate');
  h.scheduler.want(chart);
  await h.tick();
  assert.deepEqual([...h.running].sort(), ['q30', 'q50'], 'and starts again once the estimate is in');
});
