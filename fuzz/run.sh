#!/usr/bin/env bash
# Runs bounded fuzz campaigns (cargo-fuzz, nightly toolchain).
#
#   fuzz/run.sh TARGET SECONDS   one target for SECONDS
#   fuzz/run.sh all SECONDS      every target, one after the other
#   fuzz/run.sh cmin             rebuild the committed corpora from the repo's
#                                files (fuzz/seed.py) and minimise them
#   fuzz/run.sh list             the targets
#
# A campaign reads the committed seeds (fuzz/corpus/TARGET, never written)
# and keeps what it finds in fuzz/work/corpus/TARGET (not committed). It
# stops at the first crash, hang (-timeout, 10 s) or memory blow-up
# (-rss_limit_mb, 2 GB); the input is minimised and kept as
# fuzz/regressions/TARGET/KIND-HASH, which `cargo test` replays
# (tests/it/fuzz_replay.rs; list it in fuzz/regressions/pending.txt until
# the fix lands). The last lines are libFuzzer's final figures: executions,
# coverage (edges), features, corpus size. One process, one job (no -jobs:
# the machine is shared); set FUZZ_ARGS for more libFuzzer flags.
set -euo pipefail
cd "$(dirname "$0")"

TARGETS=(parse_check fmt_roundtrip case_eval evaluator_agreement lsp_messages)
# No sanitizer: the code is safe Rust (`unsafe` is forbidden), and ASan
# would halve the executions. Debug assertions on: an arithmetic overflow
# panics as it does in `cargo test`.
BUILD=(-s none -a)

# Each target's dictionary of tokens (fuzz/dicts/), so mutations speak the input's language.
dict_of() {
  case $1 in
    parse_check | fmt_roundtrip) echo dicts/cairn.dict ;;
    case_eval) echo dicts/case.dict ;;
    lsp_messages) echo dicts/lsp.dict ;;
  esac
}

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

campaign() {
  local target=$1 seconds=$2
  local work=work/corpus/$target regress=regressions/$target log=work/$target.log
  mkdir -p "$work" "$regress" work/artifacts/$target
  local dict
  dict=$(dict_of "$target")
  echo "== $target: $seconds s"
  set +e
  cargo +nightly fuzz run "${BUILD[@]}" "$target" "$work" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=131072 -print_final_stats=1 -artifact_prefix="work/artifacts/$target/" \
    ${dict:+-dict="$dict"} ${FUZZ_ARGS:-} >"$log" 2>&1
  local rc=$?
  set -e
  for artifact in work/artifacts/"$target"/*; do
    [ -f "$artifact" ] || continue
    local name kind
    name=$(basename "$artifact")
    kind=${name%%-*}
    echo "!! $target: $kind, minimising $artifact"
    local min=work/artifacts/$target.min
    if [ "$kind" = crash ]; then
      cargo +nightly fuzz tmin "${BUILD[@]}" "$target" "$artifact" -- \
        -exact_artifact_path="$min" -runs=2000 >>"$log" 2>&1 || true
    fi
    [ -f "$min" ] || cp "$artifact" "$min"
    local hash
    hash=$(sha1sum "$min" | cut -c1-12)
    mv "$min" "$regress/$kind-$hash"
    rm -f "$artifact"
    echo "!! kept $regress/$kind-$hash"
  done
  # libFuzzer's final figures: the last status line and the stat:: lines.
  grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -1 || true
  grep -E '^stat::' "$log" || true
  grep -E 'panicked at|ERROR: libFuzzer' "$log" | head -3 || true
  echo "== $target: exit $rc (log: fuzz/$log)"
}

cmin() {
  python3 seed.py
  for target in "${TARGETS[@]}"; do
    rm -rf "corpus/$target"
    mkdir -p "corpus/$target"
    cp "work/seeds/$target"/* "corpus/$target/"
    cargo +nightly fuzz cmin "${BUILD[@]}" "$target" "corpus/$target" -- \
      -timeout=10 -rss_limit_mb=2048 -max_len=131072 >"work/$target.cmin.log" 2>&1 || {
      echo "cmin of $target failed: see fuzz/work/$target.cmin.log"
      exit 1
    }
    echo "$target: $(ls "corpus/$target" | wc -l) files, $(du -sh "corpus/$target" | cut -f1)"
  done
}

case "${1:-}" in
  list) printf '%s\n' "${TARGETS[@]}" ;;
  cmin) mkdir -p work && cmin ;;
  all)
    [ -n "${2:-}" ] || usage
    mkdir -p work
    for target in "${TARGETS[@]}"; do campaign "$target" "$2"; done
    ;;
  "" | -h | --help) usage ;;
  *)
    [ -n "${2:-}" ] || usage
    printf '%s\n' "${TARGETS[@]}" | grep -qx "$1" || { echo "unknown target \`$1\`"; usage; }
    mkdir -p work
    campaign "$1" "$2"
    ;;
esac
