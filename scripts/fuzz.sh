#!/usr/bin/env bash
# Runs each fuzz target (fuzz/fuzz_targets/) for a set time, one after another:
#   scripts/fuzz.sh [seconds per target, default 300] [target ...]
# Not part of `npm test`. Every target runs even if an earlier one crashed; the exit status says if any did. The working corpus grows in target/fuzz-corpus/<target> (kept between runs);
# the shared test corpus, where present, seeds it read-only. A crash ends that target and leaves its input in
# fuzz/artifacts/<target>/: minimise it (`cargo +nightly fuzz tmin <target> <file>`), fix the cause, and
# commit the minimised input to fuzz/regressions/<target>/ so that `cargo test` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decode compress search roundtrip options deflate)

bash scripts/setup.sh --fuzz

seeds=()
for sub in bad pngsuite special photos; do
  [ -d "../shared/corpus/$sub" ] && seeds+=("$PWD/../shared/corpus/$sub")
done
[ ${#seeds[@]} -gt 0 ] || echo "[fuzz] ../shared/corpus is absent: starting from fuzz/regressions only"

# The hostile classes of the hardening tests, made in code (fuzz/src/hostile.rs), seed every target
# that reads files: written by the test that also runs them through the targets.
hostile="$PWD/target/fuzz-seeds/hostile"
rm -rf "$hostile"
PIXSQUEEZE_WRITE_SEEDS="$hostile" cargo test --quiet --test fuzz_regressions hostile_seeds >/dev/null

failed=()
for t in "${targets[@]}"; do
  mkdir -p "target/fuzz-corpus/$t"
  dirs=("$PWD/target/fuzz-corpus/$t" "$PWD/fuzz/regressions/$t")
  # Image files seed the targets whose input is a file; the others start from their regressions.
  case $t in
    decode) dirs+=("${seeds[@]}") ;;
    compress | search)
      # These targets read two bytes of settings before the file: seed them with the small images
      # behind a few settings each, or every seed would start with a broken header.
      prefixed="$PWD/target/fuzz-seeds/$t"
      if [ ! -d "$prefixed" ] && [ ${#seeds[@]} -gt 0 ]; then
        mkdir -p "$prefixed"
        find "${seeds[@]}" -type f -size -64k | while read -r f; do
          for select in 0 9 18 3 12 4 20; do
            { printf "\\$(printf %03o "$select")\\x4b"; cat "$f"; } >"$prefixed/$select-$(basename "$f")"
          done
        done
      fi
      [ -d "$prefixed" ] && dirs+=("$prefixed")
      ;;
  esac
  [ -d "$hostile/$t" ] && dirs+=("$hostile/$t")
  echo "[fuzz] $t for ${seconds}s"
  # -malloc_limit_mb: every target decodes under limits of 2^18 pixels, so a far bigger allocation means
  # a limit was bypassed. -max_len keeps inputs small enough to mutate quickly (seeds are truncated).
  set +e
  (cd fuzz && cargo +nightly fuzz run "$t" "${dirs[@]}" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=512 \
    -print_final_stats=1) >"target/fuzz-$t.log" 2>&1
  status=$?
  set -e
  grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|SUMMARY|==[0-9]+== ?ERROR|Test unit written)' \
    "target/fuzz-$t.log" || true
  [ "$status" = 0 ] || { echo "[fuzz] $t crashed (exit $status): see target/fuzz-$t.log"; failed+=("$t"); }
done
[ ${#failed[@]} = 0 ] || { echo "[fuzz] crashed: ${failed[*]}"; exit 1; }
