#!/usr/bin/env bash
# Tests every editor integration against the engine that editor really uses.
# Called by .ci/run on a fresh machine: installs what it needs first (the
# package lists are at the top of editors/README.md).
#
#   editors/test.sh            install, then run every editor test
#   editors/test.sh --no-install   skip apt-get and npm ci (tools already there)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
install=1
[ "${1:-}" = "--no-install" ] && install=0

# ------------------------------------------------------------ installs
# Each Debian package is installed only when its command is missing, so a
# Node.js from elsewhere (whose npm is built in) is left alone.
tools=(vim:vim nvim:neovim node:nodejs npm:npm unzip:unzip emacs:emacs-nox python3:python3)
if [ "$install" = 1 ]; then
  missing=()
  for pair in "${tools[@]}"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  # Eglot is built into Emacs 29; Debian 12's Emacs 28 needs elpa-eglot.
  if ! command -v emacs >/dev/null 2>&1 || ! emacs --batch --eval "(require 'eglot)" >/dev/null 2>&1; then
    missing+=(elpa-eglot)
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  (cd "$here/vscode" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The language server under test; editors start it as `cairn lsp`.
cairn_bin="${CAIRN_BIN:-}"
if [ -z "$cairn_bin" ]; then
  (cd "$root" && cargo build --quiet --bin cairn)
  cairn_bin="$root/target/debug/cairn"
fi

# ------------------------------------------------------------ VS Code
echo "== VS Code: TextMate grammar (vscode-tmgrammar-test)"
cd "$here/vscode"
# The snapshot input is the shared sample; a stale copy would test nothing new.
cmp "$here/samples/sarcoma.cairn" test/snap/sarcoma.cairn
npx --no-install vscode-tmgrammar-test -g syntaxes/cairn.tmLanguage.json 'test/*.test.cairn'
npx --no-install vscode-tmgrammar-snap -g syntaxes/cairn.tmLanguage.json 'test/snap/*.cairn'
echo "== VS Code: package the extension (vsce)"
rm -f cairn.vsix
npx --no-install vsce package -o cairn.vsix </dev/null
unzip -l cairn.vsix > vsix-contents.txt
grep -q 'extension/syntaxes/cairn.tmLanguage.json' vsix-contents.txt
grep -q 'extension/node_modules/vscode-languageclient/package.json' vsix-contents.txt
rm vsix-contents.txt
echo "== VS Code: the client starts \`cairn lsp\` from the settings (fake vscode module)"
node test/extension.test.js
echo "== VS Code: the real vscode-languageclient against \`cairn lsp\` (minimal vscode module)"
CAIRN_BIN="$cairn_bin" timeout 120 node test/client.test.js

# ------------------------------------------------------------ Vim
echo "== Vim: ftdetect, syntax groups, ftplugin, indent (vim -es)"
result="$(mktemp)"
if ! CAIRN_VIM_RESULT="$result" vim -Nu NONE -i NONE -es -S "$here/vim/test/run.vim" </dev/null; then
  cat "$result"
  exit 1
fi
cat "$result"

echo "== Vim: formatprg filter through \`cairn fmt\`"
tmp="$(mktemp -d)"
sed 's/^ *//' "$here/samples/sarcoma.cairn" > "$tmp/messy.cairn"
cp "$tmp/messy.cairn" "$tmp/expected.cairn"
"$cairn_bin" fmt "$tmp/expected.cairn" >/dev/null 2>&1
! cmp -s "$tmp/messy.cairn" "$tmp/expected.cairn" # formatting has something to do
CAIRN="$cairn_bin" "$here/vim/bin/cairn-fmt-filter" < "$tmp/messy.cairn" > "$tmp/filtered.cairn"
cmp "$tmp/filtered.cairn" "$tmp/expected.cairn"
printf 'fact x "y": integr\n' > "$tmp/broken.cairn"
if CAIRN="$cairn_bin" "$here/vim/bin/cairn-fmt-filter" < "$tmp/broken.cairn" > "$tmp/out.cairn"; then
  echo "the filter accepted a syntax error"; exit 1
fi
cmp "$tmp/broken.cairn" "$tmp/out.cairn"
rm -rf "$tmp"
echo ok

echo "== Neovim: cairn.lsp attaches to \`cairn lsp\`, diagnostics and hover"
CAIRN_BIN="$cairn_bin" timeout 120 nvim --headless -u NONE -i NONE -c "luafile $here/vim/test/nvim_lsp.lua" </dev/null
echo

# ------------------------------------------------------------ Emacs
echo "== Emacs: byte-compile without warnings, ERT (faces, indentation, eglot)"
elc_dir="$(mktemp -d)"
cp "$here/emacs/cairn-mode.el" "$elc_dir/"
emacs --batch -Q --eval '(setq byte-compile-error-on-warn t)' -f batch-byte-compile "$elc_dir/cairn-mode.el"
# Without -Q so Debian's elpa-eglot is on the load path; --batch loads no init file.
CAIRN_BIN="$cairn_bin" emacs --batch -L "$elc_dir" -l "$here/emacs/test/cairn-mode-test.el" \
  -f ert-run-tests-batch-and-exit
rm -rf "$elc_dir"
# ------------------------------------------------------------ tree-sitter
echo "== tree-sitter: parse every guideline, highlight, queries, generated files fresh"
# Uses the tree-sitter runtime, highlighter and generator crates (no CLI);
# `node` evaluates grammar.js for the freshness check.
cargo test --quiet --manifest-path "$here/tree-sitter-cairn/Cargo.toml"
echo "== tree-sitter: the committed parser is ABI 15, as editors/README.md says"
grep -qx '#define LANGUAGE_VERSION 15' "$here/tree-sitter-cairn/src/parser.c"
grep -q 'ABI 15 needs a tree-sitter library 0.25 or later' "$here/README.md"

# ------------------------------------------------------------ Helix
echo "== Helix: languages.toml parses and points at \`cairn lsp\`"
python3 - "$here/helix/languages.toml" <<'PY'
import sys, tomllib
config = tomllib.load(open(sys.argv[1], "rb"))
server = config["language-server"]["cairn"]
assert [server["command"], *server["args"]] == ["cairn", "lsp"], server
(language,) = config["language"]
assert language["file-types"] == ["cairn"] and language["language-servers"] == ["cairn"], language
assert language["comment-token"] == "//", language
(grammar,) = config["grammar"]
assert grammar["name"] == "cairn" == language["grammar"], grammar
assert config["use-grammars"] == {"only": ["cairn"]}, config.get("use-grammars")
print("ok")
PY

echo "== all editor tests passed"
