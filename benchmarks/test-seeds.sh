#!/usr/bin/env bash
# The app modules' tests over seeds and instruction sets: every test that asserts a learned quality (an accuracy
# floor, a loss bound, a forecast against its baselines) trains with -Dlstm.test.seed=S, so a floor that holds on
# one draw only shows up here. "avx2" runs as on a CPU without AVX-512: OpenBLAS's Haswell kernels
# (OPENBLAS_CORETYPE=Haswell), oneDNN capped at AVX2 (ONEDNN_MAX_CPU_ISA=AVX2; ONEDNN_VERBOSE=1 prints
# "isa:Intel AVX2") and the JVM's code generation at AVX2 (-XX:UseAVX=2).
#
#   usage: benchmarks/test-seeds.sh [--seeds "1 2 3 4 5"] [--isa "native avx2"] [--modules M,M…]
#   (~2 minutes per seed and instruction set on 2 cores; ends "N passed, M failed" over the runs)
set -uo pipefail
cd "$(dirname "$0")/.."
seeds="1 2 3 4 5" isas="native avx2" modules=mnist-classifier,char-generator,timeseries-forecast,seq2seq-translator
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds=$2; shift 2 ;;
    --isa) isas=$2; shift 2 ;;
    --modules) modules=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
./mvnw -B -q -o -Dstyle.color=never install -pl common -am -DskipTests || exit 1
passed=0 failed=0
log=$(mktemp -d "${TMPDIR:-/tmp}/lstm-test-seeds.XXXXXX")
for isa in $isas; do
  for s in $seeds; do
    case "$isa" in
      native) envs=() jvm="" ;;
      avx2) envs=(OPENBLAS_CORETYPE=Haswell ONEDNN_MAX_CPU_ISA=AVX2) jvm="-XX:UseAVX=2" ;;
      *) echo "error: --isa takes native and/or avx2, not '$isa'" >&2; exit 2 ;;
    esac
    f=$log/$isa-seed-$s.log
    if env "${envs[@]}" ./mvnw -B -o -Dstyle.color=never test -pl "$modules" -Dlstm.test.seed="$s" -Dlstm.test.jvmArgs="$jvm" > "$f" 2>&1; then
      passed=$((passed + 1)); echo "ok    $isa seed $s"
    else
      failed=$((failed + 1)); echo "FAIL  $isa seed $s ($f):"; grep -E '<<< FAIL|AssertionFailed|expected' "$f" | head -n 6 | sed 's/^/        /'
    fi
  done
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
