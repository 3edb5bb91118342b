#!/usr/bin/env bash
# Idempotent set-up: installs whatever this machine lacks to build (and, with --test, to test) pixsqueeze.
# A fresh machine needs only Rust via rustup, Node/npm and Debian's apt (as root or with sudo); a second
# run finds everything in place and installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

# --test: also what `npm test` needs (Chromium, Firefox ESR and WebKitGTK with their WebDriver servers,
# Xvfb, djpeg, dwebp, avifdec and avifenc, cargo-deny); --fuzz: also what scripts/fuzz.sh needs (the
# nightly toolchain and cargo-fuzz).
want_browser=0
want_fuzz=0
case "${1:-}" in
  --test) want_browser=1 ;;
  --fuzz) want_fuzz=1 ;;
esac

# Pinned here, not in a lockfile: these are tools, not dependencies of the crate.
WASM_PACK_VERSION=0.15.1
CARGO_DENY_VERSION=0.20.2
CARGO_FUZZ_VERSION=0.13.2
GECKODRIVER_VERSION=0.37.1

say() { printf '[setup] %s\n' "$*"; }

# `--locked` first, for the versions the tool's authors tested; the registry these machines reach can
# lack a locked version (wasm-bindgen-cli 0.2.130 locks a webpki-roots it does not serve), and then a
# fresh resolution within the tool's own semver bounds is the next best thing.
cargo_install() {
  cargo install --locked --force "$1" --version "$2" ||
    { say "locked install of $1 failed; retrying with fresh resolution"; cargo install --force "$1" --version "$2"; }
}
started=$(date +%s)

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-pack --version 2>/dev/null || true)" != "wasm-pack $WASM_PACK_VERSION" ]; then
  say "installing wasm-pack $WASM_PACK_VERSION (cargo install, a few minutes)"
  cargo_install wasm-pack "$WASM_PACK_VERSION"
fi

# wasm-bindgen-cli must match the wasm-bindgen version in Cargo.lock exactly, or the generated glue and
# the compiled module disagree. wasm-pack finds it on PATH instead of downloading it from GitHub.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$bindgen_version" ]; then
  echo "[setup] cannot read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (cargo install, a few minutes)"
  cargo_install wasm-bindgen-cli "$bindgen_version"
fi

sudo_cmd=""
[ "$(id -u)" = 0 ] || sudo_cmd="sudo"
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    $sudo_cmd apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}

# libwebp's C code (libwebp-sys) in the full wasm module: clang-14 compiles it for wasm32 against
# wasi-libc's headers, llvm-ar-14 archives it (.cargo/config.toml names them). Natively the system's
# cc builds it.
if ! command -v clang-14 >/dev/null || ! command -v llvm-ar-14 >/dev/null || [ ! -f /usr/include/wasm32-wasi/stdlib.h ]; then
  say "installing Debian's clang-14, llvm-14 and wasi-libc (libwebp's C code for wasm32)"
  apt_install clang-14 llvm-14 wasi-libc
fi
# libwebp's SSE2/SSE4.1 code in the wasm builds (as Squoosh builds it): Emscripten's compat headers
# map those intrinsics onto wasm SIMD128. Only those five headers (MIT), from Debian's emscripten
# package unpacked, not installed (800 MB, and a Node of its own); .cargo/config.toml names the folder.
sse_compat=/usr/local/share/pixsqueeze/wasm-sse-compat
if [ ! -f "$sse_compat/smmintrin.h" ]; then
  say "unpacking Emscripten's SSE-to-wasm-SIMD headers from Debian's emscripten package into $sse_compat"
  [ "$apt_updated" = 1 ] || { $sudo_cmd apt-get update -qq; apt_updated=1; }
  deb_dir=$(mktemp -d)
  (cd "$deb_dir" && apt-get download -qq emscripten)
  compat=./usr/share/emscripten/system/include/compat
  dpkg-deb --fsys-tarfile "$deb_dir"/emscripten_*.deb |
    tar -x -C "$deb_dir" "$compat/xmmintrin.h" "$compat/emmintrin.h" "$compat/pmmintrin.h" "$compat/tmmintrin.h" "$compat/smmintrin.h"
  $sudo_cmd mkdir -p "$sse_compat"
  $sudo_cmd cp "$deb_dir/$compat"/*.h "$sse_compat/"
  rm -rf "$deb_dir"
fi
if ! command -v cc >/dev/null; then
  say "installing Debian's gcc (libwebp's C code for native builds and tests)"
  apt_install gcc libc6-dev
fi

# The browsers the end-to-end tests drive, with their WebDriver servers (WebKitGTK's draws on Xvfb: it
# has no headless mode); tests also use libjpeg-turbo's djpeg as a JPEG decoder independent of ours,
# libwebp's dwebp (Debian's webp) as the reference decoder of our WebP, and libavif's avifdec and avifenc
# (Debian's libavif-bin) as the reference decoder of our AVIF and an encoder other than ours.
if [ "$want_browser" = 1 ]; then
  missing=()
  for need in chromium:/usr/bin/chromium chromium-driver:/usr/bin/chromedriver libjpeg-turbo-progs:/usr/bin/djpeg \
      firefox-esr:/usr/bin/firefox-esr webkit2gtk-driver:/usr/bin/WebKitWebDriver xvfb:/usr/bin/Xvfb webp:/usr/bin/dwebp \
      libavif-bin:/usr/bin/avifdec; do
    [ -x "${need#*:}" ] || missing+=("${need%%:*}")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing Debian's ${missing[*]}"
    apt_install "${missing[@]}"
  fi
  # Debian has no geckodriver; crates.io has Mozilla's.
  if [ "$(geckodriver --version 2>/dev/null | head -n 1 | cut -d ' ' -f 1-2 || true)" != "geckodriver $GECKODRIVER_VERSION" ]; then
    say "installing geckodriver $GECKODRIVER_VERSION (cargo install, a few minutes)"
    cargo_install geckodriver "$GECKODRIVER_VERSION"
  fi
fi

# Licence, ban and source checks of the dependency tree (deny.toml); slow to build, so only for tests.
if [ "$want_browser" = 1 ] && [ "$(cargo-deny --version 2>/dev/null || true)" != "cargo-deny $CARGO_DENY_VERSION" ]; then
  say "installing cargo-deny $CARGO_DENY_VERSION (cargo install, several minutes)"
  cargo_install cargo-deny "$CARGO_DENY_VERSION"
fi

# libFuzzer builds need nightly (sanitizer flags); rustup fetches it from its own server.
if [ "$want_fuzz" = 1 ]; then
  if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    say "installing the nightly toolchain"
    rustup toolchain install nightly --profile minimal
  fi
  if [ "$(cargo-fuzz --version 2>/dev/null || true)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION (cargo install)"
    cargo_install cargo-fuzz "$CARGO_FUZZ_VERSION"
  fi
fi

# npm ci only when the installed tree is missing or older than the lockfile; binaryen (wasm-opt) and
# playwright-core come from here.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

say "ready in $(( $(date +%s) - started )) s"
