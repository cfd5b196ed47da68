#!/usr/bin/env bash
# ./lstm serve as a user runs it, on the quick runs .ci/run made: the address it prints, each app's endpoint with
# curl, a streamed generation, a bad request (422, JSON), the token rule off loopback (exit 2), then SIGTERM:
# it drains and exits.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/ci-serve.txt
rm -f target/ci-serve-*
./lstm serve --port 0 target/ci-mnist-quick target/ci-chars-quick target/ci-forecast-quick target/ci-translate-quick >"$out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do grep -q '^serving on ' "$out" && break; kill -0 $pid 2>/dev/null || break; sleep 0.5; done
url=$(sed -n 's/^serving on \(http:[^ ]*\).*/\1/p' "$out")
[ -n "$url" ] || { echo "serve did not start:"; cat "$out"; exit 1; }
echo "server at $url"
# (answers go to files first: grep -q stops reading early, and curl would then fail writing to the pipe)
curl -sf "$url/health/ready" -o target/ci-serve-ready.json
grep -q '"ready"' target/ci-serve-ready.json
curl -sf "$url/" -o target/ci-serve-page.html
grep -q '<canvas id="pad"' target/ci-serve-page.html
python3 - <<'PY' > target/ci-serve-digit.json
import json
px = [[0.0] * 28 for _ in range(28)]
for r in range(4, 24):
    px[r][14] = 1.0
print(json.dumps({"pixels": px}))
PY
curl -sf -H 'Content-Type: application/json' --data @target/ci-serve-digit.json "$url/v1/models/mnist/classify" | tee target/ci-serve-classify.json
grep -q '"top":\[' target/ci-serve-classify.json
curl -sfN -H 'Content-Type: application/json' -d '{"prime":"KING","length":40,"seed":1,"stream":true}' "$url/v1/models/chars/generate" > target/ci-serve-stream.txt
[ "$(grep -c '^event: token' target/ci-serve-stream.txt)" = 40 ] || { echo "expected 40 token events"; cat target/ci-serve-stream.txt; exit 1; }
grep -q '^event: done' target/ci-serve-stream.txt
curl -sf -H 'Content-Type: application/json' -d '{"sentences":["3 march 2019","december 25, 1999"]}' "$url/v1/models/translate/translate" \
  -o target/ci-serve-translate.json
grep -q '"translations"' target/ci-serve-translate.json
curl -sf "$url/v1/models/forecast" -o target/ci-serve-forecast-model.json
values=$(python3 -c 'import json,sys; print(json.dumps({"values": json.load(open(sys.argv[1]))["example"]["values"], "horizon": 6}))' target/ci-serve-forecast-model.json)
curl -sf -H 'Content-Type: application/json' -d "$values" "$url/v1/models/forecast/forecast" -o target/ci-serve-forecast.json
grep -q '"lo95"' target/ci-serve-forecast.json
code=$(curl -s -o target/ci-serve-bad.json -w '%{http_code}' -H 'Content-Type: application/json' -d '{"prime":"KING","length":999999}' "$url/v1/models/chars/generate")
[ "$code" = 422 ] && grep -q '"error"' target/ci-serve-bad.json || { echo "expected 422 with a JSON error, got $code"; exit 1; }
curl -sf "$url/metrics" -o target/ci-serve-metrics.txt
grep -q 'lstm_serve_requests_total{endpoint="classify",model="mnist",status="200"}' target/ci-serve-metrics.txt
kill -TERM $pid
wait $pid || true
grep -q 'stopping: draining' "$out" || { echo "no graceful stop:"; cat "$out"; exit 1; }
if kill -0 $pid 2>/dev/null; then echo "still running after SIGTERM"; exit 1; fi
trap - EXIT
set +e
./lstm serve --host 0.0.0.0 target/ci-mnist-quick 2>target/ci-serve-host.txt
code=$?
set -e
[ "$code" = 2 ] && grep -q -- '--token-file' target/ci-serve-host.txt || { echo "expected exit 2 for --host 0.0.0.0 without a token, got $code"; exit 1; }
# the load test as a user runs it, briefly: its table, a mean batch in each row, no failed request
./lstm bench serve mnist=target/ci-mnist-quick --clients 1,8 --seconds 0.5 | tee target/ci-serve-load.txt
[ "$(grep -cE '^mnist +(batch ≤ 64|one at a time) +[18] +[0-9.]+ .* 0 +[0-9.]+$' target/ci-serve-load.txt)" = 4 ] \
  || { echo "expected four rows with no failed request and a mean batch"; exit 1; }
echo "ci serve: ok"
