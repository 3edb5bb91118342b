// A small W3C WebDriver (classic) client, enough for the suite, and a page object over it with the same
// methods as the Chromium driver's (see ./index.mjs for the list). Firefox (geckodriver) and WebKitGTK
// (WebKitWebDriver) speak it; WebKitGTK has no WebDriver BiDi, so there are no browser-side events:
// what Playwright reports as events (page errors, console errors, CSP violations, downloads) is recorded
// inside the page by the probe the test servers put in every page (probe.mjs), and requests are read
// from the page's resource timing.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const KEYS = {
  Enter: '\uE007', Tab: '\uE004', Escape: '\uE00C', Backspace: '\uE003', Shift: '\uE008', Control: '\uE009',
  Alt: '\uE00A', PageUp: '\uE00E', PageDown: '\uE00F', End: '\uE010', Home: '\uE011',
  ArrowLeft: '\uE012', ArrowUp: '\uE013', ArrowRight: '\uE014', ArrowDown: '\uE015',
};

/** A port nobody listens on now (the driver binds it a moment later). */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Driver process groups still running. A test that fails before its page.close() leaves its browser
// open, working on its page: detached, it would outlive this test file and slow every file after it.
const running = new Set();
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch { /* already gone */ }
  }
});

/** One driver process and the one session it hosts (geckodriver and WebKitWebDriver host one each). */
export class Session {
  #base;
  #process;
  #exited;

