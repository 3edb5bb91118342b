// `npm run bench:cli` (add `-- --quick` for one run of each): the `pixsqueeze` command on the corpus
// photos. Prints, as the median of several runs:
//   - files per second with --jobs 1 and --jobs 2 (target: 2 jobs >= 1.8x 1 job on 2 cores),
//   - per file, the native command (its report's timeMs, --jobs 1, --dry-run) against the same
//     compress in wasm in Node through the package (js/node.js; needs pkg/, `node scripts/build.mjs`),
//   - peak memory (max RSS, GNU time) of one file alone (the largest photo) and of the folder with
//     --jobs 1, 2 and 4 (target: jobs N <= N x the single-file peak + a small constant),
// with the load average before and after: figures taken while others use the CPU are noisy, say so.
// Figures only, no thresholds: this is a benchmark, not a test. Writes target/bench/cli.json too.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const runs = quick ? 1 : 3;
const photos = join(root, '..', 'shared', 'corpus', 'photos');
const options = { format: 'jpeg', quality: 75 };
const flags = ['--format', options.format, '--quality', String(options.quality)];

if (!existsSync(photos)) {
  console.log(`SKIP: ${photos} is absent; the CLI bench runs on the corpus photos`);
  process.exit(0);
}
const files = readdirSync(photos).filter((n) => /\.(jpe?g|png)$/i.test(n)).sort();
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const loadBefore = load();
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

console.log('[bench:cli] cargo build --release -p pixsqueeze-cli');
execFileSync('cargo', ['build', '--release', '--locked', '-p', 'pixsqueeze-cli'], { cwd: root, stdio: 'inherit' });
const bin = join(root, 'target', 'release', 'pixsqueeze');
const gnuTime = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'pixsqueeze-bench-'));

