#!/usr/bin/env bash
# Side-by-side benchmark of capakit against a pandas peer: what an analyst would otherwise write with
# pandas + scipy + pingouin (scripts/bench/peer_example.py, vendored from the project's shared benchmark
# peer). Times `capakit check`, `capakit run` and the peer on the example study scaled to SIZES
# respondents in each of FORMATS, and `check` and `run` on the example study itself. Each command runs
# under `/usr/bin/time -f "%e %M"`; the table gives wall-clock seconds and peak resident memory (MB),
# the median over REPEAT runs that alternate capakit and the peer. A benchmark that prints figures, not
# a test: it never builds capakit.
#
#   scripts/bench.sh                              # 10,000, 100,000 and 1,000,000 respondents, CSV and XLSX
#   SIZES="10000 100000" FORMATS=csv REPEAT=3 scripts/bench.sh
#
# Environment:
#   CAPAKIT_BIN   the capakit binary (default ${CARGO_TARGET_DIR:-target}/release/capakit)
#   SIZES         respondents of each scaled study (default "10000 100000 1000000"; ROWS is read as SIZES)
#   FORMATS       how the answers are written, csv and/or xlsx (default "csv xlsx")
#   REPEAT        runs of each command (default 1)
#   BENCH_VENV    the peer's Python virtual environment, made once (default ~/.cache/capakit-bench-venv)
#   BENCH_PYTHON  the Python that makes it (default python3; pandas 3 needs 3.11 or later)
#   BENCH_DATA    where the scaled studies are kept, each made once (default ~/.cache/capakit-bench-data)
set -euo pipefail

caller_dir=$PWD
cd "$(dirname "$0")/.."
root=$PWD
example=examples/caring-prato-firenze

die() { echo "bench.sh: $*" >&2; exit 1; }

# --- settings ------------------------------------------------------------------------------------
if [ -n "${CAPAKIT_BIN:-}" ]; then
  case $CAPAKIT_BIN in
    /*) bin=$CAPAKIT_BIN ;;
    */*) bin=$caller_dir/$CAPAKIT_BIN ;;
    *) bin=$(command -v "$CAPAKIT_BIN" || echo "$CAPAKIT_BIN") ;;
  esac
