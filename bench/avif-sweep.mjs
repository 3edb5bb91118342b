// Summarises target/avif-sweep.jsonl (benches/avif_sweep.rs, native: `cargo bench --bench avif_sweep`): per codec the mean bytes, time and
// scores at each quality, and BD-rates on SSIMULACRA2 and PSNR of every codec against `--anchor`
// (default: our JPEG), averaged over the images both have. Figures for src/codecs/avif-notes.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bdRate } from './bdrate.mjs';
import { root } from './plan.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const anchor = arg('--anchor', 'jpeg');
const points = readFileSync(join(root, 'target', 'avif-sweep.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const codecs = [...new Set(points.map((p) => p.codec))];
const images = [...new Set(points.map((p) => p.image))];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

for (const codec of codecs) {
  const rows = points.filter((p) => p.codec === codec);
  const qs = [...new Set(rows.map((p) => p.q))].sort((a, b) => a - b);
  console.log(`\n${codec}`);
  for (const q of qs) {
    const at = rows.filter((p) => p.q === q);
    console.log(`  q${q}: ${Math.round(mean(at.map((p) => p.bytes)))} B, ${mean(at.map((p) => p.ms)).toFixed(0)} ms, ` +
      `SSIMULACRA2 ${mean(at.map((p) => p.ssimulacra2)).toFixed(2)}, PSNR ${mean(at.map((p) => p.psnr)).toFixed(2)} (${at.length} images)`);
  }
}
console.log(`\nBD-rate against ${anchor} (negative: fewer bytes at equal score), mean over images:`);
for (const codec of codecs.filter((c) => c !== anchor)) {
  const per = { ssimulacra2: [], psnr: [] };
  for (const image of images) {
    const a = points.filter((p) => p.codec === anchor && p.image === image);
    const t = points.filter((p) => p.codec === codec && p.image === image);
    for (const metric of Object.keys(per)) {
      const bd = bdRate(a.map((p) => ({ rate: p.bytes, quality: p[metric] })), t.map((p) => ({ rate: p.bytes, quality: p[metric] })));
      if (bd !== null) per[metric].push(bd);
    }
  }
  const fmt = (xs) => (xs.length ? `${(mean(xs) * 100).toFixed(1)} % (${xs.length} images)` : 'n/a');
  const ms = mean(points.filter((p) => p.codec === codec).map((p) => p.ms));
  console.log(`  ${codec}: SSIMULACRA2 ${fmt(per.ssimulacra2)}, PSNR ${fmt(per.psnr)}, mean ${ms.toFixed(0)} ms/encode`);
}
