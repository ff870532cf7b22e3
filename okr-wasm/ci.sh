#!/usr/bin/env bash
# The JS package's checks: build pkg/ (wasm-bindgen-cli at the version Cargo.lock pins,
# wasm-opt from Debian's binaryen), type-check the TypeScript example, run the node tests
# and the Chromium tests (Debian's chromium, driven by playwright-core), the widget's
# benchmark at 1k objectives (a few seconds), and check that
# `npm pack` packs the module. Installs what is missing. Called by the README's test command.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd .. && pwd)

rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' "$ROOT/Cargo.lock")
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    cargo install --quiet wasm-bindgen-cli --version "$want"
fi

missing=()
command -v wasm-opt >/dev/null || missing+=(binaryen)
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

npm ci --no-audit --no-fund --loglevel=error
bash build.sh

echo "--- tsc --noEmit (typed usage example)"
npx tsc -p examples/tsconfig.json
echo "--- node --test (API and Chromium)"
node --test --test-timeout=300000 tests/
echo "--- the widget's benchmark at 1k (benches/widget/bench.mjs; 10k and 100k by hand)"
OKR_WIDGET_RESULTS="$ROOT/target/okr-widget-bench-quick.jsonl" node ../benches/widget/bench.mjs --sizes 1000
echo "--- npm pack"
(cd pkg && npm pack --dry-run 2>&1) | tee "$ROOT/target/npm-pack.txt" | grep -E "okr_wasm_bg.wasm|okr-cascade.js|package size"
grep -q "web/okr_wasm_bg.wasm" "$ROOT/target/npm-pack.txt"
grep -q "node/okr_wasm_bg.wasm" "$ROOT/target/npm-pack.txt"
grep -q "widget/okr-cascade.js" "$ROOT/target/npm-pack.txt"
