#!/usr/bin/env bash
# Benchmark of the Python package (issue 14): `Guideline.evaluate_arrow`
# over a cohort of ROWS sarcoma cases (default 1,000,000) on 1 and 2
# threads, and `cairn.spark.evaluate` on PySpark local[2] over the same
# cohort from Parquet; medians of 5 runs (Spark: of 3, after a warm-up).
# Not part of CI. Usage: benches/python.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
venv=target/python-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r python/requirements-test.txt
rm -rf target/wheels
(cd python && "../$venv/bin/maturin" build --release --quiet --out ../target/wheels)
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps target/wheels/cairn_guidelines-*.whl
cargo build --release --quiet --bin cairn
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
target/release/cairn cohort guidelines/rps/initial-management.cairn -n "$rows" --format csv >"$dir/cohort.csv"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)"
PYSPARK_PYTHON="$PWD/$venv/bin/python" "$venv/bin/python" benches/python_bench.py "$dir/cohort.csv" "$dir"
