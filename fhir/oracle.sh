#!/usr/bin/env bash
# The oracle of Cairn's FHIRPath subset, run by .ci/run: installs HL7's
# FHIRPath engine (npm `fhirpath`, pinned by fhir/oracle/package-lock.json)
# into target/fhir-oracle/, then checks that the expected results committed
# in tests/corpus/fhirpath/cases.json are what the engine gives now. The
# Rust test tests/it/fhirpath_corpus.rs checks Cairn against the same
# results, so `cargo test` needs no node.
#
#   fhir/oracle.sh           install if needed, check (exit 1 on a difference)
#   fhir/oracle.sh --write   install if needed, rewrite the expected results
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
dest="$root/target/fhir-oracle"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm
fi

# Reinstall only when the lock file changed since the last install.
mkdir -p "$dest"
if ! cmp -s "$here/oracle/package-lock.json" "$dest/package-lock.json" \
  || [ ! -d "$dest/node_modules/fhirpath" ]; then
  cp "$here/oracle/package.json" "$here/oracle/package-lock.json" "$dest/"
  # --ignore-scripts: the engine needs none of its install scripts.
  (cd "$dest" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

# Date-times without an offset are read in the engine's local time zone:
# UTC, as Cairn reads them.
TZ=UTC node "$here/oracle/run.mjs" "$dest" "$@"
