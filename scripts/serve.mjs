// Serves the page and the package files it imports on 127.0.0.1 (PORT, default 8080), under the same
// strict Content-Security-Policy a careful host would use: the page may load nothing from elsewhere.
// Text and wasm go out gzipped when the browser accepts it, as any real host would send them: the wasm
// is about 40 % of its size compressed.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const served = ['www', 'js', 'pkg'];
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.webmanifest': 'application/manifest+json',
};
const compressible = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.svg', '.webmanifest']);
const gzipped = new Map(); // path -> { mtimeMs, body }: compress each file once per change

async function gzippedFile(file) {
  const { mtimeMs } = await stat(file);
  const cached = gzipped.get(file);
  if (cached?.mtimeMs === mtimeMs) return cached.body;
  const body = gzipSync(await readFile(file), { level: 9 });
  gzipped.set(file, { mtimeMs, body });
  return body;
}

const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; img-src 'self' blob: data:";

export function startServer(port = Number(process.env.PORT ?? 8080), host = '127.0.0.1') {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/') {
      res.writeHead(302, { location: '/www/' }).end();
      return;
    }
    const rel = normalize(path.endsWith('/') ? `${path}index.html` : path).replace(/^[/\\]+/, '');
    if (!served.includes(rel.split(sep)[0]) || rel.split(sep).includes('..')) {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      const file = join(root, rel);
      const gzip = compressible.has(extname(rel)) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      const body = gzip ? await gzippedFile(file) : await readFile(file);
      const headers = {
        'content-type': types[extname(rel)] ?? 'application/octet-stream',
        'content-security-policy': csp,
        'cache-control': 'no-cache',
        vary: 'accept-encoding',
      };
      if (gzip) headers['content-encoding'] = 'gzip';
      // The page's service worker may control the whole site, so the package's worker (js/) and the
      // wasm (pkg/) it loads are served offline too.
      if (rel === join('www', 'sw.js')) headers['service-worker-allowed'] = '/';
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startServer();
  const { address, port } = server.address();
  console.log(`pixsqueeze is served at http://${address}:${port}/ (Ctrl+C stops it)`);
}
