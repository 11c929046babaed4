#!/usr/bin/env bash
# Times capakit on the example study (200 respondents) and on a large synthetic export made by
# repeating the example's rows with new ids (default 100,000 respondents; set ROWS to change).
# Prints wall-clock seconds per command: a benchmark, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${ROWS:-100000}"
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/capakit"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Wall-clock seconds of a command; "failed" when it could not use its input (exit 2): an error
# is not a measurement. (`check` exits 1 when it has findings: that is a full run.)
seconds() {
  local s e rc=0
  s=$EPOCHREALTIME
  "$@" >/dev/null 2>"$tmp/stderr" || rc=$?
  e=$EPOCHREALTIME
  if [ "$rc" -ge 2 ]; then
    printf "failed (%s)" "$(tail -1 "$tmp/stderr")"
  else
    awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }'
  fi
}

echo "example study (200 respondents)"
echo "  check: $(seconds "$bin" check examples/caring-prato-firenze) s"
echo "  run:   $(seconds "$bin" run examples/caring-prato-firenze --out "$tmp/out-example") s"

mkdir -p "$tmp/big/data"
python3 - "$rows" "$tmp/big/data/risposte-care-leavers.csv" <<'PY'
import sys
rows, out = int(sys.argv[1]), sys.argv[2]
lines = open("examples/caring-prato-firenze/data/risposte-care-leavers.csv", encoding="utf-8").read().splitlines()
header, body = lines[0], lines[1:-1]  # without the duplicated questionnaire
with open(out, "w", encoding="utf-8") as f:
    f.write(header + "\n")
    for k in range(rows):
        fields = body[k % len(body)].split(";")
        fields[2] = f"CL-{k:07d}"
        f.write(";".join(fields) + "\n")
PY
sed -e "s#../../#$PWD/#g" examples/caring-prato-firenze/study.toml > "$tmp/big/study.toml"
cp examples/caring-prato-firenze/data/focus-groups-*.csv "$tmp/big/data/"
size=$(du -h "$tmp/big/data/risposte-care-leavers.csv" | cut -f1)
echo "large export ($rows respondents, $size CSV)"
echo "  check: $(seconds "$bin" check "$tmp/big") s"
echo "  run:   $(seconds "$bin" run "$tmp/big" --out "$tmp/out-big") s"
