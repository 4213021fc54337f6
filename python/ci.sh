#!/usr/bin/env bash
# The Python package's CI step (called by .ci/run after `cargo test`):
# a virtual environment with the pinned test dependencies, the abi3 wheel
# built by maturin into the workspace's target dir, and pytest against the
# `cairn` binary that `cargo test` built (target/debug/cairn).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/python-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r python/requirements-test.txt

rm -rf target/wheels
(cd python && "../$venv/bin/maturin" build --release --quiet --out ../target/wheels)
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps target/wheels/cairn_guidelines-*.whl

# The binary the tests compare with: the one `cargo test` just built.
cargo build --quiet --bin cairn
# PySpark runs on local[2] with small inputs; keep its logs quiet.
export PYSPARK_PYTHON="$PWD/$venv/bin/python"
"$venv/bin/pytest" -q python/tests