  static async start({ command, args, env, capabilities }) {
    const port = await freePort();
    // Its own process group, so that closing ends the driver and the browser it started, and nothing else.
    const child = spawn(command, args(port), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let log = '';
    child.stderr.on('data', (d) => { log = (log + d).slice(-4000); });
    running.add(child.pid);
    const exited = new Promise((resolve) => child.once('exit', resolve)).then(() => running.delete(child.pid));
    const session = new Session(`http://127.0.0.1:${port}`, child, exited);
    try {
      for (let i = 0; ; i++) {
        try {
          if ((await session.#request('GET', '/status')).ready !== false) break;
        } catch (e) {
          if (i > 400 || child.exitCode != null) throw new Error(`${command} did not start: ${e.message}\n${log}`);
        }
        await sleep(50);
      }
      const { sessionId } = await session.#request('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
      session.#base += `/session/${sessionId}`;
      return session;
    } catch (e) {
      await session.close();
      throw e;
    }
  }

  constructor(base, child, exited) {
    this.#base = base;
    this.#process = child;
    this.#exited = exited;
  }

  async #request(method, path, body) {
    const res = await fetch(this.#base + path, {
      method,
      headers: body ? { 'content-type': 'application/json; charset=utf-8' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const { value } = await res.json();
    if (!res.ok) throw Object.assign(new Error(`WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`), { webdriver: value?.error });
    return value;
  }

  get = (path) => this.#request('GET', path);
  post = (path, body = {}) => this.#request('POST', path, body);

  async close() {
    try {
      await this.#request('DELETE', '');
    } catch { /* the browser may be gone already */ }
    try {
      process.kill(-this.#process.pid, 'SIGTERM');
    } catch { /* already exited */ }
    await Promise.race([this.#exited, sleep(5000)]);
  }
}

/** Values cross as JSON; these keep what JSON drops (Infinity, NaN, -0, undefined) intact. */
const ENCODE = `(v) => JSON.stringify(v, function (k, x) {
  if (typeof x === 'number' && !Number.isFinite(x)) return { $n: String(x) };
  if (x === 0 && 1 / x < 0) return { $n: '-0' };
  if (x === undefined) return { $u: 1 };
  return x;
})`;
const decode = (text) => (text === undefined ? undefined : JSON.parse(text, (k, x) => {
  if (x && typeof x === 'object' && '$n' in x) return x.$n === '-0' ? -0 : Number(x.$n);
  if (x && typeof x === 'object' && '$u' in x) return undefined;
  return x;
}));

export class WebDriverPage {
  #session;
  #engine;
  #earlierRequests = []; // the resource timing of documents navigated away from
  #pointer = { x: 0, y: 0 };

  #closing = null;
  #onClosed;

  constructor(session, engine) {
    this.#session = session;
    this.#engine = engine;
    /** Resolves once the page is closed. */
    this.closed = new Promise((resolve) => { this.#onClosed = resolve; });
    const self = this;
    this.keyboard = { press: (key) => self.#keys(key) };
    this.mouse = {
      move: (x, y, { steps = 1 } = {}) => self.#pointerActions(self.#moves(x, y, steps)),
      down: () => self.#pointerActions([{ type: 'pointerDown', button: 0 }]),
      up: () => self.#pointerActions([{ type: 'pointerUp', button: 0 }]),
    };
  }

  get engine() {
    return this.#engine;
  }

  async setViewport({ width, height }) {
    // The window's frame differs per engine: size the window, see what the page got, correct once.
    // WebKitGTK's window can settle after Set Window Rect returns (once, a phone-sized page read 882 px
    // high for 844 asked): read the page's size only once it holds still, and correct up to a few times.
    await this.#session.post('/window/rect', { width, height });
    for (let i = 0; i < 4; i++) {
      const [w, h] = await this.#settledSize();
      if (w === width && h === height) return;
      const rect = await this.#session.get('/window/rect');
      await this.#session.post('/window/rect', { width: rect.width + width - w, height: rect.height + height - h });
    }
  }

  /** The page's inner size once two reads 100 ms apart agree (a resize still landing would differ). */
  #settledSize() {
    return this.evaluate(async () => {
      let last = [innerWidth, innerHeight];
      for (let i = 0; i < 20; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const now = [innerWidth, innerHeight];
        if (now[0] === last[0] && now[1] === last[1]) return now;
        last = now;
      }
      return last;
    });
  }

  async goto(url) {
    await this.#leaving();
    await this.#session.post('/url', { url });
  }

  /** Loads the page again, as a visit does. Not WebDriver's Refresh: in Firefox it bypasses the service
   * worker (a reload a person does goes through it), so an offline reload fails there. */
  async reload() {
    const url = await this.evaluate(() => location.href);
    await this.goto(url);
  }

  /** Runs `fn(arg)` in the page and resolves to its (awaited) result, as Playwright's evaluate does. */
  evaluate(fn, arg) {
    return this.#run(String(fn), arg);
  }

  async #run(source, arg) {
    // The function's source becomes the script, so no eval happens in the page (a strict CSP forbids it).
    const script = `const done = arguments[arguments.length - 1];
      const encode = ${ENCODE};
      Promise.resolve().then(() => (${source})(arguments[0])).then(
        (v) => done({ ok: encode(v) }),
        (e) => done({ error: e && typeof e === 'object' ? e.name + ': ' + e.message + '\\n' + e.stack : String(e) }));`;
    const out = await this.#session.post('/execute/async', { script, args: arg === undefined ? [] : [arg] });
    if (out?.error) throw new Error(`in the page: ${out.error}`);
    return decode(out?.ok);
  }

  /** Polls `fn(arg)` in the page until it is truthy (or `timeout` ms pass, as long as Chromium's driver
   * waits: for slow or busy machines, not to time anything); resolves to its value. */
  async waitForFunction(fn, arg, { timeout = 120_000 } = {}) {
    const end = Date.now() + timeout;
    // Each round polls inside the page for up to 10 s, so a round trip is not paid every 50 ms.
    const poll = `async ({ arg, ms }) => {
      const f = ${fn};
      const stop = performance.now() + ms;
      for (;;) {
        const v = await f(arg);
        if (v || performance.now() >= stop) return v;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }`;
    for (;;) {
      const value = await this.#run(poll, { arg, ms: Math.max(0, Math.min(10_000, end - Date.now())) });
      if (value) return value;
      if (Date.now() >= end) throw new Error(`timed out after ${timeout} ms waiting for ${String(fn).slice(0, 200)}`);
    }
  }

  waitForSelector(selector, { timeout } = {}) {
    return this.waitForFunction((s) => document.querySelector(s) !== null, selector, { timeout });
  }

  waitForTimeout(ms) {
    return sleep(ms);
  }

  async #element(selector) {
    const found = await this.#session.post('/element', { using: 'css selector', value: selector });
    return found[ELEMENT];
  }

  async click(selector) {
    // As Playwright's click does: wait until the element can take the click (shown, enabled, not
    // pointer-events: none, as a disabled link-button is), scrolled into view; then click. WebDriver's
    // click refuses at once ("element not interactable") where Playwright's waits.
    await this.#actionable(selector);
    await this.#session.post(`/element/${await this.#element(selector)}/click`);
  }

  #actionable(selector) {
    return this.waitForFunction((s) => {
      const el = document.querySelector(s);
      if (!el?.getClientRects().length || el.disabled || el.getAttribute('aria-disabled') === 'true') return false;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.pointerEvents === 'none') return false;
      el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      return true;
    }, selector);
  }

  focus(selector) {
    return this.evaluate((s) => document.querySelector(s).focus(), selector);
  }

  /** Replaces the text of an input, typed as a person would. */
  async fill(selector, text) {
    await this.#actionable(selector); // as Playwright's fill waits
    const id = await this.#element(selector);
    await this.#session.post(`/element/${id}/clear`);
    // WebKitWebDriver refuses an empty text ("Missing text parameter"): emptying is the clear alone.
    if (String(text) !== '') await this.#session.post(`/element/${id}/value`, { text: String(text) });
  }

  async press(selector, key) {
    await this.focus(selector);
    await this.#keys(key);
  }

  /** Picks an option as Playwright does: set it, then fire input and change. */
  selectOption(selector, value) {
    return this.evaluate(([s, v]) => {
      const select = document.querySelector(s);
      select.value = v;
      select.dispatchEvent(new Event('input', { bubbles: true }));
      select.dispatchEvent(new Event('change', { bubbles: true }));
    }, [selector, value]);
  }

  dispatchEvent(selector, type) {
    return this.evaluate(([s, t]) => document.querySelector(s).dispatchEvent(new Event(t, { bubbles: true })), [selector, type]);
  }

  inputValue(selector) {
    return this.evaluate((s) => document.querySelector(s).value, selector);
  }

  textContent(selector) {
    return this.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);
  }

  getAttribute(selector, name) {
    return this.evaluate(([s, n]) => document.querySelector(s).getAttribute(n), [selector, name]);
  }

  isVisible(selector) {
    return this.evaluate((s) => {
      const el = document.querySelector(s);
      return Boolean(el && el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden');
    }, selector);
  }

  async isHidden(selector) {
    return !(await this.isVisible(selector));
  }

  async exists(selector) {
    return this.evaluate((s) => document.querySelector(s) !== null, selector);
  }

  $$eval(selector, fn) {
    return this.#run(`(s) => (${fn})([...document.querySelectorAll(s)])`, selector);
  }

  boundingBox(selector) {
    return this.evaluate((s) => {
      const r = document.querySelector(s).getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }, selector);
  }

  /** Chooses files (or a folder, for a webkitdirectory input) in a file input. */
  async setInputFiles(selector, paths) {
    const id = await this.#element(selector);
    await this.#session.post(`/element/${id}/value`, { text: [paths].flat().join('\n') });
  }

  async screenshot({ path, fullPage = false }) {
    let png;
    if (fullPage && this.#engine === 'firefox') png = await this.#session.get('/moz/screenshot/full');
    else if (fullPage) png = await this.#session.get(`/element/${await this.#element('html')}/screenshot`);
    else png = await this.#session.get('/screenshot');
    writeFileSync(path, Buffer.from(png, 'base64'));
  }

  /** Clicks `selector` and resolves to the download it starts: `{ name, bytes }`. */
  async download(selector) {
    const before = await this.evaluate(() => window.e2e.downloads.length);
    // The click's readiness check and the click itself are two WebDriver round trips: a result arriving
    // between them takes the link's href away for a moment (the page disables the link while it swaps
    // results), and that click downloads nothing. A person clicks again; so does this, until the timeout.
    const deadline = Date.now() + 120_000;
    for (;;) {
      await this.click(selector);
      const started = await this.waitForFunction((n) => window.e2e.downloads.length > n, before, { timeout: 5_000 })
        .then(() => true, () => false);
      if (started) break;
      if (Date.now() > deadline) throw new Error(`clicking ${selector} started no download in 120 s`);
    }
    const { name, base64 } = await this.evaluate(async (n) => {
      const { name: fileName, blob } = window.e2e.downloads[n];
      if (!blob) throw new Error(`${fileName}: the link's URL is not one the page made with URL.createObjectURL`);
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { name: fileName, base64: btoa(binary) };
    }, before);
    return { name, bytes: Buffer.from(base64, 'base64') };
  }

  /** What the page asked for, as its resource timing tells (requests made by workers are not in it:
   * the CSP, which reports a blocked request, is what keeps those home). */
  async requests() {
    return [...this.#earlierRequests, ...(await this.#resourceTiming())];
  }

  #resourceTiming() {
    return this.evaluate(() => [location.href, ...performance.getEntriesByType('resource').map((e) => e.name)])
      .then((urls) => urls.filter((u) => !u.startsWith('about:')), () => []);
  }

  async #leaving() {
    this.#earlierRequests.push(...(await this.#resourceTiming()));
  }

  /** Page errors and console errors or warnings since the last load. */
  problems() {
    return this.evaluate(() => window.e2e.problems);
  }

  cspViolations() {
    return this.evaluate(() => window.e2e.csp);
  }

  /** `{ started, terminated }`: workers the page made and stopped. */
  workers() {
    return this.evaluate(() => ({ started: window.e2e.workers, terminated: window.e2e.terminated }));
  }

  async #keys(combo) {
    // "Control+V", "PageDown", "+" (a plus is split off only where a key follows it).
    const keys = (combo.length > 1 ? combo.split(/\+(?=.)/) : [combo]).map((k) => KEYS[k] ?? k);
    const actions = [...keys.map((value) => ({ type: 'keyDown', value })), ...keys.reverse().map((value) => ({ type: 'keyUp', value }))];
    await this.#session.post('/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
  }

  #moves(x, y, steps) {
    const from = this.#pointer;
    const moves = [];
    for (let i = 1; i <= steps; i++) {
      moves.push({ type: 'pointerMove', origin: 'viewport', duration: 0,
        x: Math.round(from.x + ((x - from.x) * i) / steps), y: Math.round(from.y + ((y - from.y) * i) / steps) });
    }
    this.#pointer = { x, y };
    return moves;
  }

  async #pointerActions(actions) {
    await this.#session.post('/actions', { actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions }] });
  }

  close() {
    this.#closing ??= this.#session.close().then(this.#onClosed);
    return this.#closing;
  }
}
