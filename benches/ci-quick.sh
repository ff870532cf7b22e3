#!/usr/bin/env bash
# The benchmarks in quick mode, for CI: sizes 1k and 10k, few criterion samples, results
# to their own file (a full run's results are left alone). Checks that every bench builds
# and runs and prints the ratios; the goals are judged on the full run (benches/README.md).
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
python3 benches/report.py --results "$OKR_BENCH_RESULTS" --check
