// `npm run bench:cli` (add `-- --quick` for one run of each): the `pixsqueeze` command on the corpus
// photos. Prints, as the median of several runs:
//   - files per second on the whole folder with --jobs 1, 2 and 4 (target: 2 jobs >= 1.8x 1 job on 2
//     cores), and, since a shared machine makes wall times noisy, the speedup 2 jobs would give on 2
//     free cores: the per-file CPU times scheduled as the command does (largest first, each file to
//     the first free worker), with the CPU the folder took under 2 jobs against 1 (contention),
//   - per file, the native command (one process per photo, --dry-run) against the same compress in
//     wasm in Node through the package (js/node.js; needs pkg/: `node scripts/build.mjs core`), both
//     as wall time and as CPU time (user + system), which the machine's load disturbs far less,
//   - peak memory (max RSS, GNU time): each photo alone, then the folder with --jobs 1, 2 and 4, and
//     with --jobs 4 under a --memory budget (target: jobs N <= N x the single-file peak + a small
//     constant),
// with the load average before and after. Figures only, no thresholds: this is a benchmark, not a
// test. Writes target/bench/cli.json too.
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
  if (process.env.CI === 'true') throw new Error(`${photos} is absent: under CI=true the bench needs the shared corpus`);
  console.log(`SKIP: ${photos} is absent; the CLI bench runs on the corpus photos`);
  process.exit(0);
}
const files = readdirSync(photos).filter((n) => /\.(jpe?g|png)$/i.test(n)).sort();
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const loadBefore = load();
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

// The profile `cargo install --path cli --profile cli` builds with.
console.log('[bench:cli] cargo build --profile cli -p pixsqueeze-cli');
execFileSync('cargo', ['build', '--profile', 'cli', '--locked', '-p', 'pixsqueeze-cli'], { cwd: root, stdio: 'inherit' });
const bin = join(root, 'target', 'cli', 'pixsqueeze');
const gnuTime = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'pixsqueeze-bench-'));

