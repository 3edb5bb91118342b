// Turns the benchmark's raw figures into BD-rates, speed ratios and totals, and those into markdown.
import { bdRate } from './bdrate.mjs';

// Each of our lossy encoders against its peers, measured in the same run on the same images.
const families = [
  { title: 'JPEG', ours: 'ours', peers: ['mozjpeg', 'canvas'], label: { ours: 'ours', mozjpeg: 'MozJPEG', canvas: 'canvas' } },
  {
    title: 'WebP', ours: 'ours-webp', peers: ['jsquash-webp', 'canvas-webp'],
    label: { 'ours-webp': 'ours', 'jsquash-webp': 'libwebp (@jsquash/webp)', 'canvas-webp': 'canvas WebP' },
  },
];
const metrics = ['psnr', 'ssimulacra2'];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function summarise(r) {
  const curve = (pts, metric) => pts.map((p) => ({ rate: p.bpp, quality: p[metric] }));
  const bd = {};
  const present = families.filter((f) => r.lossy[0]?.curves[f.ours]);
  for (const img of r.lossy) {
    bd[img.name] = {};
    for (const f of present) {
      for (const peer of f.peers) {
        for (const m of metrics) {
          bd[img.name][`${peer}.${m}`] = bdRate(curve(img.curves[peer], m), curve(img.curves[f.ours], m));
        }
      }
    }
  }
  const average = {};
  for (const key of Object.keys(Object.values(bd)[0] ?? {})) {
    average[key] = mean(Object.values(bd).map((b) => b[key]).filter((v) => v !== null));
  }
  // Our quality scales beside the peers': mean score and rate at each number.
  const scale = r.qualities.map((q, i) => {
    const row = { q };
    for (const codec of present.flatMap((f) => [f.ours, ...f.peers])) {
      row[codec] = {
        ssimulacra2: mean(r.lossy.map((img) => img.curves[codec][i].ssimulacra2)),
        psnr: mean(r.lossy.map((img) => img.curves[codec][i].psnr)),
        bpp: mean(r.lossy.map((img) => img.curves[codec][i].bpp)),
      };
    }
    return row;
  });
  const mp = (r.speed.width * r.speed.height) / 1e6;
  const speed = {};
  for (const [codec, t] of Object.entries(r.speed.codecs)) {
    speed[codec] = { medianMs: median(t.times), msPerMp: median(t.times) / mp, bytes: t.bytes };
  }
  for (const f of present) {
    for (const peer of f.peers) {
      if (speed[peer] && speed[f.ours]) speed[peer].oursFasterBy = speed[peer].medianMs / speed[f.ours].medianMs;
    }
  }
  const lossless = {};
  for (const img of r.lossless) {
    for (const [codec, x] of Object.entries(img.codecs)) {
      lossless[codec] ??= { bytes: 0, ms: 0 };
      lossless[codec].bytes += x.bytes;
      lossless[codec].ms += x.ms;
    }
  }
  for (const [codec, x] of Object.entries(speed)) {
    if (/^ours(-\dw)?$/.test(codec) && speed.canvas) x.vsCanvas = speed.canvas.medianMs / x.medianMs;
  }
  // Lossless totals by kind: the screenshots and graphics, and the photos.
  const kinds = { photos: {}, screenshots: {} };
  for (const img of r.lossless) {
    const kind = /^(screenshot|graphic)/.test(img.name) ? kinds.screenshots : kinds.photos;
    for (const [codec, x] of Object.entries(img.codecs)) {
      kind[codec] ??= { bytes: 0, ms: 0, images: 0 };
      kind[codec].bytes += x.bytes;
      kind[codec].ms += x.ms;
      kind[codec].images += 1;
    }
  }
  return { bd, average, scale, speed, lossless, kinds, targets: targets(r, { average, speed, lossless, kinds }) };
}

/**
 * Issue 14's targets, each `{ name, measured, goal, met }` (`met` null where this run did not measure it:
 * a run of an older bench left out the 12 MP PNG).
 */
