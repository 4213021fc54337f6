#!/usr/bin/env bash
# The peer comparison of issue 14 item 5: `cairn batch` against DuckDB and
# polars running the sarcoma guideline's status logic written by hand
# (sarcoma.sql, sarcoma_polars.py) on the same cohort file, CSV and Parquet.
#
#   benches/peers/run.sh [ROWS] [RUNS]     (default 1000000 rows, 3 runs)
#
# 1. a venv under target/peers with the pinned peers (PyPI), cairn release;
# 2. a cohort of ROWS cases by `cairn cohort` (every status of every
#    recommendation), converted once to Parquet with DuckDB;
# 3. every engine's statuses on every input, checked to agree row for row
#    with `cairn batch` (the first differing row stops the script), and the
#    check itself shown to catch a deliberately broken SQL condition;
# 4. RUNS rounds of every command, in turn within each round (so the load of
#    the shared machine falls on all of them alike), 2 threads each, output
#    to /dev/null: median wall time, cases/s, peak RSS (`/usr/bin/time -v`)
#    and the median of the per-round ratios to `cairn batch` on CSV.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${1:-1000000}"
runs="${2:-3}"
peers="$PWD/benches/peers"
guideline=guidelines/rps/initial-management.cairn
venv=target/peers/venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r "$peers/requirements.txt"
py="$PWD/$venv/bin/python"
export POLARS_MAX_THREADS=2 PEERS_THREADS=2
cargo build --release -q
cairn="$PWD/target/release/cairn"
dir="$(mktemp -d "${TMPDIR:-/tmp}/cairn-peers.XXXXXX")"
trap 'rm -rf "$dir"' EXIT

"$cairn" cohort "$guideline" -n "$rows" --format csv >"$dir/cohort.csv"
"$py" "$peers/peers.py" convert "$dir/cohort.csv" "$dir/cohort.parquet"
inputs=(csv parquet)
# Parquet input of `cairn batch` (issue 14 item 1) is used once it exists.
if "$cairn" batch --help | grep -qi parquet; then cairn_inputs=(csv parquet); else cairn_inputs=(csv); fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rows: $rows; csv $(du -h "$dir/cohort.csv" | cut -f1), parquet $(du -h "$dir/cohort.parquet" | cut -f1)"
echo "peers: $("$venv/bin/pip" freeze --disable-pip-version-check | grep -E '^(duckdb|polars)==' | xargs)"

# name|command; a peer's @OUT@ is its output path, `cairn batch` writes to stdout.
commands=()
for input in "${cairn_inputs[@]}"; do
  commands+=("cairn-$input|$cairn batch $guideline $dir/cohort.$input --format csv --threads 2")
done
for engine in duckdb polars; do
  for input in "${inputs[@]}"; do
    commands+=("$engine-$input|$py $peers/peers.py $engine $dir/cohort.$input @OUT@")
  done
done

# run NAME COMMAND OUT [PREFIX...]: runs COMMAND (under PREFIX) into OUT.
run() {
  local name="$1" cmd="$2" out="$3"
  shift 3
  if [[ $name == cairn-* ]]; then
    "$@" $cmd >"$out" 2>"$dir/err.$name" || { cat "$dir/err.$name" >&2; exit 1; }
    grep -q ' 0 bad lines' "$dir/err.$name" || { echo "$name: bad rows" >&2; grep -m3 error "$dir/err.$name" >&2; exit 1; }
  else
    "$@" ${cmd//@OUT@/$out}
  fi
}

# The engines write into named pipes that the check reads in step, so no
# output is stored (10 M rows of statuses are 3.8 GB an engine).
# agree NAME... : runs those engines and checks them against cairn-csv.
agree() {
  local pids=() outs=() name entry
  for name in "$@"; do
    for entry in "${commands[@]}" "broken|$py $peers/peers.py duckdb $dir/cohort.csv @OUT@ --sql $dir/broken.sql"; do
      [ "${entry%%|*}" = "$name" ] || continue
      rm -f "$dir/out.$name"
      mkfifo "$dir/out.$name"
      # The job holds the pipe open (fd 3) from its start, so the check never
      # waits on a pipe whose engine failed before opening it: it reads an
      # early end instead. A failed check ends the engines on a broken pipe.
      run "$name" "${entry#*|}" "$dir/out.$name" 3>"$dir/out.$name" &
      pids+=($!)
      [ "$name" = cairn-csv ] || outs+=("$dir/out.$name")
    done
  done
  local status=0
  "$py" "$peers/peers.py" check "$dir/cohort.csv" "$dir/out.cairn-csv" "${outs[@]}" || status=$?
  local pid code
  for pid in "${pids[@]}"; do
    code=0
    wait "$pid" || code=$?
    [ "$status" != 0 ] || status=$code
  done
  return "$status"
}

echo "== agreement"
names=()
for entry in "${commands[@]}"; do names+=("${entry%%|*}"); done
agree "${names[@]}"

echo "== the check catches a broken condition (rt_select_histology: grade <= 2 -> grade < 2)"
sed 's/grade <= 2/grade < 2/' "$peers/sarcoma.sql" >"$dir/broken.sql"
! cmp -s "$peers/sarcoma.sql" "$dir/broken.sql" || { echo "the broken SQL is not broken"; exit 1; }
if agree cairn-csv broken 2>"$dir/err.broken"; then
  echo "the check missed the broken condition"
  exit 1
fi
grep -A1 DISAGREEMENT "$dir/err.broken" | sed 's/^/  /'

echo "== timing: $runs rounds, median (min to max)"
# The peers' start-up alone (Python, importing the engine), for reference.
for engine in duckdb polars; do
  commands+=("$engine-startup|$py $peers/peers.py startup $engine")
done
: >"$dir/times"
for round in $(seq "$runs"); do
  for entry in "${commands[@]}"; do
    name="${entry%%|*}"
    start=$(date +%s%N)
    run "$name" "${entry#*|}" /dev/null /usr/bin/time -v -o "$dir/time"
    end=$(date +%s%N)
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time")
    echo "$name $round $(((end - start) / 1000)) $rss" >>"$dir/times"
  done
done
"$py" "$peers/peers.py" summary "$rows" "$dir/times"
