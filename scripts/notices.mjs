// Writes THIRD-PARTY-NOTICES.md: every crate compiled into any of our wasm builds (wasm32) or into the
// command line (the host), each with its copyright notice and the full text of the licence we use it
// under, taken from the crate's own files; C code compiled in by a -sys crate (libwebp through
// libwebp-sys) with the licence files vendored beside it; the Rust standard library; and the IJG notice.
// MIT, BSD, Zlib and Apache-2.0 all ask that the notice and licence text ship with the binary.
//
// What is compiled in comes from `cargo metadata` (all features, per target platform): the normal
// dependencies of our crates, without build scripts' and proc-macros' (they run at build time and leave
// no code behind). tests/node/package.test.mjs regenerates the file and fails when the committed one
// differs, and checks that every crate has a licence text: `npm run notices` brings it up to date.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const noticesFile = join(root, 'THIRD-PARTY-NOTICES.md');
const templates = join(root, 'scripts', 'licenses');

/** Crates we ported code from rather than link: SSIMULACRA2 and its XYB (src/metrics/ssimulacra2.rs). */
const PORTED = new Set(['ssimulacra2', 'yuvxyb', 'yuvxyb-math']);

/** The platforms we ship code for: every wasm build, and the CLI on the host. */
const platforms = ['wasm32-unknown-unknown', hostTriple()];

function hostTriple() {
  const out = execFileSync('rustc', ['-vV'], { encoding: 'utf8' });
  return /^host: (.+)$/m.exec(out)[1].trim();
}

function metadata(platform) {
  const out = execFileSync('cargo', [
    'metadata', '--format-version', '1', '--locked', '--all-features', '--filter-platform', platform,
  ], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out);
}

/**
 * `[{ name, version, license, authors, repository, dir, links, platforms }]`: the crates compiled into
 * what we ship, ours excluded, sorted by name and version.
 */
export function shippedCrates() {
  const found = new Map();
  for (const platform of platforms) {
    const meta = metadata(platform);
    const packages = new Map(meta.packages.map((p) => [p.id, p]));
    const nodes = new Map(meta.resolve.nodes.map((n) => [n.id, n]));
    const ours = new Set(meta.workspace_members);
    // Only the core crate is compiled to wasm; the CLI and any other member build for the host.
    const roots = platform.startsWith('wasm32') ? meta.workspace_members.filter((id) => packages.get(id).name === 'pixsqueeze') : meta.workspace_members;
    const seen = new Set();
    const stack = [...roots];
    // Crates our own code is ported from (dev-dependencies, for the tests that compare the two): their
    // notices ship as if they were compiled in, without their dependencies.
    const ported = new Set();
    for (const pkg of meta.packages) if (PORTED.has(pkg.name)) ported.add(pkg.id);
    stack.push(...ported);
    while (stack.length) {
      const id = stack.pop();
      if (seen.has(id)) continue;
      seen.add(id);
      const pkg = packages.get(id);
      if (pkg.targets.some((t) => t.kind.includes('proc-macro'))) continue; // runs in the compiler only
      if (!ours.has(id)) {
        const key = `${pkg.name} ${pkg.version}`;
        const entry = found.get(key) ?? {
          name: pkg.name, version: pkg.version, license: pkg.license ?? '', licenseFile: pkg.license_file,
          authors: pkg.authors ?? [], repository: pkg.repository ?? '', dir: dirname(pkg.manifest_path),
          links: pkg.links, platforms: [],
          // A build script that compiles C (with the cc crate) puts that C code in what ships. Only a
          // `cc` the resolved graph enables counts: rav1e and av-scenechange name it as an optional
          // build-dependency of their assembly feature, which we leave off.
          compilesC: nodes.get(id).deps.some((d) => d.name === 'cc' && d.dep_kinds.some((k) => k.kind === 'build')),
        };
        entry.platforms.push(platform.startsWith('wasm32') ? 'wasm' : 'cli');
        found.set(key, entry);
      }
      if (ported.has(id)) continue;
      for (const dep of nodes.get(id).deps) {
        // Normal dependencies only: build-dependencies run at build time, dev-dependencies in tests.
        if (dep.dep_kinds.some((k) => k.kind === null)) stack.push(dep.pkg);
      }
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version, 'en', { numeric: true }));
}

// ---- licence files ----

const LICENCE_FILE = /^(licen[cs]e|copying|copyright|notice|unlicense|patents|authors)([-._].*)?$/i;
const SKIP_DIRS = /^(\.|tests?$|examples?$|benches$|docs?$|target$|node_modules$|fuzz$|ci$|scripts$)/i;

/** Licence-like files directly in `dir`. */
function licenceFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => LICENCE_FILE.test(f) && statSync(join(dir, f)).isFile()).sort().map((f) => join(dir, f));
}

