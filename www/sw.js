// Makes the page work offline once it has loaded: every same-origin GET goes to the network first (so
// a new version shows as soon as it is served) and falls back to the copy cached here.
// Nothing here ever talks to another origin; the page has nothing to send anywhere.

const CACHE = 'pixsqueeze-v3';
const NETWORK_TIMEOUT_MS = 4000;
// What the page and the package's worker load. The page also sends the list of what it actually
// loaded, so a renamed module is picked up without editing this list.
// Of the wasm builds (pkg/modules.json lists them, smallest first), only the first is precached, with
// every build's small glue: the larger ones (full: WebP, GIF, BMP, ICC conversion; and any after it)
// are several times its size and most visits never need them. The first job that needs one fetches it
// through this worker, which caches it like any other file, so from then on such jobs work offline too.
const PRECACHE = [
  './', './index.html', './style.css', './app.js', './batch.js', './chart.js', './compare.js', './figures.js',
  './input.js', './scheduler.js', './settings.js', './zip.js', './advice.js', './estimate.js', './bitmaps.js',
  './bitmap-worker.js', './cores.js', './cores-worker.js',
  '../js/index.js', '../js/api.js', '../js/pool.js', '../js/worker.js', '../js/core.js',
  '../pkg/modules.js', '../pkg/modules.json',
];

/** Every build's glue and the first build's wasm, from the list the build wrote. */
async function modules() {
  try {
    const list = await (await fetch('../pkg/modules.json', { cache: 'force-cache' })).json();
    return [...list.map((b) => `../pkg/${b.glue}`), `../pkg/${list[0].wasm}`];
  } catch {
    return []; // the page still works online; the next install tries again
  }
}

async function store(urls, { again = true } = {}) {
  const cache = await caches.open(CACHE);
  await Promise.all(urls.map(async (url) => {
    const target = new URL(url, self.location.href);
    if (target.origin !== self.location.origin) return;
    try {
      // What is cached already (the install's copy, or one this worker's fetch handler kept) is not asked
      // for again: an engine whose service worker does not share the page's HTTP cache (WebKit in a fresh
      // data store) would download it a third time.
      if (!again && (await cache.match(target))) return;
      // force-cache: take what the browser just downloaded for the page rather than download it twice.
      const response = await fetch(target, { cache: 'force-cache' });
      if (response.ok) await cache.put(target, response);
    } catch {
      // One missing file must not stop the rest from being cached.
    }
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil(modules().then((wasm) => store([...PRECACHE, ...wasm])).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (Array.isArray(event.data?.cache)) event.waitUntil(store(event.data.cache, { again: false }));
});

async function networkFirst(event) {
  const { request } = event;
  const cache = await caches.open(CACHE);
  const cached = () => cache.match(request, { ignoreSearch: true });
  const network = fetch(request).then((response) => {
    if (response.ok) event.waitUntil(cache.put(request, response.clone()));
    return response;
  });
  network.catch(() => {}); // handled below, or moot once a cached copy answered
  try {
    // A network that hangs (a captive portal, a dying link) should not hang the page when a copy exists.
    const first = await Promise.race([network, new Promise((resolve) => setTimeout(resolve, NETWORK_TIMEOUT_MS, null))]);
    return first ?? (await cached()) ?? (await network);
  } catch (e) {
    const copy = await cached();
    if (copy) return copy;
    throw e;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(networkFirst(event));
});
