// Installed in every page the suite opens (its source is sent to the browser, so it closes over nothing):
// records what the suite checks a page did not do (page errors, console errors, CSP violations), counts
// the workers the page starts and terminates and logs the jobs it posts them (`jobs`: op, setting, input
// size, when posted, when answered), and, where the driver cannot watch downloads itself
// (`downloads: true`), captures them as a person's click starts them: the file's name and the blob's bytes.
import { gunzipSync, gzipSync } from 'node:zlib';

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
      if (message?.op) {
        const options = message.args?.find((a) => a && typeof a === 'object' && 'format' in a);
        const setting = options ? `${options.format} q${options.quality ?? '-'} ${options.maxWidth ?? ''}` : '';
        const input = message.args?.[0]?.byteLength ?? message.args?.[0]?.size ?? null;
        e2e.jobs.push({ worker: this, id: message.id, op: message.op, setting, input, posted: performance.now(), answered: null });
      }
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

export const PROBE_PATH = '/e2e-probe.js';

/** The probe as a script file. */
export const probeScript = (options) => `(${PROBE})(${JSON.stringify(options)});\n`;

/** `html` with the probe as the first script of its <head>: it runs before the page's own scripts. */
export const withProbe = (html) => html.replace(/<head[^>]*>/i, (head) => `${head}<script src="${PROBE_PATH}"></script>`);

/**
 * Makes `server` (a node:http server) serve the probe at PROBE_PATH and put it first in every HTML page
 * it sends: what Playwright's addInitScript does, for every engine (WebDriver classic has no such thing).
 */
export function serveProbe(server, options) {
  const handlers = server.listeners('request');
  server.removeAllListeners('request');
  server.on('request', (req, res) => {
    if (new URL(req.url, 'http://x').pathname === PROBE_PATH) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
      res.end(probeScript(options));
      return;
    }
    const { writeHead, end } = res;
    let html = false;
    let gzipped = false;
    res.writeHead = function (status, ...rest) {
      const headers = rest.find((h) => h && typeof h === 'object') ?? {};
      const header = (name) => String(headers[name] ?? this.getHeader(name) ?? '');
      html = /^text\/html/.test(header('content-type'));
      gzipped = header('content-encoding') === 'gzip';
      return writeHead.call(this, status, ...rest);
    };
    res.end = function (body, ...rest) {
      if (!html || !body) return end.call(this, body, ...rest);
      const page = withProbe(String(gzipped ? gunzipSync(body) : body));
      return end.call(this, gzipped ? gzipSync(page, { level: 9 }) : page, ...rest);
    };
    for (const handler of handlers) handler.call(server, req, res);
  });
}
