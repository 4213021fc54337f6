#!/usr/bin/env bash
# End-to-end benchmark of `cairn batch` on a synthetic sarcoma cohort:
# wall time and peak RSS (`/usr/bin/time -v`) per input format and thread
# count, CSV output. Usage: benches/batch.sh [ROWS] (default 1000000).
# The cohort (`cairn cohort`) reaches every status of every recommendation.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
output="${OUTPUT:-csv}"
guideline=guidelines/rps/initial-management.cairn
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cargo build --release -q
cairn=target/release/cairn
"$cairn" cohort "$guideline" -n "$rows" --format csv >"$dir/cohort.csv"
"$cairn" cohort "$guideline" -n "$rows" --format jsonl >"$dir/cohort.jsonl"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "output: $output"
echo "rows: $rows; csv $(du -h "$dir/cohort.csv" | cut -f1), jsonl $(du -h "$dir/cohort.jsonl" | cut -f1)"
printf '%-6s %-7s %10s %12s %10s\n' input threads seconds rows/s peak_MB
for input in csv jsonl; do
  for threads in 1 2; do
    "/usr/bin/time" -v "$cairn" batch "$guideline" "$dir/cohort.$input" \
      --format "$output" --threads "$threads" >/dev/null 2>"$dir/err" || true
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$dir/err")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$dir/err")
    grep -q ' 0 bad lines' "$dir/err" || { echo "bad rows:"; grep -m3 error "$dir/err"; exit 1; }
    printf '%-6s %-7s %10s %12.0f %10s\n' "$input" "$threads" "$secs" "$(echo "$rows / $secs" | bc -l)" "$rss"
  done
done
