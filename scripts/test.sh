#!/usr/bin/env bash
# `npm test`: set-up (with the browser), then every test: licence and supply-chain checks, native cargo
# tests (the fuzz regression inputs included), wasm-bindgen tests in headless Chromium, a fresh wasm
# build, the package's Node tests, and the end-to-end tests that drive the page and the packed package in
# Chromium; last, the benchmark in quick mode (figures, no thresholds).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

bash scripts/setup.sh --test

step() { printf '\n== %s\n' "$*"; }

step "supply chain: licences, bans and sources of what ships (deny.toml); npm advisories"
# RustSec advisories (`cargo deny check advisories`) need a database fetched from GitHub, which these
# machines cannot reach: run that where GitHub is reachable (README, "Supply chain").
cargo deny --locked check licenses bans sources
npm audit --omit=dev

step "cargo test (native)"
cargo test --locked

step "the pixsqueeze command (cli/): its tests, end to end on temporary folder trees"
cargo test --locked -p pixsqueeze-cli

step "cargo test (native, core build): what the first wasm module does, and NeedsFullModule for the rest"
cargo test --locked --no-default-features --lib --test core --test corpus --test hardening --test fuzz_regressions

step "wasm-bindgen tests in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked --target wasm32-unknown-unknown --test web

step "build the wasm package"
node scripts/build.mjs

step "the npm package in Node: tarball contents, notices, typings, Node consumer"
node --test tests/node/

step "end-to-end tests in headless Chromium: the page, the package in a plain page and in a Vite build"
node --test tests/e2e/

step "benchmark, quick mode: figures only, no thresholds (full run: npm run bench)"
node bench/run.mjs --quick
