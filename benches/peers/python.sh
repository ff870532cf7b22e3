#!/usr/bin/env bash
# The "Python peer" benchmark of issue #8 (benches/peers/python_peer.py): a notebook's
# json.load + networkx + pure-Python rollup + pandas frame against okr.load + score +
# tables(), side by side in one process; prints `ratio python_peer/okr @N = …` and appends
# its figures to OKR_BENCH_RESULTS (default target/okr-bench-results.jsonl).
#
# Uses the venv that okr-py/ci.sh builds (target/okr-py-venv, or OKR_PY_VENV), which holds
# the installed okr wheel, pandas and pyarrow; adds networkx to it.
#
#   bash benches/peers/python.sh                           # OKR_BENCH_SIZES, else 1k,10k
#   bash benches/peers/python.sh --objectives 100k         # the goal's size (≥ 50×)
#   bash benches/peers/python.sh --file org.json --runs 3  # any JSON document
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${OKR_PY_VENV:-$PWD/target/okr-py-venv}
PY=$VENV/bin/python

if ! [ -x "$PY" ] || ! "$PY" -c "import okr, pandas, pyarrow" 2>/dev/null; then
    echo "python.sh: no venv with okr, pandas and pyarrow at $VENV:" \
        "run \`bash okr-py/ci.sh\` first (or set OKR_PY_VENV)" >&2
    exit 2
fi
"$PY" -m pip install --quiet --disable-pip-version-check "networkx>=3.2"

if [ $# -eq 0 ]; then
    set -- --objectives "${OKR_BENCH_SIZES:-1000,10000}"
fi
exec "$PY" benches/peers/python_peer.py "$@"