else
  bin=${CARGO_TARGET_DIR:-target}/release/capakit
  case $bin in /*) ;; *) bin=$root/$bin ;; esac
fi
sizes=${SIZES:-${ROWS:-10000 100000 1000000}}
formats=${FORMATS:-csv xlsx}
repeat=${REPEAT:-1}
venv=${BENCH_VENV:-$HOME/.cache/capakit-bench-venv}
data=${BENCH_DATA:-$HOME/.cache/capakit-bench-data}

[ -x "$bin" ] || die "no capakit binary at $bin. Build it with \`cargo build --release\` (this script never builds it), or set CAPAKIT_BIN."
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (GNU time: apt-get install time)."
for n in $sizes; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "SIZES: '$n' is not a number of respondents."
done
for f in $formats; do
  case $f in csv | xlsx) ;; *) die "FORMATS: '$f' is neither csv nor xlsx." ;; esac
done
[[ $repeat =~ ^[1-9][0-9]*$ ]] || die "REPEAT: '$repeat' is not a positive number."

tmp=$(mktemp -d "${TMPDIR:-/tmp}/capakit-bench.XXXXXX")
gen_tmp=
cleanup() {
  rm -rf "$tmp"
  if [ -n "$gen_tmp" ]; then rm -rf "$gen_tmp"; fi
}
trap cleanup EXIT

# --- the peer's Python environment (made once) ---------------------------------------------------
# The versions the shared peer was measured with (major.minor). openpyxl is not among them there, but
# the peer reads the questionnaire's survey sheet with pandas' default .xlsx reader, which is openpyxl.
pins=(pandas=3.1 numpy=2.4 scipy=1.17 pingouin=0.7 python-calamine=0.9 xlsxwriter=3.3 openpyxl=3.1)
py=$venv/bin/python
stamp=$venv/.capakit-bench-pins

# The available major.minor of package $1 nearest to $2 (same major first, then the closest minor,
# newer on a tie), as pip sees it for this Python.
nearest_version() {
  "$py" - "$1" "$2" <<'PY'
import re, subprocess, sys
name, want = sys.argv[1], tuple(int(x) for x in sys.argv[2].split("."))
out = subprocess.run([sys.executable, "-m", "pip", "index", "versions", name],
                     capture_output=True, text=True).stdout
m = re.search(r"Available versions: (.*)", out)
found = {(int(a), int(b)) for a, b in re.findall(r"(?:^|,)\s*(\d+)\.(\d+)(?:\.\d+)*\s*(?=,|$)", m.group(1))} if m else set()
if not found:
    sys.exit(1)
best = min(found, key=lambda v: (abs(v[0] - want[0]), abs(v[1] - want[1]), -v[0], -v[1]))
print(f"{best[0]}.{best[1]}")
PY
}

if ! [ -x "$py" ] || [ "$(cat "$stamp" 2>/dev/null)" != "${pins[*]}" ]; then
  echo "Setting up the peer's Python environment in $venv (once)..." >&2
  [ -x "$py" ] || "${BENCH_PYTHON:-python3}" -m venv "$venv"
  specs=()
  for p in "${pins[@]}"; do specs+=("${p%%=*}==${p#*=}.*"); done
  if ! "$py" -m pip install --quiet "${specs[@]}" >&2; then
    echo "Some pinned versions are not available; taking the nearest ones." >&2
    specs=()
    for p in "${pins[@]}"; do
      name=${p%%=*} want=${p#*=}
      got=$(nearest_version "$name" "$want") || die "pip finds no version of $name for $("$py" -V)."
      [ "$got" = "$want" ] || echo "  $name $want is not available: using $name $got" >&2
      specs+=("$name==$got.*")
    done
    "$py" -m pip install --quiet "${specs[@]}" >&2
  fi
  echo "${pins[*]}" >"$stamp"
fi

# --- the scaled studies (each made once) ----------------------------------------------------------
# A kept study is reused while it was made from the same example, by the same generator, for this
# checkout (its study.toml holds absolute paths into the repository).
source_id=$(cat "$example/study.toml" "$example"/data/*.csv scripts/bench/gen_example_scale.py | sha256sum | cut -d' ' -f1)
source_id="$source_id $root"
mkdir -p "$data"

study_dir() { # N FORMAT -> the folder gen_example_scale.py writes
  if [ "$2" = xlsx ]; then echo "$data/study-$1-xlsx"; else echo "$data/study-$1"; fi
}

make_study() { # N FORMAT
  local n=$1 fmt=$2 dir xlsx=() s
  dir=$(study_dir "$n" "$fmt")
  if [ -f "$dir/data/risposte-care-leavers.$fmt" ] && [ "$(cat "$dir/.source" 2>/dev/null)" = "$source_id" ]; then
    return
  fi
  [ "$fmt" = xlsx ] && xlsx=(--xlsx)
  printf "Generating %s respondents as %s in %s..." "$n" "$fmt" "$dir" >&2
  s=$EPOCHREALTIME
  gen_tmp=$(mktemp -d "$data/.generating.XXXXXX")
  "$py" scripts/bench/gen_example_scale.py "$example" "$n" "$gen_tmp" "${xlsx[@]}" >/dev/null
  echo "$source_id" >"$gen_tmp/$(basename "$dir")/.source"
  rm -rf "$dir"
  mv "$gen_tmp/$(basename "$dir")" "$dir"
  rm -rf "$gen_tmp"
  gen_tmp=
  awk -v s="$s" -v e="$EPOCHREALTIME" 'BEGIN { printf " %.1f s\n", e - s }' >&2
}

for n in $sizes; do
  for f in $formats; do make_study "$n" "$f"; done
done

# --- measuring ------------------------------------------------------------------------------------
# One timed run of a command: prints "SECONDS PEAK_KB", or "failed: <last stderr line>" when its exit
# status is above $1 (0 for run and the peer; 1 for check, whose exit 1 means findings: a full run).
timed() {
  local ok_max=$1 rc=0 msg
  shift
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
  if [ "$rc" -le "$ok_max" ]; then
    tail -n 1 "$tmp/time"
    return
  fi
  msg=$(grep -v '^[[:space:]]*$' "$tmp/stderr" | tail -n 1 || true)
  if [ -z "$msg" ]; then
    if [ "$rc" -gt 128 ]; then msg="killed by signal $((rc - 128))"; else msg="exit status $rc"; fi
  fi
  echo "failed: $msg"
}

# The cell for a list of samples ("SECONDS PEAK_KB" per line): the medians, or the first failure.
cell() {
  if grep -q '^failed' <<<"$1"; then
    grep -m 1 '^failed' <<<"$1"
    return
  fi
  local k s m
  k=$((($(wc -l <<<"$1") + 1) / 2))
  s=$(cut -d' ' -f1 <<<"$1" | sort -g | sed -n "${k}p")
  m=$(cut -d' ' -f2 <<<"$1" | sort -n | sed -n "${k}p")
  awk -v s="$s" -v m="$m" 'BEGIN { printf "%.2f s / %.0f MB", s, m / 1024 }'
}

seconds_of() { # a cell -> its seconds, or nothing when it failed
  case $1 in failed*) ;; *) echo "${1%% s*}" ;; esac
}

row_format="%-24s  %-20s  %-20s  %-20s  %s\n"

measure_row() { # LABEL STUDY PEER(yes|no)
  local label=$1 study=$2 peer=$3 r c_check="" c_run="" c_peer="" check run pandas ratio=- ps rs
  for ((r = 1; r <= repeat; r++)); do
    c_check+=$(timed 1 "$bin" check "$study")$'\n'
    rm -rf "$tmp/out"
    c_run+=$(timed 0 "$bin" run "$study" --out "$tmp/out")$'\n'
    if [ "$peer" = yes ]; then
      rm -rf "$tmp/peer"
      c_peer+=$(timed 0 "$py" scripts/bench/peer_example.py "$study" --out "$tmp/peer")$'\n'
    fi
  done
  check=$(cell "${c_check%$'\n'}")
  run=$(cell "${c_run%$'\n'}")
  if [ "$peer" = yes ]; then pandas=$(cell "${c_peer%$'\n'}"); else pandas="(not measured)"; fi
  ps=$(seconds_of "$pandas")
  rs=$(seconds_of "$run")
  if [ -n "$ps" ] && [ -n "$rs" ] && [ "$peer" = yes ]; then
    ratio=$(awk -v p="$ps" -v r="$rs" 'BEGIN { if (r > 0) printf "%.1fx", p / r; else print "-" }')
  fi
  # shellcheck disable=SC2059
  printf "$row_format" "$label" "$check" "$run" "$pandas" "$ratio"
}

mb_of() { du -k "$1" | awk '{ printf "%.1f MB", $1 / 1024 }'; }

capakit_version=$("$bin" --version 2>/dev/null | head -n 1 || true)
peer_versions=$("$py" - <<'PY'
import platform
from importlib.metadata import version
names = ["pandas", "numpy", "scipy", "pingouin", "python-calamine", "openpyxl"]
print(f"Python {platform.python_version()}, " + ", ".join(f"{n} {version(n)}" for n in names))
PY
)
echo "capakit: $bin${capakit_version:+ ($capakit_version)}"
echo "pandas peer: scripts/bench/peer_example.py ($peer_versions)"
echo "$(nproc) cores; seconds are wall-clock, MB peak resident memory; median of $repeat run(s) each"
echo
# shellcheck disable=SC2059
printf "$row_format" "input" "capakit check" "capakit run" "pandas" "pandas/run"
example_rows=$(($(wc -l <"$example/data/risposte-care-leavers.csv") - 1))
measure_row "example ($example_rows rows csv)" "$example" no
for n in $sizes; do
  for f in $formats; do
    dir=$(study_dir "$n" "$f")
    measure_row "$f $n ($(mb_of "$dir/data/risposte-care-leavers.$f"))" "$dir" yes
  done
done
echo
echo "pandas: the whole peer process, Python start-up and imports (about 2-3 s) included."
