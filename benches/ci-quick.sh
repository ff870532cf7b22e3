#!/usr/bin/env bash
# The benchmarks in quick mode, for CI: sizes 1k and 10k, few criterion samples, results
# to their own file (a full run's results are left alone). Checks that every bench and both
# peers build and run and print their ratios; the goals are judged on the full run
# (benches/README.md). Needs the venv of okr-py/ci.sh (the Python peer); run after
# `bash .ci/test`, as .ci/run does.
set -euo pipefail
cd "$(dirname "$0")/.."
export OKR_BENCH_SIZES="${OKR_BENCH_SIZES:-1000,10000}"
export OKR_BENCH_RESULTS="${OKR_BENCH_RESULTS:-$PWD/target/okr-bench-results-quick.jsonl}"
rm -f "$OKR_BENCH_RESULTS"
cargo bench -p okr-benches --no-run
cargo bench -p okr-benches --bench ratios
for bench in load score incremental validate analysis; do
    cargo bench -p okr-benches --bench "$bench" -- \
        --warm-up-time 0.2 --measurement-time 0.5 --sample-size 10
done
# The peers (benches/peers/): the Python one uses the venv of okr-py/ci.sh and the JS one
# the package of okr-wasm/build.sh, which .ci/test has built by now.
bash benches/peers/python.sh --objectives "$OKR_BENCH_SIZES"
bash benches/peers/js.sh "$OKR_BENCH_SIZES"
# Every command as a process on a small org (benches/commands.py): each must exit 0.
python3 benches/commands.py --sizes 1k --runs 1 --check --results "$PWD/target/okr-bench-commands-quick.jsonl" > /dev/null
python3 benches/report.py --results "$OKR_BENCH_RESULTS" --check --require ratios,python-peer,js-peer
