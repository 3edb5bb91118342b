// Builds the wasm module(s) described in wasm-pack.toml, then optimises each with binaryen's wasm-opt.
// wasm-pack runs in `no-install` mode: it must use the wasm-bindgen that scripts/setup.sh put on PATH
// rather than try to download one (these machines cannot reach GitHub).
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = parse(readFileSync(join(root, 'wasm-pack.toml'), 'utf8'));
const wasmOpt = join(root, 'node_modules', '.bin', 'wasm-opt');
// The post-MVP features rustc enables by default for wasm32-unknown-unknown; wasm-opt must accept them.
const features = [
  '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
];

const only = process.argv[2];
for (const build of config.build ?? []) {
  if (only && build.name !== only) continue;
  const args = [
    'build', '--mode', 'no-install', '--no-pack',
    '--target', build.target, '--out-dir', build['out-dir'], '--out-name', build['out-name'],
    `--${build.profile ?? 'release'}`,
  ];
  if (build['no-default-features']) args.push('--no-default-features');
  if (build.features?.length) args.push('--features', build.features.join(','));
  console.log(`[build] ${build.name}: wasm-pack ${args.join(' ')}`);
  execFileSync('wasm-pack', args, { cwd: root, stdio: 'inherit' });

  const wasm = join(root, build['out-dir'], `${build['out-name']}_bg.wasm`);
  const before = statSync(wasm).size;
  if (build['wasm-opt']?.length) {
    execFileSync(wasmOpt, [...build['wasm-opt'], ...features, wasm, '-o', wasm], { cwd: root, stdio: 'inherit' });
  }
  const bytes = readFileSync(wasm);
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`[build] ${build.name}: ${wasm} ${kb(before)} -> ${kb(bytes.length)}, ${kb(gzipSync(bytes, { level: 9 }).length)} gzipped`);
}
