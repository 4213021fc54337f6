#!/usr/bin/env bash
# Load test of `cairn serve` on loopback (issue 16): wrk POSTs one
# full-prefetch patient-view request for DURATION (30 s by default, bounded),
# against the release binary, then prints wrk's throughput and latency
# percentiles. Not run by CI (it measures; it does not check).
#
#   benches/serve/load.sh                       # the test guideline, 30 s
#   DURATION=5s benches/serve/load.sh           # a smoke run
#   benches/serve/load.sh GUIDELINE BINDING SERVICE REQUEST.json
#
# JWT verification is off in this run: a CDS client's token is good for one
# call (its `jti` is remembered), and wrk replays one request. Everything
# else (body limit, timeout, JSON parsing, extraction, evaluation, cards) is
# as in production. Needs `wrk` (Debian: apt-get install -y wrk).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
fixtures="$root/tests/fhir/cds-hooks"
guideline="${1:-$fixtures/demo.cairn}"
binding="${2:-$fixtures/demo.fhir-r4.toml}"
service="${3:-cds_demo-patient-view}"
body="${4:-$root/benches/serve/patient-view.json}"
duration="${DURATION:-30s}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-16}"
bin="$root/target/release/cairn"
command -v wrk >/dev/null || { echo "load.sh: needs wrk (apt-get install -y wrk)" >&2; exit 2; }
[ -x "$bin" ] || cargo build --release --bin cairn --manifest-path "$root/Cargo.toml"

dir="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
cat > "$dir/serve.toml" <<TOML
as_of = "2026-06-01"
feedback_log = "feedback.jsonl"
log_requests = false
[auth]
required = false
TOML
"$bin" serve "$guideline" --binding "$binding" --config "$dir/serve.toml" \
  --addr 127.0.0.1:0 > "$dir/out" 2> "$dir/err" &
pid=$!
for _ in $(seq 100); do
  grep -q '^listening on ' "$dir/out" 2>/dev/null && break
  sleep 0.1
done
url="$(sed -n 's/^listening on //p' "$dir/out")"
[ -n "$url" ] || { cat "$dir/err" >&2; exit 1; }
# One call first: the answer must be cards, not an error.
curl -sf -H 'Content-Type: application/json' --data-binary "@$body" \
  "$url/cds-services/$service" | grep -q '"cards"'
echo "machine: $(nproc) cores, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -t$threads -c$connections -d$duration --latency $url/cds-services/$service"
CAIRN_LOAD_BODY="$body" wrk -t"$threads" -c"$connections" -d"$duration" --latency \
  -s "$root/benches/serve/post.lua" "$url/cds-services/$service"
