#!/usr/bin/env bash
# CI's short fuzzing pass: each target from its checked-in corpus for a fixed time. A crash
# fails CI and leaves its input in fuzz/artifacts/. Longer runs: see SECURITY.md.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER_TARGET=${FUZZ_SECONDS:-20}

if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null; then
    cargo install --quiet cargo-fuzz
fi
for target in load_json load_yaml load_toml structured differential edit; do
    mkdir -p "corpus/$target"
    # A scratch copy of the corpus, so CI does not grow the checked-in one.
    scratch=$(mktemp -d)
    cp -r "corpus/$target/." "$scratch/"
    # The checked-in corpus keeps small inputs; the examples and fixtures seed the rest.
    case $target in
        load_yaml) cp ../examples/*.yaml ../tests/fixtures/score/*.yaml "$scratch/" ;;
        load_json) cp ../examples/*.json "$scratch/" ;;
        load_toml) cp ../examples/*.toml "$scratch/" ;;
        # The first byte picks the format (0 YAML, 1 JSON, 2 TOML) and the target.
        edit) for f in ../tests/edit/*.yaml ../tests/edit/*.json ../tests/edit/*.toml; do
                case $f in *.json) p='\001' ;; *.toml) p='\002' ;; *) p='\000' ;; esac
                { printf "$p"; cat "$f"; } > "$scratch/$(basename "$f")"
              done ;;
    esac
    echo "--- fuzz $target (${SECONDS_PER_TARGET}s)"
    cargo +nightly fuzz run "$target" "$scratch" -- \
        -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=4096 -max_len=65536 2>&1 | tail -n 3
    rm -rf "$scratch"
done