/** One run of the command: wall and CPU seconds, max RSS in MB (GNU time) and its JSON report. */
function run(args) {
  const report = join(scratch, 'report.json');
  const stats = join(scratch, 'stats');
  const cmd = gnuTime ? '/usr/bin/time' : bin;
  const argv = [...(gnuTime ? ['-f', '%U %S %M', '-o', stats, bin] : []), ...args, '--quiet', '--report', report];
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`pixsqueeze ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const [user, system, rssKb] = gnuTime ? readFileSync(stats, 'utf8').trim().split('\n').pop().split(' ').map(Number) : [];
  return {
    seconds,
    cpuSeconds: gnuTime ? user + system : null,
    rssMb: gnuTime ? rssKb / 1024 : null,
    report: JSON.parse(readFileSync(report, 'utf8')),
  };
}

// The folder, written to a scratch folder: 1, 2 and 4 jobs, then 4 jobs under a memory budget that
// admits one 12 MP photo at a time (its estimate is about 230 MB), alternating per round.
const budget = '200MB';
const configs = { 1: ['--jobs', '1'], 2: ['--jobs', '2'], 4: ['--jobs', '4'], [`4, --memory ${budget}`]: ['--jobs', '4', '--memory', budget] };
const folder = {};
for (let round = 0; round < runs; round++) {
  for (const [name, extra] of Object.entries(configs)) {
    const out = join(scratch, 'out');
    const r = run([...flags, ...extra, '--out', out, photos]);
    rmSync(out, { recursive: true, force: true });
    (folder[name] ??= []).push(r);
  }
}
const throughput = Object.fromEntries(Object.entries(folder).map(([name, rs]) => [name, {
  seconds: median(rs.map((r) => r.seconds)),
  filesPerSecond: files.length / median(rs.map((r) => r.seconds)),
  cpuSeconds: gnuTime ? median(rs.map((r) => r.cpuSeconds)) : null,
  peakRssMb: gnuTime ? Math.max(...rs.map((r) => r.rssMb)) : null,
}]));

// Per file, native: each photo alone in its own process (read, compress, measure; no write).
const native = {};
for (let i = 0; i < runs; i++) {
  for (const name of files) {
    const r = run([...flags, '--dry-run', join(photos, name)]);
    const n = (native[name] ??= { ms: [], cpuMs: [], rssMb: [] });
    n.ms.push(r.report.files[0].timeMs);
    if (gnuTime) { n.cpuMs.push(r.cpuSeconds * 1e3); n.rssMb.push(r.rssMb); }
  }
}
const singlePeak = gnuTime ? Math.max(...files.map((f) => Math.max(...native[f].rssMb))) : null;
const singlePeakFile = gnuTime ? files.find((f) => Math.max(...native[f].rssMb) === singlePeak) : null;

// Per file, wasm in Node through the package (the calling thread, as in Node), after one warm-up.
let wasm = null;
if (existsSync(join(root, 'pkg', 'pixsqueeze_bg.wasm'))) {
  const { compress } = await import('../js/node.js');
  wasm = {};
  await compress(readFileSync(join(photos, files[0])), options);
  for (let i = 0; i < runs; i++) {
    for (const name of files) {
      const bytes = readFileSync(join(photos, name));
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      await compress(bytes, options);
      const w = (wasm[name] ??= { ms: [], cpuMs: [] });
      w.ms.push(Number(process.hrtime.bigint() - started) / 1e6);
      const used = process.cpuUsage(cpu);
      w.cpuMs.push((used.user + used.system) / 1e3);
    }
  }
} else {
  console.log('(no pkg/: `node scripts/build.mjs core` first for the wasm-in-Node column)');
}
rmSync(scratch, { recursive: true, force: true });
const loadAfter = load();

const rows = files.map((name) => ({
  name,
  nativeMs: median(native[name].ms),
  nativeCpuMs: gnuTime ? median(native[name].cpuMs) : null,
  wasmMs: wasm ? median(wasm[name].ms) : null,
  wasmCpuMs: wasm ? median(wasm[name].cpuMs) : null,
}));
const sum = (k) => rows.reduce((a, r) => a + (r[k] ?? 0), 0);
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : '-');

// The command's schedule on free cores: largest file first, each to the first free worker.
function makespan(workers, key) {
  const free = new Array(workers).fill(0);
  const bySize = [...rows].sort((a, b) => readFileSync(join(photos, b.name)).length - readFileSync(join(photos, a.name)).length);
  for (const r of bySize) {
    const i = free.indexOf(Math.min(...free));
    free[i] += r[key];
  }
  return Math.max(...free);
}

const t1 = throughput[1];
const t2 = throughput[2];
console.log(`\n## pixsqueeze CLI on ${files.length} corpus photos (${options.format}, quality ${options.quality}); median of ${runs}`);
console.log(`machine: ${cpus().length} cores; load average (1, 5, 15 min) before ${loadBefore}, after ${loadAfter}`);
console.log('\n| jobs | seconds | files/s | vs 1 job | CPU seconds | peak RSS |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [name, t] of Object.entries(throughput)) {
  console.log(`| ${name} | ${t.seconds.toFixed(2)} | ${t.filesPerSecond.toFixed(2)} | ${(t.filesPerSecond / t1.filesPerSecond).toFixed(2)}x | ${t.cpuSeconds?.toFixed(1) ?? '-'} | ${t.peakRssMb?.toFixed(0) ?? '-'} MB |`);
}
console.log(`\n2 jobs / 1 job, measured: ${(t2.filesPerSecond / t1.filesPerSecond).toFixed(2)}x (target >= 1.8x; meaningful only on a quiet machine)`);
if (gnuTime) {
  const key = 'nativeCpuMs';
  const model = makespan(1, key) / makespan(2, key);
  const contention = t2.cpuSeconds / t1.cpuSeconds;
  console.log(`2 jobs / 1 job on 2 free cores, from per-file CPU times: ${model.toFixed(2)}x by the schedule (largest first), `
    + `${(model / contention).toFixed(2)}x with the folder's CPU under 2 jobs ${contention.toFixed(2)}x that under 1`);
  console.log(`\nsingle-file peak RSS: ${singlePeak.toFixed(0)} MB (${singlePeakFile})`);
  for (const [name, t] of Object.entries(throughput)) {
    const n = Number.parseInt(name, 10);
    console.log(`jobs ${name}: peak ${t.peakRssMb.toFixed(0)} MB = ${(t.peakRssMb / singlePeak).toFixed(2)} x the single-file peak (bound: ${n} x ${singlePeak.toFixed(0)} MB + a small constant)`);
  }
} else {
  console.log('(no GNU time at /usr/bin/time: no CPU or memory figures)');
}
console.log('\n| photo | native ms | wasm in Node ms | wasm / native | native CPU ms | wasm CPU ms | wasm / native (CPU) |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.nativeMs.toFixed(0)} | ${r.wasmMs?.toFixed(0) ?? '-'} | ${ratio(r.wasmMs, r.nativeMs)} | ${r.nativeCpuMs?.toFixed(0) ?? '-'} | ${r.wasmCpuMs?.toFixed(0) ?? '-'} | ${ratio(r.wasmCpuMs, r.nativeCpuMs)} |`);
}
console.log(`| all | ${sum('nativeMs').toFixed(0)} | ${sum('wasmMs').toFixed(0)} | ${ratio(sum('wasmMs'), sum('nativeMs'))} | ${sum('nativeCpuMs').toFixed(0)} | ${sum('wasmCpuMs').toFixed(0)} | ${ratio(sum('wasmCpuMs'), sum('nativeCpuMs'))} |`);
if (wasm && gnuTime) {
  const slower = rows.filter((r) => r.wasmCpuMs < r.nativeCpuMs).map((r) => r.name);
  console.log(`native at least as fast as wasm (CPU time) on ${rows.length - slower.length} of ${rows.length} photos${slower.length ? ` (not on: ${slower.join(', ')})` : ''}`);
}
mkdirSync(join(root, 'target', 'bench'), { recursive: true });
writeFileSync(join(root, 'target', 'bench', 'cli.json'), `${JSON.stringify({ runs, loadBefore, loadAfter, throughput, singlePeak, perFile: rows }, null, 2)}\n`);
