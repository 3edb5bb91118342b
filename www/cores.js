// How many cores the page really gets. WebKit reports navigator.hardwareConcurrency as 4 on any machine
// with fewer than 8 cores (8 above), so on a 2-core machine the page ran three compressions beside its
// own thread: frames came 0.5–1 s apart and the slider's estimates queued. A few workers time a fixed
// loop, first one alone, then all at once: sharing c cores, n of them take n/c times as long.

// The loop's length alone: long enough for the system to share the cores evenly, short enough not to
// hold up the page's start (the probe's CPU is this times one more than its workers).
const WORK_MS = 30;

const now = () => performance.timeOrigin + performance.now();

function time(worker, n) {
  return new Promise((resolve, reject) => {
    const start = now();
    worker.onmessage = ({ data }) => resolve(data.end - start);
    worker.onerror = reject;
    worker.postMessage(n);
  });
}

// The page runs at most four workers (scheduler.js, defaultSlots), which five cores give it: more
// workers would only make the probe longer.
const MOST = 5;

/** The cores the page gets, at most `reported`; `reported` itself where it cannot be measured or where
 * MOST are there. Only measured above two: the page uses at least two workers anyway. */
export async function usableCores(reported = navigator.hardwareConcurrency ?? 2) {
  if (!(reported > 2)) return reported;
  const count = Math.min(reported, MOST);
  const workers = [];
  try {
    for (let i = 0; i < count; i++) workers.push(new Worker(new URL('./cores-worker.js', import.meta.url)));
    // Every worker started and its loop compiled; then the loop sized to WORK_MS on one.
    await Promise.all(workers.map((w) => time(w, 1e5)));
    const probe = await time(workers[0], 1e6);
    const n = Math.round((1e6 * WORK_MS) / Math.max(1, probe));
    const alone = await time(workers[0], n);
    const together = Math.max(...(await Promise.all(workers.map((w) => time(w, n)))));
    const cores = Math.round((count * alone) / together);
    return cores >= count ? reported : Math.max(1, cores);
  } catch {
    return reported;
  } finally {
    for (const w of workers) w.terminate();
  }
}
