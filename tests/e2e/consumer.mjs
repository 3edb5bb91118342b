// Shared by the tests that use pixsqueeze as its users do: pack the package with `npm pack`, install the
// tarball (never the source tree) into a copy of a consumer app, serve it under the strict CSP we
// promise, and watch a page for requests, CSP violations and workers.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { root } from './support.mjs';
import { probeOptions } from './drivers/index.mjs';
import { serveProbe } from './drivers/probe.mjs';

export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; img-src 'self' blob: data:";

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const work = join(root, 'target', 'consumers');

/** A fresh directory under target/consumers (ignored by git, kept after the run for inspection). */
export function scratch(name) {
  mkdirSync(work, { recursive: true });
  return mkdtempSync(join(work, `${name}-`));
}

/** `npm pack` of the working tree: `{ tarball, files: [{ path, size }], size, unpackedSize }`. */
export function pack() {
  const dest = scratch('pack');
  const out = execFileSync(npm, ['pack', '--json', '--pack-destination', dest], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [info] = JSON.parse(out);
  return { tarball: join(dest, info.filename), files: info.files, size: info.size, unpackedSize: info.unpackedSize };
}

/**
 * Copies the consumer app in `appDir` to a scratch directory and installs the tarball into it as a user
 * would (`npm install ./pixsqueeze-x.y.z.tgz`), along with the app's own dependencies. Only the npm
 * registry is used, and only for what the npm cache lacks.
 */
export function installApp(appDir, name, tarball) {
  const dir = scratch(name);
  cpSync(appDir, dir, { recursive: true, filter: (src) => !/[/\\](node_modules|dist)$/.test(src) });
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], { cwd: dir, stdio: 'inherit' });
  return dir;
}

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css; charset=utf-8',
};

/** Serves `dir` on 127.0.0.1 under STRICT_CSP; `/` is index.html. */
export async function serveStatic(dir) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const rel = normalize(path.endsWith('/') ? `${path}index.html` : path).replace(/^[/\\]+/, '');
    if (rel.split(sep).includes('..')) return res.writeHead(404).end();
    try {
      const body = await readFile(join(dir, rel));
      res.writeHead(200, { 'content-type': types[extname(rel)] ?? 'application/octet-stream', 'content-security-policy': STRICT_CSP });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  serveProbe(server, probeOptions);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * Opens `url` in a new page of `env`'s engine. Its driver records what a privacy promise and a CSP
 * promise need checking (every request, CSP violation, page and console error) and counts the workers
 * the page starts and terminates (`page.workers()`).
 */
export async function openPage(env, url) {
  const page = await env.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return { page };
}

/** What a page must not have done: reach beyond its origin, violate the CSP, log errors. */
export async function assertClean(assert, { page }, origin) {
  const foreign = (await page.requests()).filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], 'requests left 127.0.0.1');
  assert.deepEqual(await page.cspViolations(), [], 'CSP violations');
  assert.deepEqual(await page.problems(), [], 'page errors or console errors');
}

/** Base64 of a file's bytes, to hand to the page (page.evaluate takes JSON). */
export const b64 = (bytes) => Buffer.from(bytes).toString('base64');
