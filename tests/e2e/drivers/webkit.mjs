// WebKitGTK (Debian's webkit2gtk-driver): WebKitWebDriver drives MiniBrowser in automation mode. It has
// no headless mode, so the browser draws on a virtual X display (Xvfb, one per launch) sized for the
// largest viewport the suite asks for. Each page is its own WebKitWebDriver and browser: one session per
// driver, and a fresh website data store per page.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session, WebDriverPage } from './webdriver.mjs';

const MINIBROWSER = process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** Starts Xvfb on a free display; resolves to `{ display, close() }`. */
async function virtualDisplay() {
  // -displayfd: Xvfb picks a free display and writes its number to fd 3 once it accepts clients.
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1920x1200x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let log = '';
  xvfb.stderr.on('data', (d) => { log = (log + d).slice(-2000); });
  const display = await new Promise((resolve, reject) => {
    let out = '';
    xvfb.stdio[3].on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it was ready: ${log}`)));
  });
  const exited = new Promise((resolve) => xvfb.once('exit', resolve));
  return {
    display,
    async close() {
      xvfb.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * MiniBrowser's toolbar keeps its window at least 447 px wide; a phone is 360–430. A GTK style sheet
 * for the browser's own widgets (web content does not use the GTK theme) lets the window narrow to a
 * phone's width.
 */
function narrowToolbar() {
  const config = mkdtempSync(join(tmpdir(), 'pixsqueeze-webkit-'));
  mkdirSync(join(config, 'gtk-3.0'));
  writeFileSync(join(config, 'gtk-3.0', 'gtk.css'), '* { min-width: 0; padding-left: 0; padding-right: 0; margin-left: 0; margin-right: 0; }\n');
  return config;
}

export async function launch() {
  const x = await virtualDisplay();
  const config = narrowToolbar();
  const open = new Set(); // pages a failed test left open are closed with the browser
  return {
    engine: 'webkit',
    async newPage({ viewport = { width: 1280, height: 900 } } = {}) {
      const session = await Session.start({
        command: process.env.WEBKIT_WEBDRIVER ?? 'WebKitWebDriver',
        args: (port) => [`--port=${port}`],
        env: { DISPLAY: x.display, XDG_CONFIG_HOME: config },
        capabilities: {
          timeouts: { script: 600_000, pageLoad: 120_000, implicit: 0 },
          'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
        },
      });
      const page = new WebDriverPage(session, 'webkit');
      open.add(page);
      page.closed.then(() => open.delete(page));
      await page.setViewport(viewport);
      return page;
    },
    async close() {
      await Promise.all([...open].map((page) => page.close()));
      await x.close();
      rmSync(config, { recursive: true, force: true });
    },
  };
}
