#!/usr/bin/env bash
# Side-by-side with libtorch (PyTorch's C++ core): runs the libtorch peer benchmark and this suite's
# benchmark of the same model (MNIST rows: LSTM(28 -> H), last step -> 10 classes, Adam, batch B,
# float32, random data) alternately, ROUNDS times, and prints the ratio of each pair and their median.
#   usage: benchmarks/peer.sh [hidden=128] [batch=64] [rounds=3]
#   PEER_BENCH: the peer benchmark's folder (default: ../shared/peer-bench next to this checkout).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
H=${1:-128} B=${2:-64} R=${3:-3}
peer=${PEER_BENCH:-$root/../shared/peer-bench}
[ -x "$peer/run" ] || { echo "error: no peer benchmark at $peer (set PEER_BENCH)" >&2; exit 2; }
case "$H-$B" in 64-64|64-256|128-64|128-256) ;; *) echo "error: hidden must be 64 or 128 and batch 64 or 256" >&2; exit 2 ;; esac
ratios_train=() ratios_infer=()
for r in $(seq 1 "$R"); do
  p=$("$peer/run" "$H" "$B" 2 | grep '^peer ')
  o=$("$root/lstm" bench --impl fast --case "mnist-row-h$H-b$B" | grep '^case=.*impl=fast')
  echo "round $r: $p"
  echo "round $r: $o"
  pt=$(sed -E 's/.*train_samples_per_s=([0-9.]+).*/\1/' <<<"$p"); pi=$(sed -E 's/.*infer_samples_per_s=([0-9.]+).*/\1/' <<<"$p")
  ot=$(sed -E 's/.*train_samples_per_s=([0-9.]+).*/\1/' <<<"$o"); oi=$(sed -E 's/.*infer_samples_per_s=([0-9.]+).*/\1/' <<<"$o")
  ratios_train+=("$(awk -v a="$ot" -v b="$pt" 'BEGIN{printf "%.3f", a/b}')")
  ratios_infer+=("$(awk -v a="$oi" -v b="$pi" 'BEGIN{printf "%.3f", a/b}')")
  echo "round $r: ratio suite/libtorch train=${ratios_train[-1]} infer=${ratios_infer[-1]}"
done
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo "peer-ratio hidden=$H batch=$B rounds=$R train=$(med "${ratios_train[@]}") infer=$(med "${ratios_infer[@]}")"
