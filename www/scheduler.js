// Runs the work the page currently wants, most urgent first, on as many slots as the package has
// workers. The page does not queue jobs one by one: after every change it states the whole set of jobs
// it wants (`want`), and the scheduler reconciles: work nobody wants any more is aborted (the package
// then terminates its worker), except short jobs marked `keep`, which finish and are kept.
// Background work (the chart, advice, the rest of the batch) never takes the last slot: one is always
// free for the person's own view (its result, the live estimate, the left side), so that work never
// waits behind the background and nothing has to be killed to make room for it.

// Estimates and previews go first: each takes a fraction of a second and shows the person something now.
export const PRIORITY = { ESTIMATE: 0, VIEW: 1, CHART: 2, ADVICE: 3, BATCH: 4 };
const BACKGROUND = PRIORITY.CHART;

/** Workers for the page on `cores` cores: one per core but one, at most four, and at least two, so the
 * view always has one that background work does not hold. */
export function defaultSlots(cores = navigator.hardwareConcurrency ?? 2) {
  return Math.min(4, Math.max(2, cores - 1));
}

export class Scheduler {
  #slots;
  #background; // how many background jobs may run at once: slots − 1, lowered when frames come late
  #onDone;
  #wanted = []; // [{ key, priority, run(signal) → Promise }], most urgent first
  #running = new Map(); // key -> { job, controller }

  /** `onDone(job, value, error, ms)` is called once per job that finished on its own (not aborted), with
   * the milliseconds it ran. */
  constructor({ slots = defaultSlots(), onDone }) {
    this.#slots = slots;
    this.#background = slots - 1;
    this.#onDone = onDone;
  }

  /** How many background jobs may run at once. */
  get backgroundLimit() {
    return this.#background;
  }

  /** How many background jobs run now. */
  get backgroundRunning() {
    return [...this.#running.values()].filter((r) => r.job.priority >= BACKGROUND).length;
  }

  /**
   * One background job fewer from now on (never below one): the page's frames come late while they run,
   * so the engine has fewer cores than it says (WebKit reports 4 on a 2-core machine). Running jobs
   * finish; no new one starts until fewer than the new limit run.
   */
  lowerBackground() {
    if (this.#background <= 1) return false;
    this.#background--;
    return true;
  }

  get busy() {
    return this.#running.size > 0;
  }

  /** Is the job for `key` running now? */
  isRunning(key) {
    return this.#running.has(key);
  }

  /** How long the job for `key` has been running, in ms (null: it is not). */
  runningFor(key) {
    const run = this.#running.get(key);
    return run ? performance.now() - run.started : null;
  }

  /**
   * Replaces the set of wanted jobs: `[{ key, priority, run(signal) → Promise, keep?, hold?, …anything
   * for onDone }]`. A key names the work: the same key is the same work, whoever wants it. `hold`: wanted,
   * but not to be started yet (if running, it goes on).
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
      else if (!run.job.keep) this.#stop(key);
    }
    // A job started for the view may since have become background work (the chart wants the same
    // setting): the view's slot is not left to it.
    const background = () => [...this.#running.values()].filter((r) => r.job.priority >= BACKGROUND);
    // While an estimate is wanted (the slider moves), one background job at most runs, the newest
    // others stopped until it is in: the live figure gets a core where the engine reports more than it
    // has (WebKit says 4 on a 2-core machine, so two chart encodes ran beside each estimate).
    const urgent = this.#wanted.some((j) => j.priority === PRIORITY.ESTIMATE && !j.hold)
      || [...this.#running.values()].some((r) => r.job.priority === PRIORITY.ESTIMATE);
    const limit = urgent ? Math.min(1, this.#background) : this.#background;
    while (background().length > (urgent ? limit : this.#slots - 1)) this.#stop(background().sort((a, b) => b.started - a.started)[0].job.key);
    for (const job of this.#wanted) {
      if (this.#running.has(job.key) || job.hold) continue;
      if (this.#running.size >= this.#slots) break;
      if (job.priority >= BACKGROUND && background().length >= limit) break;
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
    const run = { job, controller, started: performance.now() };
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
    this.#onDone(run.job, value, error, performance.now() - run.started);
    this.#reconcile();
  }
}
