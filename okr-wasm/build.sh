#!/usr/bin/env bash
# Builds the npm package in okr-wasm/pkg: the wasm module for browsers (pkg/web, ES module
# with a default `init` export), size-optimised (cargo profile `wasm-release`, opt-level
# "z", then wasm-opt -Oz), and for Node.js (pkg/node, CommonJS), speed-optimised (profile
# `wasm-node`, opt-level 3, no wasm-opt: Debian's binaryen 108 at -O2, -O3 or -O4, run
# before wasm-bindgen as below, made loading 100k objectives 5-25% slower than rustc's
# output alone). Node reads the module from disk, so its size hardly matters; there
# opt-level "z" made the JS peer benchmark (benches/peers/js.sh) about twice as slow.
# Needs: rustup target wasm32-unknown-unknown, wasm-bindgen-cli at the version Cargo.lock
# pins (cargo install), and wasm-opt (Debian package binaryen) if available.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd .. && pwd)

want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' "$ROOT/Cargo.lock")
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
    echo "wasm-bindgen-cli $want is needed (found: ${have:-none}): cargo install wasm-bindgen-cli --version $want" >&2
    exit 1
fi

cargo build --quiet -p okr-wasm --target wasm32-unknown-unknown --profile wasm-release
cargo build --quiet -p okr-wasm --target wasm32-unknown-unknown --profile wasm-node
WASM=$ROOT/target/wasm32-unknown-unknown/wasm-release/okr_wasm.wasm
NODE_WASM=$ROOT/target/wasm32-unknown-unknown/wasm-node/okr_wasm.wasm

# Size (browsers): wasm-opt runs on the module before wasm-bindgen (Debian's binaryen
# predates wasm-bindgen's externref table, which it mangles if run after: the module then
# fails to load), with the features rustc enables by default for wasm32-unknown-unknown.
FEATURES="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue"
if command -v wasm-opt >/dev/null; then
    # shellcheck disable=SC2086
    mkdir -p "$ROOT/target/wasm-opt"
    wasm-opt -Oz --strip-debug $FEATURES "$WASM" -o "$ROOT/target/wasm-opt/okr_wasm.wasm"
    WASM=$ROOT/target/wasm-opt/okr_wasm.wasm
else
    echo "note: wasm-opt not found (Debian package binaryen); the module is not size-optimised" >&2
fi

rm -rf pkg/web pkg/node
wasm-bindgen "$WASM" --target web --out-dir pkg/web
wasm-bindgen "$NODE_WASM" --target nodejs --out-dir pkg/node

# Node's build is CommonJS inside a "type": "module" package.
printf '{ "type": "commonjs" }\n' > pkg/node/package.json
# Its glue require()s the JS snippets of src/lib.rs (`inline_js`), which wasm-bindgen
# writes as ES modules (only Node >= 20.19 or 22.12 can require those): make their
# `export function`s CommonJS exports, and refuse any other ES module syntax.
for f in pkg/node/snippets/*/*.js; do
    [ -e "$f" ] || continue
    sed -i -E 's/^export function ([A-Za-z_$][A-Za-z0-9_$]*)/exports.\1 = function \1/' "$f"
    if grep -qE '^[[:space:]]*(export|import)[[:space:]{*]' "$f"; then
        echo "build.sh: $f: ES module syntax left that Node's CommonJS build cannot load" >&2
        exit 1
    fi
done
# The widget, with its import pointing into the package.
mkdir -p pkg/widget
sed 's#"../pkg/web/okr_wasm.js"#"../web/okr_wasm.js"#' www/okr-cascade.js > pkg/widget/okr-cascade.js

# Sizes: the browsers' module (what a page downloads), and Node's for reference.
raw=$(wc -c < pkg/web/okr_wasm_bg.wasm)
gz=$(gzip -9 -c pkg/web/okr_wasm_bg.wasm | wc -c)
node_raw=$(wc -c < pkg/node/okr_wasm_bg.wasm)
printf '{"wasm_bytes": %d, "wasm_gzip_bytes": %d, "node_wasm_bytes": %d}\n' "$raw" "$gz" "$node_raw" > pkg/size.json
echo "web/okr_wasm_bg.wasm: $raw bytes, $gz bytes gzipped; node/okr_wasm_bg.wasm: $node_raw bytes"
