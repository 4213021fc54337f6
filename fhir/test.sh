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

echo "== fhir: GuidanceResponse, synthetic Bundle and round trip of every golden case"
mkdir -p "$out/bundles" "$out/outcomes" "$out/requirements" "$out/synth-stderr"
responses=0
bundles=0
refused=0
no_as_of=0
for case in guidelines/*/cases/*.json; do
  g="$(guideline_of "$case")"
  gname="$(basename "$(dirname "$g")")"
  name="$gname-$(basename "$case" .json)"
  binding="$(dirname "$g")/bindings/fhir-r4.toml"
  if [ ! -f "$binding" ]; then
    "$cairn" run "$g" --case "$case" --format fhir > "$out/guidance/$name.json"
    responses=$((responses + 1))
    continue
  fi
  "$cairn" run "$g" --case "$case" --format fhir --binding "$binding" > "$out/guidance/$name.json"
  responses=$((responses + 1))
  # A case synth refuses names its fact (tests/it/fhir_roundtrip.rs checks
  # which); the others must round-trip through the command line too.
  if ! "$cairn" fhir synth "$g" --binding "$binding" "$case" \
      > "$out/bundles/$name.json" 2> "$out/synth-stderr/$name.err"; then
    grep -q "error\[cairn::fhir::synth_" "$out/synth-stderr/$name.err"
    rm "$out/bundles/$name.json"
    refused=$((refused + 1))
    continue
  fi
  bundles=$((bundles + 1))
  if grep -q "which the binding reads from the as-of date" "$out/synth-stderr/$name.err"; then
    # Only the library can extract without an as-of date (the Rust
    # round-trip test covers these); the command line would set it.
    no_as_of=$((no_as_of + 1))
    continue
  fi
  as_of=()
  d="$(sed -n 's/.*`--as-of \([0-9-]*\)`.*/\1/p' "$out/synth-stderr/$name.err")"
  [ -n "$d" ] && as_of=(--as-of "$d")
  "$cairn" run "$g" --case "$case" --format json > "$out/outcomes/$name.case-outcome.json"
  "$cairn" run "$g" --fhir "$out/bundles/$name.json" --binding "$binding" "${as_of[@]}" \
    --format json > "$out/outcomes/$name.fhir-outcome.json" 2> /dev/null
  "$cairn" run "$g" --fhir "$out/bundles/$name.json" --binding "$binding" "${as_of[@]}" \
    --format fhir > "$out/guidance/$name.from-fhir.json" 2> /dev/null
  responses=$((responses + 1))
done
echo "$responses responses, $bundles bundles ($no_as_of only round-trip without an as-of date), $refused cases refused by synth (each naming its fact)"
node "$here/validate_roundtrip.mjs" "$out"/outcomes/*.case-outcome.json

echo "== fhir: data requirements of every binding"
for binding in guidelines/*/bindings/fhir-r4.toml; do
  g="$(ls "$(dirname "$(dirname "$binding")")"/*.cairn | head -n 1)"
  gname="$(basename "$(dirname "$g")")"
  "$cairn" fhir requirements "$g" --binding "$binding" > "$out/requirements/$gname.json"
  "$cairn" fhir requirements "$g" --binding "$binding" --as-of 2026-01-01 > "$out/requirements/$gname-as-of.json"
done

echo "== fhir: Synthea R4 patients (npm cql-exec-fhir test fixtures) through every binding"
mkdir -p "$out/synthea"
synthea=0
for bundle in "$modules"/cql-exec-fhir/test/fixtures/r4/*.json; do
  # The fixtures folder also holds single resources: only Bundles.
  grep -q '"resourceType" *: *"Bundle"' "$bundle" || continue
  synthea=$((synthea + 1))
  patient="$(basename "$bundle" .json | cut -d_ -f1-2)"
  for binding in guidelines/*/bindings/fhir-r4.toml; do
    g="$(ls "$(dirname "$(dirname "$binding")")"/*.cairn | head -n 1)"
    gname="$(basename "$(dirname "$g")")"
    # Exit 0 or 1 (warnings) only: 2 and above, or a signal, is a crash.
    "$cairn" fhir extract "$g" --binding "$binding" "$bundle" --as-of 2026-12-01 \
      > "$out/synthea/$gname-$patient.case.json" 2> "$out/synthea/$gname-$patient.err"
    node "$here/validate_synthea.mjs" "$bundle" "$out/synthea/$gname-$patient.case.json" "$gname/$patient"
    "$cairn" run "$g" --fhir "$bundle" --binding "$binding" --as-of 2026-12-01 --format fhir \
      > "$out/guidance/synthea-$gname-$patient.json" 2> /dev/null
  done
done
[ "$synthea" -ge 2 ] || { echo "fhir: expected the Synthea R4 bundles of cql-exec-fhir"; exit 1; }

echo "== fhir: cairn batch --ndjson over a Bulk Data export of the synthetic bundles"
for binding in guidelines/*/bindings/fhir-r4.toml; do
  g="$(ls "$(dirname "$(dirname "$binding")")"/*.cairn | head -n 1)"
  gname="$(basename "$(dirname "$g")")"
  export_dir="$out/ndjson/$gname"
  node "$here/ndjson_export.mjs" "$export_dir" "$out"/bundles/"$gname"-*.json
  status=0
  "$cairn" batch "$g" --ndjson "$export_dir" --binding "$binding" --as-of 2026-12-02 \
    --format csv > "$out/ndjson/$gname.csv" 2> "$out/ndjson/$gname.err" || status=$?
  # The three bad lines make it exit 1, each reported as file:line.
  [ "$status" = 1 ] || { cat "$out/ndjson/$gname.err"; echo "fhir: batch --ndjson exited $status"; exit 1; }
  [ "$(grep -c 'error\[cairn::fhir::ndjson_line\]: [A-Za-z]*\.ndjson:[0-9]*:' "$out/ndjson/$gname.err")" = 3 ] \
    || { cat "$out/ndjson/$gname.err"; exit 1; }
  rows=$(($(wc -l < "$out/ndjson/$gname.csv") - 1))
  want=$(ls "$out"/bundles/"$gname"-*.json | wc -l)
  [ "$rows" = "$want" ] || { echo "fhir: $gname: $rows rows for $want patients"; exit 1; }
  echo "$gname: $rows patients, 3 bad lines reported"
done

echo "== fhir: FHIR R4 JSON Schema"
node "$here/validate.mjs" "$modules" "$out"/guidance/*.json "$out"/bundles/*.json \
  "$out"/requirements/*.json

echo "fhir: all outputs valid"
