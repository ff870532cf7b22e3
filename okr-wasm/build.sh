#!/usr/bin/env bash
# Builds the npm package in okr-wasm/pkg: the wasm module for browsers (pkg/web, ES module
# with a default `init` export) and for Node.js (pkg/node, CommonJS), size-optimised.
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
WASM=$ROOT/target/wasm32-unknown-unknown/wasm-release/okr_wasm.wasm

# Size: wasm-opt runs on the module before wasm-bindgen (Debian's binaryen predates
# wasm-bindgen's externref table, which it would mangle if run after), with the features
# rustc enables by default for wasm32-unknown-unknown.
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
wasm-bindgen "$WASM" --target nodejs --out-dir pkg/node

# Node's build is CommonJS inside a "type": "module" package.
printf '{ "type": "commonjs" }\n' > pkg/node/package.json
# The widget, with its import pointing into the package.
mkdir -p pkg/widget
sed 's#"../pkg/web/okr_wasm.js"#"../web/okr_wasm.js"#' www/okr-cascade.js > pkg/widget/okr-cascade.js

raw=$(wc -c < pkg/web/okr_wasm_bg.wasm)
gz=$(gzip -9 -c pkg/web/okr_wasm_bg.wasm | wc -c)
printf '{"wasm_bytes": %d, "wasm_gzip_bytes": %d}\n' "$raw" "$gz" > pkg/size.json
echo "okr_wasm_bg.wasm: $raw bytes, $gz bytes gzipped"
