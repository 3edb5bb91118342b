// Runs the work the page currently wants, most urgent first, on as many slots as the package has
// workers. The page does not queue jobs one by one: after every change it states the whole set of jobs
// it wants (`want`), and the scheduler reconciles: work nobody wants any more is aborted (the package
// then terminates its worker), and when the person's own view needs a slot that background work holds,
// the background job is aborted and runs again later. That is what keeps the slider's result from
// waiting behind a batch or the chart.

export const PRIORITY = { VIEW: 0, CHART: 1, BATCH: 2 };

/** The package's pool size (js/pool.js): one worker per core but one, at most four. */
export function defaultSlots() {
  const cores = navigator.hardwareConcurrency ?? 2;
  return Math.min(4, Math.max(1, cores - 1));
}

export class Scheduler {
  #slots;
  #onDone;
  #wanted = []; // [{ key, priority, run(signal) → Promise }], most urgent first
  #running = new Map(); // key -> { job, controller }

  /** `onDone(job, value, error)` is called once per job that finished on its own (not aborted). */
  constructor({ slots = defaultSlots(), onDone }) {
    this.#slots = slots;
    this.#onDone = onDone;
  }

  get busy() {
    return this.#running.size > 0;
  }

  /** Is the job for `key` running now? */
  isRunning(key) {
    return this.#running.has(key);
  }

  /**
   * Replaces the set of wanted jobs: `[{ key, priority, run(signal) → Promise, …anything for onDone }]`.
   * A key names the work: the same key is the same work, whoever wants it.
   */
  want(jobs) {
    const seen = new Set();
    this.#wanted = jobs
      .filter((j) => !seen.has(j.key) && seen.add(j.key))
      .map((j, order) => ({ ...j, order }))
      .sort((a, b) => a.priority - b.priority || a.order - b.order);
    this.#reconcile();
  }

  #reconcile() {
    const wanted = new Map(this.#wanted.map((j) => [j.key, j]));
    for (const [key, run] of this.#running) {
      if (wanted.has(key)) run.job.priority = wanted.get(key).priority;
      else this.#stop(key);
    }
    const viewWaiting = this.#wanted.some((j) => j.priority === PRIORITY.VIEW);
    for (const job of this.#wanted) {
      if (this.#running.has(job.key)) continue;
      // Background work starts once the view has its result. Engines may report more cores than the
      // machine has (WebKitGTK says 4 on 2): a chart job started beside the view's would share its CPU
      // (a 12 MP photo's first result took 10 s in WebKit that way, 7.3 s alone).
      if (job.priority !== PRIORITY.VIEW && viewWaiting) break;
      if (this.#running.size >= this.#slots) {
        // Only the person's own view pre-empts: background work does not churn background work.
        const victim = [...this.#running.values()].sort((a, b) => b.job.priority - a.job.priority)[0];
        if (job.priority !== PRIORITY.VIEW || victim.job.priority === PRIORITY.VIEW) break;
        this.#stop(victim.job.key);
      }
      this.#start(job);
    }
  }

  #stop(key) {
    const run = this.#running.get(key);
    this.#running.delete(key);
    run.controller.abort();
  }

  #start(job) {
    const controller = new AbortController();
    const run = { job, controller };
    this.#running.set(job.key, run);
    Promise.resolve()
      .then(() => job.run(controller.signal))
      .then(
        (value) => this.#finish(run, value, null),
        (error) => this.#finish(run, undefined, error),
      );
  }

  #finish(run, value, error) {
    if (run.controller.signal.aborted) return; // stopped on purpose: its slot is already free
    this.#running.delete(run.job.key);
    this.#wanted = this.#wanted.filter((j) => j.key !== run.job.key);
    this.#onDone(run.job, value, error);
    this.#reconcile();
  }
}
