#!/usr/bin/env bash
# Installs the wasm-bindgen command line the playground's build needs, of
# exactly the `wasm-bindgen` crate version in Cargo.lock (its bindings
# format is versioned), into target/tools/ from crates.io, and prints its
# path. Reused when already there. `.ci/run` starts this first, in the
# background, so its few minutes of compiling overlap the editor tests'
# package downloads; `playground/build.sh` calls it too.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")"
bindgen="$root/target/tools/bin/wasm-bindgen"
if [ ! -x "$bindgen" ] || [ "$("$bindgen" --version)" != "wasm-bindgen $version" ]; then
  echo "== playground: installing wasm-bindgen-cli $version into target/tools" >&2
  # Not --locked: the lock file published with 0.2.130 pins a webpki-roots
  # release that the registry does not serve. Only the `wasm-bindgen`
  # binary, without the TLS stack (default feature) that only the test
  # runner's downloads use: a third of the build. A tool run once per
  # build on one module needs no full optimisation: opt-level 1 and no
  # debug info halve its compile time.
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=0 \
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --quiet --force --no-default-features --bin wasm-bindgen \
    --version "$version" --root "$root/target/tools" wasm-bindgen-cli >&2
fi
echo "$bindgen"
