#!/usr/bin/env bash
# `npm test`: set-up (with the browsers), then every test: licence and supply-chain checks, native cargo
# tests (the fuzz regression inputs included), the pixsqueeze command's tests, wasm-bindgen tests in
# headless Chromium and Firefox, a fresh wasm build, the package's Node tests, and the end-to-end tests
# that drive the page and the packed package in Chromium, Firefox and WebKitGTK; last, the benchmark in
# quick mode (figures, no thresholds). Each step prints how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

bash scripts/setup.sh --test
# The set-up installed the reference decoders (djpeg, dwebp): from here a missing one fails the tests that
# check our output with it, instead of skipping (tests/common/mod.rs, `tools_required`). Under CI=true a
# missing ../shared/corpus fails too.
export PIXSQUEEZE_REQUIRE_TOOLS=1

test_started=$(date +%s)
step_started=
step() {
  [ -z "$step_started" ] || printf '(that step: %s s)\n' "$(( $(date +%s) - step_started ))"
  printf '\n== %s\n' "$*"
  step_started=$(date +%s)
}

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
cargo test --locked --no-default-features --lib --test core --test options --test corpus --test hardening --test fuzz_regressions

# wasm-bindgen-test-runner picks the browser by which driver variable is set (webdriver.json: options).
step "wasm-bindgen tests in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked --target wasm32-unknown-unknown --test web

step "wasm-bindgen tests in headless Firefox"
GECKODRIVER="$(command -v geckodriver)" \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked --target wasm32-unknown-unknown --test web

step "SIMD kernels in wasm (simd128, in Node): each vector path against its scalar twin"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked --target wasm32-unknown-unknown --lib

step "build the wasm package, and the core build with its test hooks (target/test-hooks/, never shipped)"
node scripts/build.mjs
node scripts/build.mjs --test-hooks

step "the npm package in Node: tarball contents, notices, typings, Node consumer"
node --test tests/node/

# One suite, a driver per engine (tests/e2e/drivers/); screenshots land in target/e2e-screenshots/<engine>/.
step "end-to-end tests in Chromium: the page, the package in a plain page and in a Vite build"
E2E_ENGINE=chromium node --test tests/e2e/

# Firefox and WebKitGTK run every file too.
for engine in firefox webkit; do
  step "end-to-end tests in $engine: the page (a person's walks, first-time use, views, input, offline), the package in a plain page and in a Vite build"
  E2E_ENGINE=$engine node --test tests/e2e/
done

step "benchmark, quick mode: figures only, no thresholds (full run: npm run bench); the page's timings in each engine"
node bench/run.mjs --quick
for engine in chromium firefox webkit; do
  E2E_ENGINE=$engine node bench/page-timings.mjs
done
# WebKitGTK again without accelerated compositing: Xvfb has no GPU, so MiniBrowser composites through
# Mesa's llvmpipe (software OpenGL), whose two rasteriser threads took more CPU than the page's own
# thread during a drop (bench/page-timings.mjs). Both runs print: what a machine without a GPU gets,
# and WebKit's page work without that stand-in for a GPU.
WEBKIT_DISABLE_COMPOSITING_MODE=1 E2E_ENGINE=webkit node bench/page-timings.mjs
printf '(that step: %s s)\n\nnpm test took %s s\n' "$(( $(date +%s) - step_started ))" "$(( $(date +%s) - test_started ))"
