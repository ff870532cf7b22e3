#!/usr/bin/env bash
# The JS peer benchmark (issue #8): okr-wasm in Node.js against a plain-JS object-walking
# scorer, and against okr-core natively, on generated documents (benches/peers/js_peer.mjs
# says what is timed and checked).
#
#   bash benches/peers/js.sh                 # quick mode, as CI: 1k and 10k (a few seconds
#                                            # once built)
#   bash benches/peers/js.sh 1k,10k,100k     # the full run (the goals are judged at 100k)
#   OKR_BENCH_SIZES=100k bash benches/peers/js.sh
#
# Sizes: the first argument, else $OKR_BENCH_SIZES, else 1000,10000 (`1k`, `100_000`, `1M`
# all read). Results are appended to $OKR_BENCH_RESULTS (default
# target/okr-bench-results.jsonl), every size of one invocation under one run id
# ($OKR_BENCH_RUN, default the Unix time now). Extra arguments after the sizes go to
# js_peer.mjs (e.g. `--runs 5`, `--no-record`).
#
# Builds what is missing: okr-wasm/pkg/node with okr-wasm/build.sh (installing, as
# okr-wasm/ci.sh does, the wasm32 target, wasm-bindgen-cli at the version Cargo.lock pins
# and Debian's binaryen; an existing pkg/node is used as it is: rebuild it with
# `bash okr-wasm/build.sh` after changing okr-core), and, in release, the `load_score`
# bench binary and the `okr` CLI (which generates the documents, cached under
# target/okr-bench-data/).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

SIZES=${OKR_BENCH_SIZES:-1000,10000}
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    SIZES=$1
    shift
fi

command -v node >/dev/null || { echo "js.sh: node (>= 18) is needed" >&2; exit 1; }

if [ ! -f okr-wasm/pkg/node/okr_wasm.js ]; then
    echo "--- building okr-wasm/pkg (okr-wasm/build.sh)"
    rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
    want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
    if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
        cargo install --quiet wasm-bindgen-cli --version "$want"
    fi
    if ! command -v wasm-opt >/dev/null; then
        SUDO=""
        [ "$(id -u)" = 0 ] || SUDO="sudo"
        $SUDO apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends binaryen >/dev/null
    fi
    bash okr-wasm/build.sh
fi

echo "--- building load_score and okr (release)"
cargo build --release --quiet -p okr-benches --bin load_score
cargo build --release --quiet -p okr-core --features cli --bin okr

export OKR_BENCH_RUN=${OKR_BENCH_RUN:-$(date +%s)}
IFS=, read -r -a sizes <<< "$SIZES"
for n in "${sizes[@]}"; do
    node --expose-gc --max-old-space-size="${OKR_NODE_HEAP_MB:-8192}" benches/peers/js_peer.mjs \
        --objectives "$n" --native "$TARGET/release/load_score" --okr "$TARGET/release/okr" "$@"
done
