#!/usr/bin/env bash
# End-to-end benchmark of `cairn batch` on a synthetic sarcoma cohort:
# wall time (median of RUNS runs) and peak RSS (`/usr/bin/time -v`, the
# largest of the runs) per input format, output format, thread count and
# lane count. Usage: benches/batch.sh [ROWS] (default 1000000); RUNS=3 and
# CONFIGS="all" by default (CONFIGS=main keeps the 2-thread CSV and Parquet
# rows, for 10 M rows). The cohort (`cairn cohort`) reaches every status of
# every recommendation; JSON lines are generated only for CONFIGS=all;
# CONFIGS=jsonl measures JSON lines output (CSV and Parquet in, 2 threads).
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
runs="${RUNS:-3}"
configs="${CONFIGS:-all}"
guideline=guidelines/rps/initial-management.cairn
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cargo build --release -q
cairn=target/release/cairn
"$cairn" cohort "$guideline" -n "$rows" --format csv >"$dir/cohort.csv"
"$cairn" cohort "$guideline" -n "$rows" --format parquet -o "$dir/cohort.parquet"
[ "$configs" = all ] && "$cairn" cohort "$guideline" -n "$rows" --format jsonl >"$dir/cohort.jsonl"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "rows: $rows; csv $(du -h "$dir/cohort.csv" | cut -f1), parquet $(du -h "$dir/cohort.parquet" | cut -f1); median of $runs runs"
printf '%-8s %-8s %-7s %-5s %10s %12s %10s\n' input output threads lanes seconds rows/s peak_MB

# One configuration: input, output, threads, lanes.
measure() {
  local input=$1 output=$2 threads=$3 lanes=$4 secs=() rss=0
  for _ in $(seq "$runs"); do
    local out=(--format "$output")
    [ "$output" = csv ] || out+=(-o "$dir/out.$output")
    "/usr/bin/time" -v "$cairn" batch "$guideline" "$dir/cohort.$input" "${out[@]}" \
      --threads "$threads" --lanes "$lanes" >/dev/null 2>"$dir/err" || true
    grep -q ' 0 bad lines' "$dir/err" || { echo "bad rows:"; grep -m3 error "$dir/err"; exit 1; }
    secs+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$dir/err")")
    local r
    r=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/err")
    [ "$r" -gt "$rss" ] && rss=$r
  done
  local median
  median=$(printf '%s\n' "${secs[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-8s %-8s %-7s %-5s %10s %12.0f %10.1f\n' "$input" "$output" "$threads" "$lanes" \
    "$median" "$(echo "$rows / $median" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}

if [ "$configs" = all ]; then
  for input in csv parquet jsonl; do
    for threads in 1 2; do measure "$input" csv "$threads" 64; done
  done
  for input in csv parquet; do measure "$input" csv 2 1; done
  for input in csv parquet; do measure "$input" parquet 2 64; done
elif [ "$configs" = jsonl ]; then
  # JSON lines output: every row's missing facts, derived values and notes.
  for input in csv parquet; do measure "$input" jsonl 2 64; done
else
  for input in csv parquet; do
    for output in csv parquet; do measure "$input" "$output" 2 64; done
  done
fi