/** Licence files of C code vendored inside a -sys crate (e.g. libwebp-sys's `vendor/COPYING`), a few levels down. */
function vendoredLicenceFiles(dir, depth = 3) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || SKIP_DIRS.test(entry.name)) continue;
    const sub = join(dir, entry.name);
    out.push(...licenceFiles(sub));
    if (depth > 1) out.push(...vendoredLicenceFiles(sub, depth - 1));
  }
  return out;
}

/** The SPDX id a licence text is, from its wording. */
function classify(text) {
  const t = text.replace(/\s+/g, ' ');
  if (/Apache License,? Version 2\.0/i.test(t) && /TERMS AND CONDITIONS/i.test(t)) return 'Apache-2.0';
  if (/UNICODE LICENSE|Unicode, Inc\./i.test(t) && /Permission is hereby granted/i.test(t)) return 'Unicode-3.0';
  if (/Permission is hereby granted, free of charge/i.test(t)) return 'MIT';
  if (/This is free and unencumbered software released into the public domain/i.test(t)) return 'Unlicense';
  if (/Redistribution and use in source and binary forms/i.test(t)) {
    return /Neither the name|names of its contributors/i.test(t) ? 'BSD-3-Clause' : 'BSD-2-Clause';
  }
  if (/This software is provided ['‘]as-is['’]/i.test(t) && /altered source versions must be plainly marked/i.test(t)) return 'Zlib';
  if (/Permission to use, copy, modify, and\/or distribute this software for any purpose/i.test(t)) {
    return /copyright notice and this permission notice appear in all copies/i.test(t) ? 'ISC' : '0BSD';
  }
  if (/Boost Software License/i.test(t)) return 'BSL-1.0';
  return null;
}

/** `[[alternatives…], …]`: the licences to satisfy (AND), each a choice among alternatives (OR). */
function parseExpression(expr) {
  const s = expr.replace(/\//g, ' OR ').trim();
  const conjuncts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (depth === 0 && s.startsWith(' AND ', i)) {
      conjuncts.push(s.slice(start, i));
      start = i + 5;
    }
  }
  conjuncts.push(s.slice(start));
  return conjuncts.map((c) => c.replace(/[()]/g, ' ').split(/\s+OR\s+/).map((a) => a.trim()).filter(Boolean));
}

// The licences we prefer to use a crate under, where it offers a choice: the shortest notice first.
const PREFERENCE = ['MIT', 'Zlib', 'BSD-2-Clause', 'BSD-3-Clause', 'ISC', '0BSD', 'Unlicense', 'BSL-1.0', 'Unicode-3.0', 'Unicode-DFS-2016', 'Apache-2.0'];
const rank = (id) => (PREFERENCE.includes(id) ? PREFERENCE.indexOf(id) : PREFERENCE.length);

/** The standard text of `id`, with the crate's authors as the copyright holders, for crates that ship no licence file. */
function template(id, holders) {
  const file = join(templates, `${id}.txt`);
  if (!existsSync(file)) return null;
  return readFileSync(file, 'utf8').replaceAll('<copyright holders>', holders).trimEnd();
}

const clean = (text) => text.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').trimEnd();
const holdersOf = (c) => (c.authors.length ? c.authors.map((a) => a.replace(/\s*<[^>]*>/, '')).join(', ') : `the ${c.name} authors`);

/**
 * `{ license, texts: [{ source, text }], missing }` for a crate: the alternative we use it under for each
 * part of its licence expression, with the text from its own files (or, lacking one, the standard text
 * naming its authors), every NOTICE and PATENTS file it ships, and the licence files of C code vendored in it.
 */
export function licenceTexts(c) {
  const files = licenceFiles(c.dir).concat(c.licenseFile ? [join(c.dir, c.licenseFile)] : []);
  const byId = new Map();
  const notices = [];
  for (const f of [...new Set(files)]) {
    const text = clean(readFileSync(f, 'utf8'));
    // NOTICE files, and patent grants (rav1e's AOMedia Patent License 1.0) that ride with the code.
    if (/^(notice|patents)/i.test(f.split('/').pop())) notices.push({ source: relative(c.dir, f), text });
    const id = classify(text);
    if (id && !byId.has(id)) byId.set(id, { source: relative(c.dir, f), text });
  }
  const chosen = [];
  const texts = [];
  const missing = [];
  for (const alternatives of parseExpression(c.license || 'UNKNOWN')) {
    const sorted = [...alternatives].sort((a, b) => rank(a) - rank(b));
    const own = sorted.find((id) => byId.has(id));
    if (own) {
      chosen.push(own);
      texts.push(byId.get(own));
      continue;
    }
    const id = sorted.find((a) => template(a, '') !== null);
    if (id) {
      chosen.push(id);
      texts.push({ source: `the standard ${id} text (the crate ships none), for its authors`, text: template(id, holdersOf(c)) });
    } else {
      chosen.push(sorted[0]);
      missing.push(sorted.join(' OR '));
    }
  }
  texts.push(...notices.filter((n) => !texts.some((t) => t.text === n.text)));
  if (c.compilesC) {
    for (const f of vendoredLicenceFiles(c.dir)) {
      texts.push({ source: `${relative(c.dir, f)} (C code compiled in)`, text: clean(readFileSync(f, 'utf8')) });
    }
  }
  return { license: chosen.join(' AND '), texts, missing };
}

