#!/usr/bin/env bash
# A project that uses the suite as a library (.ci/consumer: its only dependency is mnist-classifier) gets the model
# API and what it needs - DL4J, ND4J, the fast layers - and nothing of the command line: no JUnit, picocli, XChart,
# pdfbox or logback on its class path. Then it classifies two drawn digits with a model trained by ./lstm mnist.
#   usage: .ci/consumer.sh MODEL.zip      (after ./mvnw install)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
model=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$root/.ci/consumer"
mvn=("$root/mvnw" -B -q -ntp -Dstyle.color=never)
"${mvn[@]}" dependency:tree -DoutputFile=target/tree.txt >/dev/null
if grep -E 'junit|logback|picocli|xchart|pdfbox' target/tree.txt; then
  echo "consumer: the libraries above reach a project that depends on mnist-classifier only" >&2; exit 1
fi
grep -q 'io.github.lstmsuite:lstm-layers' target/tree.txt || { echo "consumer: lstm-layers is missing" >&2; exit 1; }
"${mvn[@]}" package dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
java -cp "target/classes:$(cat target/cp.txt)" demo.Main "$model" target 2>/dev/null | tee target/out.txt
grep -q '^drawn 1: 1 ' target/out.txt || { echo "consumer: the drawn 1 was not classified as a 1" >&2; exit 1; }
echo "consumer: ok ($(grep -c . target/tree.txt) artifacts in its dependency tree)"
