// The browser the suite runs in, chosen by E2E_ENGINE: chromium (default), firefox or webkit. One suite,
// a small driver per engine; every driver's page offers the same methods, named as Playwright's Page
// names them, and the suite uses only these:
//   goto, reload, setViewport, evaluate, waitForFunction, waitForSelector, waitForTimeout,
//   click, focus, fill, press, selectOption, dispatchEvent, keyboard.press, mouse.move/down/up,
//   inputValue, textContent, getAttribute, isVisible, isHidden, exists, $$eval, boundingBox,
//   setInputFiles, screenshot({ path, fullPage }), close,
// and, for what Playwright gets from events:
//   download(selector) → { name, bytes }: the file a click on `selector` starts downloading;
//   requests() → every URL the page asked for; problems() → page errors and console errors and warnings;
//   cspViolations(); workers() → { started, terminated }: the workers the page made and stopped.
// `engine` and `features` say what differs (features.paste: a real Ctrl+V of an image can be driven).
const drivers = {
  chromium: () => import('./chromium.mjs'),
  firefox: () => import('./firefox.mjs'),
  webkit: () => import('./webkit.mjs'),
};

export const engine = process.env.E2E_ENGINE ?? 'chromium';
if (!drivers[engine]) throw new Error(`E2E_ENGINE=${engine}: expected one of ${Object.keys(drivers).join(', ')}`);

/** What the page probe (probe.mjs) does here: Playwright sees Chromium's downloads itself. */
export const probeOptions = { downloads: engine !== 'chromium' };

/** Starts the engine's browser side: `{ engine, newPage({ viewport }), close() }`. */
export async function launchBrowser() {
  return (await drivers[engine]()).launch();
}
