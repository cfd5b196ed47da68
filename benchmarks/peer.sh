#!/usr/bin/env bash
# Side-by-side with libtorch (PyTorch's C++ core): runs the libtorch peer benchmark and this suite's
# benchmark of the same model (MNIST rows: LSTM(28 -> H), last step -> 10 classes, Adam, batch B,
# float32, random data) alternately, ROUNDS times, and prints the ratio of each pair and their median.
#   usage: benchmarks/peer.sh [hidden=128] [batch=64] [rounds=3] [model=mnist|char]
#   char: the char model as the char app runs it (one-hot 65 -> 2 x LSTM(256) over 100 steps -> softmax over 65 at
#   every step, batch 32; the suite's case char-2x256-s100-b32-softmax): benchmarks/peer.sh 256 32 3 char
#   PEER_BENCH: the peer benchmark's folder (default: ../shared/peer-bench next to this checkout).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
H=${1:-128} B=${2:-64} R=${3:-3} M=${4:-mnist}
peer=${PEER_BENCH:-$root/../shared/peer-bench}
[ -x "$peer/run" ] || { echo "error: no peer benchmark at $peer (set PEER_BENCH)" >&2; exit 2; }
case "$M-$H-$B" in
  mnist-64-64|mnist-64-256|mnist-128-64|mnist-128-256) suite_case="mnist-row-h$H-b$B" ;;
  char-256-32) suite_case="char-2x256-s100-b32-softmax" ;;
  *) echo "error: the cases are mnist with hidden 64 or 128 and batch 64 or 256, and char with hidden 256 and batch 32" >&2; exit 2 ;;
esac
ratios_train=() ratios_infer=()
for r in $(seq 1 "$R"); do
  p=$("$peer/run" "$H" "$B" 2 "$M" | grep '^peer ')
  o=$("$root/lstm" bench --impl fast --case "$suite_case" | grep '^case=.*impl=fast')
  echo "round $r: $p"
  echo "round $r: $o"
  pt=$(sed -E 's/.*train_samples_per_s=([0-9.]+).*/\1/' <<<"$p"); pi=$(sed -E 's/.*infer_samples_per_s=([0-9.]+).*/\1/' <<<"$p")
  ot=$(sed -E 's/.*train_samples_per_s=([0-9.]+).*/\1/' <<<"$o"); oi=$(sed -E 's/.*infer_samples_per_s=([0-9.]+).*/\1/' <<<"$o")
  ratios_train+=("$(awk -v a="$ot" -v b="$pt" 'BEGIN{printf "%.3f", a/b}')")
  ratios_infer+=("$(awk -v a="$oi" -v b="$pi" 'BEGIN{printf "%.3f", a/b}')")
  echo "round $r: ratio suite/libtorch train=${ratios_train[-1]} infer=${ratios_infer[-1]}"
done
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo "peer-ratio model=$M hidden=$H batch=$B rounds=$R train=$(med "${ratios_train[@]}") infer=$(med "${ratios_infer[@]}")"
