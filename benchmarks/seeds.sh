#!/usr/bin/env bash
# A learned figure is a distribution, not one draw: runs one ./lstm training command once per seed, each
# into a fresh run folder, and prints each seed's headline and wall time, then the median and range of
# the headline's number (or of --metric).
#
#   usage: benchmarks/seeds.sh [--seeds "1 2 3 4 5"] [--isa native|avx2] [--metric NAME] [--keep DIR] -- ./lstm APP [flags]
#
#   --seeds   the seeds (default 1 2 3 4 5); each run gets --seed S --output-dir DIR/seed-S
#   --isa     avx2: run as on a CPU without AVX-512 (OpenBLAS's Haswell kernels, oneDNN capped at AVX2,
#             the JVM's code generation at AVX2); native (default): whatever this CPU has
#   --metric  a number in summary.json by its key (e.g. mase, bleu_greedy); default: the headline's first number
#   --keep    where the run folders go (default: a temporary folder, removed at the end)
#
# Example: benchmarks/seeds.sh --isa avx2 -- ./lstm forecast
# Prints, last:  seeds median=<m> min=<a> max=<b> n=<count> isa=<isa>
set -euo pipefail
seeds="1 2 3 4 5" isa=native metric="" keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds=$2; shift 2 ;;
    --isa) isa=$2; shift 2 ;;
    --metric) metric=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (see --help); the command goes after --" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "error: no command: benchmarks/seeds.sh [options] -- ./lstm APP [flags]" >&2; exit 2; }
case "$isa" in
  native) ;;
  avx2) export OPENBLAS_CORETYPE=Haswell ONEDNN_MAX_CPU_ISA=AVX2 LSTM_JAVA_OPTS="${LSTM_JAVA_OPTS:-} -XX:UseAVX=2" ;;
  *) echo "error: --isa must be native or avx2, not '$isa'" >&2; exit 2 ;;
esac
if [ -n "$keep" ]; then mkdir -p "$keep"; out=$keep; else out=$(mktemp -d "${TMPDIR:-/tmp}/lstm-seeds.XXXXXX"); trap 'rm -rf "$out"' EXIT; fi

values=()
for s in $seeds; do
  [[ "$s" =~ ^[0-9]+$ ]] || { echo "error: --seeds takes whole numbers, not '$s'" >&2; exit 2; }
  dir=$out/seed-$s
  rm -rf "$dir"
  start=$(date +%s.%N)
  "$@" --seed "$s" --output-dir "$dir" > "$out/seed-$s.log" 2>&1 || { echo "seed $s: the command failed; its last lines:" >&2; tail -n 5 "$out/seed-$s.log" >&2; exit 1; }
  wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  headline=$(sed -n 's/^ *"headline" *: *"\(.*\)",\{0,1\}$/\1/p' "$dir/summary.json" | head -n 1)
  if [ -n "$metric" ]; then
    v=$(grep -o "\"$metric\" *: *-\{0,1\}[0-9.eE+-]*" "$dir/summary.json" | head -n 1 | sed 's/.*: *//')
  else
    v=$(grep -o -- '-\{0,1\}[0-9]\+\.[0-9]\+' <<<"$headline" | head -n 1)
  fi
  [ -n "$v" ] || { echo "error: no ${metric:-headline number} in $dir/summary.json" >&2; exit 1; }
  values+=("$v")
  echo "seed $s: $headline  (${metric:-value} $v, ${wall} s wall)"
done
printf '%s\n' "${values[@]}" | sort -g | awk -v isa="$isa" '
  { a[NR] = $1 }
  END {
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf "seeds median=%s min=%s max=%s n=%d isa=%s\n", m, a[1], a[NR], NR, isa
  }'
