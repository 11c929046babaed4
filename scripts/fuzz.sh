#!/usr/bin/env bash
# Fuzzes capakit's readers with cargo-fuzz (libFuzzer): `csv` (any bytes as a CSV data file),
# `workbook` (any bytes as .xlsx, .ods, .xls or .xlsb) and `segments` (any bytes as a .qdpx project or a
# coding export in every layout). Seeds the corpora from the bad-input fixtures and
# the example study, then runs each target for SECONDS (default 600). A crash is saved under
# fuzz/artifacts/<target>/; copy it into fuzz/regressions/<target>/ and `cargo test` replays it.
#
#   cargo install cargo-fuzz           # once
#   SECONDS_PER_TARGET=600 scripts/fuzz.sh
#
# The toolchain here is stable: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its flags; no sanitizer
# (-s none) is needed for safe Rust, and libFuzzer still catches panics, aborts, timeouts and
# out-of-memory (-rss_limit_mb).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${SECONDS_PER_TARGET:-600}"
mkdir -p fuzz/corpus/csv fuzz/corpus/workbook
cp tests/fixtures/bad/*.csv tests/fixtures/bad/data.txt fuzz/corpus/csv/
cp examples/caring-prato-firenze/data/risposte-care-leavers.csv fuzz/corpus/csv/example.csv
kind=0
for ext in xlsx ods xls xlsb; do
  for f in tests/fixtures/bad/*."$ext"; do
    [ "$(stat -c %s "$f")" -gt 200000 ] && continue
    { printf "\\x0$kind"; cat "$f"; } > "fuzz/corpus/workbook/$(basename "$f")"
  done
  kind=$((kind + 1))
done
mkdir -p fuzz/corpus/segments
for f in tests/fixtures/segments/*.csv examples/caring-prato-firenze/data/focus-groups-coding.csv; do
  { printf "\\x01"; cat "$f"; } > "fuzz/corpus/segments/$(basename "$f")"
done
{ printf "\\x00"; cat tests/fixtures/segments/refi.qdpx; } > fuzz/corpus/segments/refi.qdpx
export RUSTC_BOOTSTRAP=1
# Readers take at most 2 GB here, within libFuzzer's 4 GB limit (by default: half the memory available).
export CAPAKIT_MAX_MEMORY_MB=2048
cargo fuzz build -s none --release
for target in csv workbook segments; do
  echo "== fuzzing $target for $secs s"
  cargo fuzz run -s none --release "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$secs" -rss_limit_mb=4096 -timeout=30 -max_len=1048576 -print_final_stats=1
done
