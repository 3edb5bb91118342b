// Shared by the end-to-end tests: the page's server, Debian's Chromium through playwright-core, the
// shared corpus where it exists, and fixtures made in code where it does not.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, crc32 } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const corpus = join(root, '..', 'shared', 'corpus');

/** Path of a corpus file, or null (with the reason printed) when the corpus is not beside the checkout. */
export function corpusFile(rel) {
  const path = join(corpus, rel);
  if (existsSync(path)) return path;
  console.log(`SKIP corpus part: ${path} not found (the shared corpus is not beside this checkout)`);
  return null;
}

export async function launch() {
  const server = await startServer(0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-dev-shm-usage', '--no-first-run', '--disable-sync'],
  });
  return {
    origin,
    browser,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A PNG file (RGBA8, no filtering) whose pixel at (x, y) is `pixel(x, y)` → [r, g, b, a]. */
export function makePng(width, height, pixel) {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A photo-like fixture: smooth gradients with deterministic noise. */
export function photoLikePng(width = 320, height = 240) {
  let s = 0x2545f491;
  const noise = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return ((s >>> 0) % 17) - 8; };
  const clamp = (v) => Math.max(0, Math.min(255, v));
  return makePng(width, height, (x, y) => [
    clamp(Math.round((x / width) * 255) + noise()),
    clamp(Math.round((y / height) * 255) + noise()),
    clamp(128 + Math.round(60 * Math.sin(x / 9) * Math.cos(y / 13)) + noise()),
    255,
  ]);
}
