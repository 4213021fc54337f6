#!/usr/bin/env bash
# Builds the playground and tests it in a real browser: headless Debian
# chromium driven by playwright-core (node's test runner), against a static
# server on 127.0.0.1. Called by .ci/run after `cargo test` (which builds
# target/debug/cairn, the command line the tests compare with). Screenshots
# go to target/playground-artifacts/.
#
#   playground/test.sh               install what is missing, build, test
#   playground/test.sh --no-install  skip apt-get and npm ci
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
install=1
[ "${1:-}" = "--no-install" ] && install=0

if [ "$install" = 1 ]; then
  # Each Debian package only when its command is missing, so a Node.js
  # from elsewhere (whose npm is built in) is left alone.
  missing=()
  for pair in chromium:chromium node:nodejs npm:npm; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

cairn_bin="${CAIRN_BIN:-}"
if [ -z "$cairn_bin" ]; then
  (cd "$root" && cargo build --quiet --bin cairn)
  cairn_bin="$root/target/debug/cairn"
fi

"$here/build.sh"

echo "== playground: browser tests (playwright-core, headless chromium)"
mkdir -p "$root/target/playground-artifacts"
cd "$here"
CAIRN_BIN="$cairn_bin" timeout 600 node --test --test-concurrency=1 tests/*.test.mjs
