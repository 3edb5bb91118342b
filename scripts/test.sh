#!/usr/bin/env bash
# `npm test`: set-up (with the browser), then every test: native cargo tests, wasm-bindgen tests in
# headless Chromium, a fresh wasm build, and the end-to-end tests that drive the page.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

bash scripts/setup.sh --test

step() { printf '\n== %s\n' "$*"; }

step "cargo test (native)"
cargo test --locked

step "wasm-bindgen tests in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked --target wasm32-unknown-unknown --test web

step "build the wasm package"
node scripts/build.mjs

step "end-to-end tests in headless Chromium"
node --test tests/e2e/
