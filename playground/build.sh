#!/usr/bin/env bash
# Builds the playground into target/playground/ (never committed):
#   1. the glue crate playground/wasm for wasm32-unknown-unknown (the
#      `wasm` profile of the root Cargo.toml);
#   2. wasm-bindgen's JS bindings (--target web), with the wasm-bindgen-cli
#      of exactly the wasm-bindgen version in Cargo.lock, installed into
#      target/tools/ from crates.io when missing and reused after;
#   3. the page's modules bundled by esbuild (CodeMirror 6 from npm);
#   4. the static files and the shipped guidelines, with an index.
# Needs `npm ci` in playground/ first (playground/test.sh runs it).
#
#   playground/build.sh && python3 -m http.server -d target/playground 8080
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="$root/target/playground"
cd "$root"

echo "== playground: cairn-wasm (profile wasm, wasm32-unknown-unknown)"
rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown
# The `wasm` profile: release without debug info (wasm-bindgen strips it
# anyway; it only costs build time) and optimised for size.
cargo build --quiet -p cairn-wasm --profile wasm --target wasm32-unknown-unknown

# wasm-bindgen-cli of exactly the crate's version (playground/tools.sh).
bindgen="$("$here/tools.sh")"

echo "== playground: bindings, bundle, files -> target/playground"
rm -rf "$out"
mkdir -p "$out/pkg" "$out/guidelines"
"$bindgen" --target web --no-typescript --out-dir "$out/pkg" \
  target/wasm32-unknown-unknown/wasm/cairn_wasm.wasm
"$here/node_modules/.bin/esbuild" "$here/web/main.js" --bundle --format=esm \
  --minify --log-level=warning --external:./pkg/cairn_wasm.js --outfile="$out/main.js"
cp "$here/web/index.html" "$here/web/style.css" "$out/"

# Every shipped guideline, with its path, for the page's selector.
paths=()
for file in guidelines/*/*.cairn; do
  rel="${file#guidelines/}"
  mkdir -p "$out/guidelines/$(dirname "$rel")"
  cp "$file" "$out/guidelines/$rel"
  paths+=("$rel")
done
node -e 'console.log(JSON.stringify(process.argv.slice(1).map((path) => ({ path }))))' \
  "${paths[@]}" > "$out/guidelines/index.json"
echo "== playground: built $(du -sh "$out" | cut -f1) in target/playground"
