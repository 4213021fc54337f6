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
apt_packages=(vim nodejs npm unzip)
if [ "$install" = 1 ]; then
  missing=()
  for p in "${apt_packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  (cd "$here/vscode" && npm ci --no-audit --no-fund --loglevel=error)
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
node --check extension.js # the client at least parses; it needs VS Code to run

# ------------------------------------------------------------ Vim
echo "== Vim: ftdetect, syntax groups, ftplugin, indent (vim -es)"
result="$(mktemp)"
if ! CAIRN_VIM_RESULT="$result" vim -Nu NONE -i NONE -es -S "$here/vim/test/run.vim" </dev/null; then
  cat "$result"
  exit 1
fi
cat "$result"
