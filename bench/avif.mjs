// The AVIF stage of `npm run bench`: our AVIF (the `avif` wasm build, rav1e) against @jsquash/avif
// (libaom 3 in wasm, Squoosh's build, single-threaded here as ours is) and against our own JPEG, on the
// same RGBA; every result decoded by our `avif` build and scored by our `measure`. BD-rates on PSNR and
// SSIMULACRA2, download sizes, and encode times at equal quality: every sweep point is timed, and our
// time is interpolated at each libaom point's SSIMULACRA2 (so neither encoder is timed making a bigger
// file than the other); the times at each one's default quality are printed too, for reference.
import { bdRate } from './bdrate.mjs';

/** Qualities on each codec's own 1–100 scale; the BD-rate compares curves, not numbers. */
export const avifPlan = (quick) => ({
  qualities: quick ? [30, 50, 70, 85] : [20, 30, 40, 50, 60, 70, 80, 90],
  jpegQualities: quick ? [40, 60, 75, 90] : [30, 40, 50, 60, 70, 75, 80, 90, 95],
  images: quick ? 2 : 6,
  runs: quick ? 1 : 3,
});

export async function avifStage(openPage, p, quick, log) {
  const a = avifPlan(quick);
  const page = await openPage();
  const out = { lossy: [], speed: null };
  for (const img of p.lossy.slice(0, a.images)) {
    const dims = await page.evaluate(([n, u]) => bench.load(n, u), [img.name, img.url]);
    const entry = { name: img.name, ...dims, curves: {} };
    for (const [codec, qs] of [['ours-avif', a.qualities], ['jsquash-avif', a.qualities], ['ours', a.jpegQualities]]) {
      // One untimed encode first, so that no sweep point pays for compiling the module.
      if (!out.lossy.length) await page.evaluate(([n, c]) => bench.time(n, c, 50, 1, 0), [img.name, codec]);
      entry.curves[codec] = [];
      for (const q of qs) {
        const r = await page.evaluate(([n, c, qq]) => bench.point(n, c, qq), [img.name, codec, q]);
        entry.curves[codec].push({ q, ...r, bpp: (r.bytes * 8) / (dims.width * dims.height) });
      }
    }
    if (!out.speed) {
      out.speed = { name: img.name, ...dims, runs: a.runs, codecs: {} };
      for (const codec of ['ours-avif', 'jsquash-avif']) {
        // Each at its own default quality and speed (ours 60 at speed 8; libaom's quality 50 at speed 6).
        out.speed.codecs[codec] = await page.evaluate(([n, c, r]) => bench.time(n, c, null, 1, r), [img.name, codec, a.runs]);
      }
    }
    await page.evaluate((n) => bench.drop(n), img.name);
    out.lossy.push(entry);
    log(`avif ${img.name} done`);
  }
  await page.close();
  return out;
}

const mean = (xs) => (xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : null);
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const pct = (v) => (v === null || v === undefined ? 'n/a' : `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} %`);

const geomean = (xs) => (xs.length ? Math.exp(mean(xs.map(Math.log))) : null);

/**
 * Our encode time over libaom's at equal SSIMULACRA2: at each libaom sweep point whose score our curve
 * spans, our time interpolated (log-linearly, between the two points bracketing that score) over
 * libaom's measured time; the geometric mean over every such point of every image. Also the plain sums
 * over each sweep, for reference.
 */