// ---- the file ----

const RUST_STD = {
  name: 'The Rust standard library',
  detail: 'core, alloc and std, with the crates std builds on for these targets (on wasm32 its allocator, dlmalloc)',
  license: 'MIT (offered as MIT OR Apache-2.0)',
  holders: 'The Rust Project Developers (see https://thanks.rust-lang.org)',
};

// Not a crate: headers whose inline functions end up in libwebp's SSE code in the wasm builds
// (.cargo/config.toml, scripts/setup.sh). Emscripten is offered under MIT or UIUC/NCSA.
const EMSCRIPTEN_SSE = {
  name: "Emscripten's SSE compatibility headers",
  detail: 'xmmintrin.h, emmintrin.h, pmmintrin.h, tmmintrin.h and smmintrin.h from Emscripten 3.1.6 (Debian\'s '
    + '`emscripten` package), which map the SSE intrinsics of libwebp\'s SSE2/SSE4.1 code onto wasm SIMD128 '
    + 'in the full and avif wasm builds',
  license: 'MIT (offered as MIT or the University of Illinois/NCSA Open Source License)',
  holders: '2020 The Emscripten Authors',
};

const fence = (text) => {
  const ticks = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}text\n${text}\n${ticks}`;
};

/** THIRD-PARTY-NOTICES.md for `crates` (from shippedCrates()). */
export function notices(crates) {
  const rows = [];
  const groups = new Map(); // identical texts are written once, under every crate that uses them
  for (const c of crates) {
    const { license, texts } = licenceTexts(c);
    rows.push(`| ${c.name} | ${c.version} | ${c.platforms.join(', ')} | ${license} (offered: ${c.license || 'none given'}) | ${c.repository} |`);
    for (const { source, text } of texts) {
      const group = groups.get(text) ?? { text, users: [] };
      group.users.push(`${c.name} ${c.version} (${source})`);
      groups.set(text, group);
    }
  }
  const std = template('MIT', RUST_STD.holders);
  const sections = [...groups.values()].map((g) => `### ${g.users.join('; ')}\n\n${fence(g.text)}`);
  return `# Third-party notices

pixsqueeze is licensed under MIT OR Apache-2.0 (LICENSE-MIT, LICENSE-APACHE). What it ships is compiled
from pixsqueeze's own code and the third-party code below: its WebAssembly modules (\`pkg/*.wasm\`, each
from a subset of the crates marked "wasm"), the JavaScript glues beside them (generated by wasm-bindgen,
MIT OR Apache-2.0, listed below), and the \`pixsqueeze\` command line (the crates marked "cli"). The npm
package has no runtime dependencies.

## JPEG: the Independent JPEG Group

pixsqueeze's JPEG encoder scales its quantisation tables by quality as the IJG's libjpeg does. As the
IJG's licence asks: this software is based in part on the work of the Independent JPEG Group.

## What is compiled in

Each crate is used under the licence shown, chosen where it offers a choice; its copyright notice and
the full licence text follow below, from the crate's own files at the version shown (the source of each
text is named beside the crate).

| crate | version | in | licence used (offered) | source |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

## ${RUST_STD.name}

${RUST_STD.detail}: ${RUST_STD.license}.

${fence(std)}

## ${EMSCRIPTEN_SSE.name}

${EMSCRIPTEN_SSE.detail}: ${EMSCRIPTEN_SSE.license}.

${fence(template('MIT', EMSCRIPTEN_SSE.holders))}

## Licence texts

${sections.join('\n\n')}

This file is generated by \`npm run notices\` (scripts/notices.mjs) from \`cargo metadata\` and the crates' own
licence files.
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const crates = shippedCrates();
  const incomplete = crates.map((c) => [c, licenceTexts(c).missing]).filter(([, m]) => m.length);
  for (const [c, missing] of incomplete) console.error(`no licence text for ${c.name} ${c.version}: ${missing.join(', ')} (add scripts/licenses/<id>.txt)`);
  writeFileSync(noticesFile, notices(crates));
  console.log(`wrote ${noticesFile}: ${crates.length} crates`);
  if (incomplete.length) process.exitCode = 1;
}