function targets(r, s) {
  const out = [];
  const add = (name, value, goal, ok, text) => out.push({ name, measured: value === null || value === undefined ? 'n/a' : text(value), goal, met: value === null || value === undefined ? null : ok(value) });
  const mp = `${((r.speed.width * r.speed.height) / 1e6).toFixed(1)} MP`;
  const x = (v) => `${v.toFixed(2)}×`;
  add(`JPEG encode speed vs the browser's canvas encoder, ${mp}, 1 worker`, s.speed['ours-1w']?.vsCanvas, '≥ 1.00×', (v) => v >= 1, x);
  add(`JPEG encode speed vs canvas, ${mp}, the wasm called on the page's thread (no worker round trip)`, s.speed.ours?.vsCanvas, '≥ 1.00×', (v) => v >= 1, x);
  add('JPEG bytes vs canvas at equal SSIMULACRA2 (BD-rate)', s.average['canvas.ssimulacra2'], '≤ 0 %', (v) => v <= 0, pct);
  const split = s.speed['ours-1w'] && s.speed['ours-2w'] ? s.speed['ours-1w'].medianMs / s.speed['ours-2w'].medianMs : null;
  add(`JPEG ${mp} split over 2 workers (\`split: true\`) vs 1 worker`, split, '≥ 1.80×', (v) => v >= 1.8, x);
  add(`JPEG ${mp} over 2 workers vs canvas`, s.speed['ours-2w']?.vsCanvas, '≥ 1.80×', (v) => v >= 1.8, x);
  const ox = s.lossless['oxipng-2'];
  const png = s.lossless['ours-png'];
  add('lossless PNG (default effort) time vs oxipng level 2', png && ox ? png.ms / ox.ms : null, '≤ 0.25×', (v) => v <= 0.25, x);
  for (const kind of ['photos', 'screenshots']) {
    const k = s.kinds[kind];
    const v = k['ours-png'] && k['oxipng-2'] ? k['ours-png'].bytes / k['oxipng-2'].bytes - 1 : null;
    add(`lossless PNG bytes vs oxipng level 2, ${kind} (${k['ours-png']?.images ?? 0} images)`, v, '≤ 0 %', (b) => b <= 0, pct);
  }
  add(`lossless PNG (default effort) of ${r.png12 ? mp : 'the 12 MP photo'}, 1 worker`, r.png12?.ms, '≤ 3000 ms', (v) => v <= 3000, (v) => `${v.toFixed(0)} ms`);
  const pngSplit = r.png12 && r.png12split ? r.png12.ms / r.png12split.ms : null;
  add(`lossless PNG ${mp} split over 2 workers (\`split: true\`) vs 1 worker${r.png12split ? ` (${r.png12split.ms.toFixed(0)} ms)` : ''}`, pngSplit, '≥ 1.80×', (v) => v >= 1.8, x);
  const pngCost = r.png12 && r.png12split ? r.png12split.bytes / r.png12.bytes - 1 : null;
  add(`lossless PNG ${mp}: bytes the 2-worker split costs`, pngCost, '≤ 0.2 %', (v) => v <= 0.002, (v) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(3)} %`);
  const score = r.score ? median(r.score.times) : null;
  add(`SSIMULACRA2 of a ${mp} result in wasm`, score, '≤ 300 ms', (v) => v <= 300, (v) => `${v.toFixed(0)} ms`);
  const one = r.score1w ? median(r.score1w.times) : null;
  const two = r.score2w ? median(r.score2w.times) : null;
  add(`SSIMULACRA2 of a ${mp} result, package, split over 2 workers (\`split: true\`)${one === null ? '' : `; 1 worker: ${one.toFixed(0)} ms`}`, two, '≤ 300 ms', (v) => v <= 300, (v) => `${v.toFixed(0)} ms`);
  return out;
}

