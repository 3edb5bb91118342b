// Firefox ESR (Debian's firefox-esr), headless, through geckodriver (crates.io; scripts/setup.sh installs
// it). Each page is its own geckodriver and browser with a fresh profile (a driver hosts one session), as
// Playwright's browser.newPage() gives a fresh context.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session, WebDriverPage } from './webdriver.mjs';

const binary = process.env.FIREFOX ?? '/usr/bin/firefox-esr';

/**
 * A fresh profile whose browser window may narrow to a phone's width: Firefox's toolbars keep it at least
 * 500 px wide otherwise. The style sheet is for the browser's own interface, not for web content.
 */
function profile() {
  const dir = mkdtempSync(join(tmpdir(), 'pixsqueeze-firefox-'));
  mkdirSync(join(dir, 'chrome'));
  writeFileSync(join(dir, 'chrome', 'userChrome.css'), ':root, #navigator-toolbox, toolbar, toolbaritem, toolbarbutton, #nav-bar, '
    + '#urlbar-container, #urlbar, #TabsToolbar, #browser, #tabbrowser-tabbox, #tabbrowser-tabpanels, .browserStack, browser '
    + '{ min-width: 0 !important; }\n');
  return dir;
}

export async function launch() {
  const open = new Set(); // pages a failed test left open are closed with the browser
  return {
    engine: 'firefox',
    async newPage({ viewport = { width: 1280, height: 900 } } = {}) {
      const dir = profile();
      const session = await Session.start({
        command: process.env.GECKODRIVER ?? 'geckodriver',
        args: (port) => ['--port', String(port), '--host', '127.0.0.1', '--log', 'error'],
        capabilities: {
          browserName: 'firefox',
          timeouts: { script: 600_000, pageLoad: 120_000, implicit: 0 },
          'moz:firefoxOptions': {
            binary,
            args: ['-headless', '-profile', dir],
            prefs: {
              'toolkit.legacyUserProfileCustomizations.stylesheets': true,
              // No first-run pages, no update or telemetry pings: these machines reach no such server.
              'browser.shell.checkDefaultBrowser': false,
              'app.update.enabled': false,
              'datareporting.policy.dataSubmissionEnabled': false,
            },
          },
        },
      }).catch((e) => {
        rmSync(dir, { recursive: true, force: true });
        throw e;
      });
      const page = new WebDriverPage(session, 'firefox');
      open.add(page);
      page.closed.then(() => {
        open.delete(page);
        rmSync(dir, { recursive: true, force: true });
      });
      await page.setViewport(viewport);
      return page;
    },
    async close() {
      await Promise.all([...open].map((page) => page.close()));
    },
  };
}
