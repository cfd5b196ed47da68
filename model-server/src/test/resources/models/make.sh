#!/usr/bin/env bash
# Makes the small models the server's tests serve, with the apps as a user runs them (~20 s):
#   bash model-server/src/test/resources/models/make.sh
# Run it again when a change to an app makes these files unreadable (the tests then say so).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
./lstm mnist train --train-size 20000 --test-size 1000 --epochs 3 --seed 1 --output-dir "$tmp/mnist"
./lstm chars --quick --seed 1 --sample-length 20 --output-dir "$tmp/chars"
./lstm forecast --quick --seed 1 --output-dir "$tmp/forecast"
./lstm translate --task dates --quick --seed 1 --output-dir "$tmp/translate"
for app in mnist chars forecast translate; do cp "$tmp/$app/model.zip" "$here/$app.zip"; done
ls -l "$here"/*.zip
