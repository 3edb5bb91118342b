// Debian's Chromium through playwright-core (`playwright install` cannot download browsers here). The
// page is Playwright's, wrapped to offer only the methods every driver has (./index.mjs), plus what
// Playwright sees from the browser side: every request (workers' included), real downloads, offline.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

/** Waits are for machines that are slow or busy, not for timing anything (every driver waits as long). */
const DEFAULT_TIMEOUT = 120_000;

class ChromiumPage {
  #page;
  #requests = [];
  #problems = [];

  constructor(page) {
    this.#page = page;
    page.on('request', (r) => this.#requests.push(r.url()));
    page.on('pageerror', (e) => this.#problems.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') this.#problems.push(m.text()); });
    this.keyboard = page.keyboard;
    this.mouse = page.mouse;
    for (const name of ['goto', 'reload', 'evaluate', 'waitForSelector', 'waitForTimeout', 'click', 'focus',
      'fill', 'press', 'selectOption', 'dispatchEvent', 'inputValue', 'textContent', 'getAttribute', 'isVisible', 'isHidden',
      'setInputFiles', 'screenshot', '$$eval']) {
      this[name] = page[name].bind(page);
    }
  }

  get engine() {
    return 'chromium';
  }

  /** Resolves to the function's truthy value, as the WebDriver drivers do (Playwright gives a handle). */
  async waitForFunction(fn, arg, options) {
    return (await this.#page.waitForFunction(fn, arg, options)).jsonValue();
  }

  setViewport(size) {
    return this.#page.setViewportSize(size);
  }

  async exists(selector) {
    return (await this.#page.$(selector)) !== null;
  }

  boundingBox(selector) {
    return this.#page.locator(selector).boundingBox();
  }

  async download(selector) {
    const [file] = await Promise.all([this.#page.waitForEvent('download'), this.#page.click(selector)]);
    return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
  }

  async requests() {
    return [...this.#requests];
  }

  async problems() {
    return [...this.#problems];
  }

  cspViolations() {
    return this.#page.evaluate(() => window.e2e.csp);
  }

  workers() {
    return this.#page.evaluate(() => ({ started: window.e2e.workers, terminated: window.e2e.terminated }));
  }

  /** Chromium only: the browser goes offline (the others see the server vanish, which is what counts). */
  setOffline(offline) {
    return this.#page.context().setOffline(offline);
  }

  /** Chromium only: clipboard access for a real Ctrl+V of an image. */
  grantClipboard(origin) {
    return this.#page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  }

  async close() {
    await this.#page.context().close();
  }
}

export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-dev-shm-usage', '--no-first-run', '--disable-sync'],
  });
  return {
    engine: 'chromium',
    async newPage({ viewport = { width: 1280, height: 900 } } = {}) {
      const context = await browser.newContext({ viewport, acceptDownloads: true });
      context.setDefaultTimeout(DEFAULT_TIMEOUT);
      return new ChromiumPage(await context.newPage());
    },
    close: () => browser.close(),
  };
}