/** One run of the command: wall seconds, max RSS in MB (GNU time) and its JSON report. */
function run(args) {
  const report = join(scratch, 'report.json');
  const rss = join(scratch, 'rss');
  const cmd = gnuTime ? '/usr/bin/time' : bin;
  const argv = [...(gnuTime ? ['-f', '%M', '-o', rss, bin] : []), ...args, '--quiet', '--report', report];
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`pixsqueeze ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return {
    seconds,
    rssMb: gnuTime ? Number(readFileSync(rss, 'utf8').trim().split('\n').pop()) / 1024 : null,
    report: JSON.parse(readFileSync(report, 'utf8')),
  };
}

// Throughput: the whole folder, written to a scratch folder, 1 job then 2, alternating per round.
const folder = {};
for (let round = 0; round < runs; round++) {
  for (const jobs of [1, 2, 4]) {
    const out = join(scratch, `out-${jobs}`);
    const r = run([...flags, '--jobs', String(jobs), '--out', out, photos]);
    rmSync(out, { recursive: true, force: true });
    (folder[jobs] ??= []).push(r);
  }
}
const throughput = Object.fromEntries(Object.entries(folder).map(([jobs, rs]) => [jobs, {
  seconds: median(rs.map((r) => r.seconds)),
  filesPerSecond: files.length / median(rs.map((r) => r.seconds)),
  peakRssMb: gnuTime ? Math.max(...rs.map((r) => r.rssMb)) : null,
}]));

// Single-file peak: each 12 MP photo alone (the largest files); the larger peak is the bound's unit.
const big = [...files].sort((a, b) => readFileSync(join(photos, b)).length - readFileSync(join(photos, a)).length).slice(0, 2);
const single = big.map((name) => ({ name, rssMb: Math.max(...Array.from({ length: runs }, () => run([...flags, '--dry-run', join(photos, name)]).rssMb)) }));
const singlePeak = gnuTime ? Math.max(...single.map((s) => s.rssMb)) : null;

// Per file, native: the report's timeMs with --jobs 1, --dry-run (read, compress, measure; no write).
const native = {};
for (let i = 0; i < runs; i++) {
  for (const f of run([...flags, '--jobs', '1', '--dry-run', photos]).report.files) {
    (native[f.input.split('/').pop()] ??= []).push(f.timeMs);
  }
}

// Per file, wasm in Node through the package (the calling thread, as in Node), after one warm-up.
let wasm = null;
if (existsSync(join(root, 'pkg', 'pixsqueeze_bg.wasm'))) {
  const { compress } = await import('../js/node.js');
  wasm = {};
  await compress(readFileSync(join(photos, files[0])), options);
  for (const name of files) {
    const bytes = readFileSync(join(photos, name));
    for (let i = 0; i < runs; i++) {
      const started = process.hrtime.bigint();
      await compress(bytes, options);
      (wasm[name] ??= []).push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
} else {
  console.log('(no pkg/: `node scripts/build.mjs` first for the wasm-in-Node column)');
}
rmSync(scratch, { recursive: true, force: true });
const loadAfter = load();

const rows = files.map((name) => {
  const n = median(native[name]);
  const w = wasm ? median(wasm[name]) : null;
  return { name, nativeMs: n, wasmMs: w, wasmOverNative: w ? w / n : null };
});
const sum = (k) => rows.reduce((a, r) => a + (r[k] ?? 0), 0);

const t1 = throughput[1];
const t2 = throughput[2];
console.log(`\n## pixsqueeze CLI on ${files.length} corpus photos (${options.format}, quality ${options.quality}); median of ${runs}`);
console.log(`machine: ${cpus().length} cores; load average (1, 5, 15 min) before ${loadBefore}, after ${loadAfter}`);
console.log('\n| jobs | seconds | files/s | vs 1 job | peak RSS |');
console.log('| --- | --- | --- | --- | --- |');
for (const [jobs, t] of Object.entries(throughput)) {
  console.log(`| ${jobs} | ${t.seconds.toFixed(2)} | ${t.filesPerSecond.toFixed(2)} | ${(t.filesPerSecond / t1.filesPerSecond).toFixed(2)}x | ${t.peakRssMb?.toFixed(0) ?? '-'} MB |`);
}
console.log(`\n2 jobs / 1 job: ${(t2.filesPerSecond / t1.filesPerSecond).toFixed(2)}x (target >= 1.8x)`);
if (gnuTime) {
  console.log(`single-file peak RSS: ${single.map((s) => `${s.name} ${s.rssMb.toFixed(0)} MB`).join(', ')}`);
  for (const [jobs, t] of Object.entries(throughput)) {
    console.log(`jobs ${jobs}: peak ${t.peakRssMb.toFixed(0)} MB = ${(t.peakRssMb / singlePeak).toFixed(2)} x single-file peak (bound: ${jobs} x ${singlePeak.toFixed(0)} MB + a small constant)`);
  }
} else {
  console.log('(no GNU time at /usr/bin/time: no memory figures)');
}
console.log('\n| photo | native ms | wasm in Node ms | wasm / native |');
console.log('| --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.nativeMs.toFixed(0)} | ${r.wasmMs?.toFixed(0) ?? '-'} | ${r.wasmOverNative?.toFixed(2) ?? '-'} |`);
}
if (wasm) {
  const slower = rows.filter((r) => r.wasmOverNative < 1).map((r) => r.name);
  console.log(`| all | ${sum('nativeMs').toFixed(0)} | ${sum('wasmMs').toFixed(0)} | ${(sum('wasmMs') / sum('nativeMs')).toFixed(2)} |`);
  console.log(`native at least as fast as wasm on ${rows.length - slower.length} of ${rows.length} photos${slower.length ? ` (not on: ${slower.join(', ')})` : ''}`);
}
mkdirSync(join(root, 'target', 'bench'), { recursive: true });
writeFileSync(join(root, 'target', 'bench', 'cli.json'), `${JSON.stringify({ runs, loadBefore, loadAfter, throughput, single, perFile: rows }, null, 2)}\n`);