/** The targets as the README's performance table. */
export function targetsMarkdown(r) {
  const load = r.load ? `, load average ${r.load.before.toFixed(1)} before and ${r.load.after.toFixed(1)} after` : '';
  const lines = [`Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC (\`npm run bench\`, ${r.mode} mode; Chromium ${r.chromium}; ${r.cpu}${load}), `
    + `speed image ${r.speed.name} (${r.speed.width}x${r.speed.height}), median of ${r.speed.runs}:`, '',
  '| target (issue 14) | measured | goal | met |', '|---|---|---|---|'];
  for (const t of r.summary.targets) lines.push(`| ${t.name} | ${t.measured} | ${t.goal} | ${t.met === null ? 'not measured' : t.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

const pct = (v) => (v === null || v === undefined ? 'n/a' : `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} %`);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const num = (v, d = 2) => (v === null || v === undefined ? 'n/a' : v.toFixed(d));

export function markdown(r) {
  const s = r.summary;
  const out = [];
  out.push(`# pixsqueeze benchmark (${r.mode})`, '');
  out.push(`${r.date}; Chromium ${r.chromium}; ${r.cpu}; ${r.seconds.toFixed(0)} s in all.`,
    'Every codec encodes the same RGBA; every result is decoded by our decoder and scored by our `measure` '
    + '(PSNR over RGB; SSIMULACRA2, on 512-px tiles above 1 MP). BD-rate: Bjøntegaard, cubic fit of ln(bpp) on '
    + 'the score, over the shared score range; negative means ours needs fewer bytes for the same score.',
    `Qualities: ${r.qualities.join(', ')}. MozJPEG = @jsquash/jpeg (Squoosh defaults: progressive, trellis, `
    + '4:2:0); canvas = OffscreenCanvas.convertToBlob(image/jpeg or image/webp); libwebp = @jsquash/webp '
    + '(Squoosh\'s build, its defaults: method 4), ours-webp = libwebp in our full module.', '');

  for (const f of families.filter((fam) => r.lossy[0]?.curves[fam.ours])) {
    const cols = f.peers.flatMap((peer) => metrics.map((m) => [peer, m]));
    const metricName = { psnr: 'PSNR', ssimulacra2: 'SSIMULACRA2' };
    out.push(`## ${f.title} BD-rate of ours`, '',
      `| image | size | ${cols.map(([peer, m]) => `vs ${f.label[peer]}, ${metricName[m]}`).join(' | ')} |`,
      `|---|---|${cols.map(() => '---').join('|')}|`);
    for (const img of r.lossy) {
      const b = s.bd[img.name];
      out.push(`| ${img.name} | ${img.width}x${img.height} | ${cols.map(([peer, m]) => pct(b[`${peer}.${m}`])).join(' | ')} |`);
    }
    const a = s.average;
    out.push(`| **average** | ${r.lossy.length} images | ${cols.map(([peer, m]) => `**${pct(a[`${peer}.${m}`])}**`).join(' | ')} |`, '');

    const codecs = [f.ours, ...f.peers];
    out.push(`## ${f.title} quality scale (means over the lossy images)`, '',
      `| quality | ${codecs.map((c) => `${f.label[c]} bpp | ${f.label[c]} SSIMULACRA2 | ${f.label[c]} PSNR`).join(' | ')} |`,
      `|---|${codecs.map(() => '---|---|---').join('|')}|`);
    for (const row of s.scale) {
      out.push(`| ${row.q} | ${codecs.map((c) => `${num(row[c].bpp, 3)} | ${num(row[c].ssimulacra2)} | ${num(row[c].psnr)}`).join(' | ')} |`);
    }
    out.push('');
  }

  out.push('## Issue 14 targets, measured vs target', '', targetsMarkdown(r), '');

  const sp = r.speed;
  out.push(`## Lossy encode speed: ${sp.name} (${sp.width}x${sp.height}), quality ${sp.quality}, median of ${sp.runs} after ${sp.warmup} warm-up`, '',
    'Each peer\'s time over ours of the same format (ours-webp for the WebP peers).', '',
    '| codec | median ms | ms per MP | bytes | ours faster by |', '|---|---|---|---|---|');
  for (const [codec, x] of Object.entries(s.speed)) {
    out.push(`| ${codec} | ${x.medianMs.toFixed(0)} | ${x.msPerMp.toFixed(1)} | ${x.bytes} | ${x.oursFasterBy ? `${x.oursFasterBy.toFixed(2)}×` : '—'} |`);
  }
  out.push('');

  const ox = s.lossless['oxipng-2'];
  const runs = Object.values(r.lossless[0]?.codecs ?? {})[0]?.times?.length; // reports before 1 December have one run
  out.push(`## Lossless PNG: ${r.lossless.length} images, ${runs ? `median of ${runs} runs each after a first one` : 'one run each'}, every result checked pixel-exact`, '',
    '| codec | total bytes | vs oxipng 2 | total ms | time vs oxipng 2 |', '|---|---|---|---|---|');
  for (const [codec, x] of Object.entries(s.lossless)) {
    out.push(`| ${codec} | ${x.bytes} | ${pct(x.bytes / ox.bytes - 1)} | ${x.ms.toFixed(0)} | ${(x.ms / ox.ms).toFixed(2)}× |`);
  }
  out.push('', '| image | size | ' + Object.keys(s.lossless).join(' | ') + ' |', `|---|---|${Object.keys(s.lossless).map(() => '---').join('|')}|`);
  for (const img of r.lossless) {
    out.push(`| ${img.name} | ${img.width}x${img.height} | ${Object.values(img.codecs).map((x) => `${x.bytes} (${x.ms.toFixed(0)} ms)`).join(' | ')} |`);
  }
  out.push('');

  out.push('## Download size and memory', '', '| codec | file | bytes | gzipped |', '|---|---|---|---|');
  for (const [codec, files] of Object.entries(r.wasm)) {
    for (const f of files) out.push(`| ${codec} | ${f.path} | ${kb(f.bytes)} | ${kb(f.gzip)} |`);
  }
  out.push('', `Peak wasm linear memory of our encoder instance: ${(r.memory.jpeg / 2 ** 20).toFixed(1)} MiB after the JPEG speed runs on `
    + `${r.memory.jpegImage}; ${(r.memory.all / 2 ** 20).toFixed(1)} MiB after the lossless runs (fresh instance).`, '');
  return out.join('\n');
}
