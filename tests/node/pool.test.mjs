// The worker pool (js/pool.js) against a stand-in Worker whose postMessage clones as browsers do
// (structuredClone: a function throws DataCloneError), so the pool's bookkeeping is tested without a
// browser: a job that cannot be posted fails alone and frees its slot; a reply that cannot be read
// (messageerror) fails its job; idle workers are stopped after idleTimeout; terminate() rejects with a
// documented name. tests/e2e/package.test.mjs runs the real pool in browsers.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const workers = [];
let abortWhilePosting = null;

/** Answers each job after a tick with `{ op, args }`; `formats` with a list, like the real worker. */
class FakeWorker {
  constructor() {
    this.terminated = false;
    this.jobs = 0;
    workers.push(this);
  }

  postMessage(message, transfer) {
    const data = structuredClone(message, { transfer }); // throws DataCloneError as a real post does
    if (data.args?.[0] === 'abort while posting') abortWhilePosting.abort();
    this.jobs++;
    setTimeout(() => {
      if (this.terminated) return;
      if (data.args?.[0] === 'unreadable reply') this.onmessageerror?.({});
      else this.onmessage?.({ data: { id: data.id, ok: true, result: { op: data.op, args: data.args } } });
    }, 1);
  }

  terminate() {
    this.terminated = true;
  }
}
globalThis.Worker = FakeWorker;

const { WorkerPool } = await import('../../js/pool.js');
const alive = () => workers.filter((w) => !w.terminated).length;

test('a job that cannot be posted (a function in the options) fails alone; the one worker serves the next', async () => {
  const pool = new WorkerPool({ wasm: null, size: 1 });
  const bad = await pool.run('compress', [new Uint8Array(4), { format: 'jpeg', onprogress: () => {} }]).then(
    () => 'resolved',
    (e) => e,
  );
  assert.equal(bad.name, 'InvalidInput');
  assert.match(bad.message, /cannot be sent to a worker \(DataCloneError: .*misspelt/);
  assert.equal(bad.cause?.name, 'DataCloneError', 'the original error is kept as the cause');
  // Before the fix, the slot stayed busy and these hung for ever.
  const next = await Promise.race([
    Promise.all([pool.run('formats', []), pool.run('decode', [1])]),
    new Promise((resolve) => setTimeout(() => resolve('hung'), 2000)),
  ]);
  assert.deepEqual(next, [{ op: 'formats', args: [] }, { op: 'decode', args: [1] }]);
  pool.terminate();
});

test('a reply that cannot be read (messageerror) fails its job with WorkerError; the pool goes on', async () => {
  const pool = new WorkerPool({ wasm: null, size: 1 });
  const e = await pool.run('decode', ['unreadable reply']).then(() => null, (err) => err);
  assert.equal(e?.name, 'WorkerError');
  assert.match(e.message, /messageerror/);
  assert.deepEqual(await pool.run('formats', []), { op: 'formats', args: [] });
  pool.terminate();
});

test('idle workers are stopped after idleTimeout, and new ones start for later jobs', async () => {
  const before = alive();
  const pool = new WorkerPool({ wasm: null, size: 2, idleTimeout: 50 });
  await Promise.all([pool.run('formats', []), pool.run('formats', [])]);
  assert.equal(pool.workers, 2);
  assert.equal(alive() - before, 2);
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(pool.workers, 0, 'both idle workers were reaped');
  assert.equal(alive() - before, 0);
  assert.deepEqual(await pool.run('formats', []), { op: 'formats', args: [] });
  assert.equal(pool.workers, 1);
  pool.terminate();
  assert.equal(alive() - before, 0);
});

test('a worker kept busy is not reaped', async () => {
  const pool = new WorkerPool({ wasm: null, size: 1, idleTimeout: 30 });
  for (let i = 0; i < 5; i++) {
    await pool.run('formats', []);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(pool.workers, 1);
  assert.equal(workers.at(-1).jobs, 5, 'one worker ran all five');
  pool.terminate();
});

test('terminate() rejects running and queued jobs with AbortError', async () => {
  const pool = new WorkerPool({ wasm: null, size: 1 });
  const running = pool.run('formats', []);
  const queued = pool.run('formats', []);
  pool.terminate();
  for (const p of [running, queued]) {
    const e = await p.then(() => null, (err) => err);
    assert.equal(e?.name, 'AbortError');
    assert.match(e.message, /terminate\(\)/);
  }
});

test('an abort fired while the job is being posted terminates its worker; the next job runs on a new one', async () => {
  const pool = new WorkerPool({ wasm: null, size: 1 });
  abortWhilePosting = new AbortController();
  const e = await pool.run('decode', ['abort while posting'], { signal: abortWhilePosting.signal }).then(() => null, (err) => err);
  assert.equal(e?.name, 'AbortError');
  const first = workers.at(-1);
  assert.equal(first.terminated, true, 'the worker running the aborted job was stopped');
  assert.deepEqual(await pool.run('formats', []), { op: 'formats', args: [] });
  assert.notEqual(workers.at(-1), first);
  pool.terminate();
});

test('jobs sharing a pin run on the worker the first of them ran on; once it is gone they fail with WorkerError', async () => {
  const pool = new WorkerPool({ wasm: null, size: 2, idleTimeout: 50 });
  const [a, b] = [{}, {}];
  await Promise.all([pool.run('jpegBandQuantise', [0], { pin: a }), pool.run('jpegBandQuantise', [1], { pin: b })]);
  assert.ok(a.worker && b.worker && a.worker !== b.worker, 'two bands, two workers');
  const [before, other] = [a.worker.jobs, b.worker.jobs];
  // b's worker gets two (one waits for it while a's worker is free), a's one, however they queue.
  const out = await Promise.all([pool.run('jpegBandWrite', [1], { pin: b }), pool.run('jpegBandWrite', [1], { pin: b }),
    pool.run('jpegBandWrite', [0], { pin: a })]);
  assert.deepEqual(out.map((r) => r.args[0]), [1, 1, 0]);
  assert.equal(a.worker.jobs - before, 1);
  assert.equal(b.worker.jobs - other, 2);
  await new Promise((resolve) => setTimeout(resolve, 150)); // both reaped
  const e = await pool.run('jpegBandWrite', [0], { pin: a }).then(() => null, (err) => err);
  assert.equal(e?.name, 'WorkerError');
  assert.match(e.message, /was stopped/);
  assert.deepEqual(await pool.run('formats', []), { op: 'formats', args: [] }, 'the pool goes on');
  pool.terminate();
});
