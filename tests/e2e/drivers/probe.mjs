// Installed in every page the suite opens (its source is sent to the browser, so it closes over nothing):
// records what the suite checks a page did not do (page errors, console errors, CSP violations), counts
// the workers the page starts and terminates and logs the jobs it posts them (`jobs`: op, when posted,
// when answered), and, where the driver cannot watch downloads itself
// (`downloads: true`), captures them as a person's click starts them: the file's name and the blob's bytes.
export const PROBE = ({ downloads }) => {
  if (window.e2e) return;
  const e2e = { problems: [], csp: [], downloads: [], workers: 0, terminated: 0, jobs: [] };
  window.e2e = e2e;
  addEventListener('error', (e) => e2e.problems.push(e.message));
  addEventListener('unhandledrejection', (e) => e2e.problems.push(String(e.reason?.message ?? e.reason)));
  for (const level of ['error', 'warn']) {
    const original = console[level];
    console[level] = (...args) => {
      e2e.problems.push(args.map(String).join(' '));
      original.apply(console, args);
    };
  }
  document.addEventListener('securitypolicyviolation', (e) => e2e.csp.push(`${e.violatedDirective}: ${e.blockedURI}`));
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      e2e.workers++;
      this.addEventListener('message', ({ data }) => {
        const job = e2e.jobs.find((j) => j.worker === this && j.id === data?.id && j.answered == null);
        if (job && ('ok' in data || 'result' in data || 'error' in data)) job.answered = performance.now();
      });
    }

    postMessage(message, ...rest) {
      if (message?.op) e2e.jobs.push({ worker: this, id: message.id, op: message.op, posted: performance.now(), answered: null });
      super.postMessage(message, ...rest);
    }

    terminate() {
      e2e.terminated++;
      super.terminate();
    }
  };
  if (!downloads) return;
  // The blob behind each object URL, looked up rather than fetched: the page's CSP (connect-src 'self')
  // rightly refuses a fetch of a blob: URL.
  const blobs = new Map();
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = (object) => {
    const url = createObjectURL.call(URL, object);
    blobs.set(url, object);
    return url;
  };
  const capture = (a) => e2e.downloads.push({ name: a.download, blob: blobs.get(a.href) });
  document.addEventListener('click', (e) => {
    const a = e.target.closest?.('a[download]');
    if (a?.href) {
      e.preventDefault();
      capture(a);
    }
  }, true);
  // A link made for one download and never attached to the document (the ZIP's) is clicked in code.
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    if (this.download && this.href && !this.isConnected) capture(this);
    else click.call(this);
  };
};