export function equalQualityTimes(lossy, ours = 'ours-avif', peer = 'jsquash-avif', metric = 'ssimulacra2') {
  const ratios = [];
  let oursMs = 0;
  let peerMs = 0;
  for (const img of lossy) {
    const mine = [...img.curves[ours]].sort((x, y) => x[metric] - y[metric]);
    for (const pt of img.curves[peer]) {
      const hi = mine.findIndex((m) => m[metric] >= pt[metric]);
      if (hi <= 0) continue;
      const [a, b] = [mine[hi - 1], mine[hi]];
      const f = b[metric] === a[metric] ? 0 : (pt[metric] - a[metric]) / (b[metric] - a[metric]);
      const ms = Math.exp(Math.log(a.ms) + f * (Math.log(b.ms) - Math.log(a.ms)));
      ratios.push(ms / pt.ms);
      oursMs += ms;
      peerMs += pt.ms;
    }
  }
  const sum = (c) => lossy.reduce((n, img) => n + img.curves[c].reduce((m, pt) => m + pt.ms, 0), 0);
  return {
    points: ratios.length,
    ratio: geomean(ratios),
    oursMs,
    peerMs,
    sweepOursMs: sum(ours),
    sweepPeerMs: sum(peer),
  };
}

export function avifSummary(avif) {
  const curve = (pts, m) => pts.map((pt) => ({ rate: pt.bpp, quality: pt[m] }));
  const pairs = { 'vs libaom': 'jsquash-avif', 'vs our JPEG': 'ours' };
  const bd = {};
  for (const [label, anchor] of Object.entries(pairs)) {
    for (const m of ['psnr', 'ssimulacra2']) {
      bd[`${label}, ${m}`] = mean(avif.lossy
        .map((img) => bdRate(curve(img.curves[anchor], m), curve(img.curves['ours-avif'], m)))
        .filter((v) => v !== null));
    }
  }
  const speed = {};
  for (const [codec, t] of Object.entries(avif.speed?.codecs ?? {})) speed[codec] = { medianMs: median(t.times), bytes: t.bytes };
  if (speed['ours-avif'] && speed['jsquash-avif']) speed.ratio = speed['ours-avif'].medianMs / speed['jsquash-avif'].medianMs;
  return { bd, speed, equal: equalQualityTimes(avif.lossy) };
}

export function avifMarkdown(avif, summary, wasm = {}) {
  const out = ['## AVIF: ours (rav1e) against @jsquash/avif (libaom) and our JPEG', '',
    `${avif.lossy.length} images; every file decoded by our avif build. Negative BD-rate: our AVIF needs fewer bytes.`, '',
    '| comparison | BD-rate |', '|---|---|'];
  for (const [k, v] of Object.entries(summary.bd)) out.push(`| ${k} | ${pct(v)} |`);
  const eq = summary.equal;
  if (eq?.points) {
    out.push('', `Encode time at equal SSIMULACRA2 (${eq.points} libaom sweep points inside our curve; our time interpolated at each one's score): ` +
      `ours ${eq.ratio.toFixed(2)}× libaom's (geometric mean; summed ${(eq.oursMs / 1000).toFixed(1)} s against ${(eq.peerMs / 1000).toFixed(1)} s). ` +
      `Whole sweeps: ours ${(eq.sweepOursMs / 1000).toFixed(1)} s, libaom ${(eq.sweepPeerMs / 1000).toFixed(1)} s.`);
  }
  const sp = avif.speed;
  if (sp) {
    out.push('', `Encode time on ${sp.name} (${sp.width}x${sp.height}), each at its own default settings (not equal quality), median of ${sp.runs}:`, '',
      '| codec | median ms | bytes |', '|---|---|---|');
    for (const [codec, x] of Object.entries(summary.speed)) if (codec !== 'ratio') out.push(`| ${codec} | ${x.medianMs.toFixed(0)} | ${x.bytes} |`);
    if (summary.speed.ratio) out.push('', `At the defaults ours takes ${summary.speed.ratio.toFixed(2)}× libaom's time.`);
  }
  const sizes = Object.entries(wasm).filter(([k]) => /avif/.test(k));
  if (sizes.length) {
    out.push('', '| download | raw | gzipped (-9) |', '|---|---|---|');
    for (const [k, files] of sizes) {
      const sum = (f) => files.reduce((n, x) => n + x[f], 0);
      out.push(`| ${k} | ${(sum('bytes') / 1024).toFixed(1)} KiB | ${(sum('gzip') / 1024).toFixed(1)} KiB |`);
    }
  }
  out.push('');
  return out.join('\n');
}
