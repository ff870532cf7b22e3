#!/usr/bin/env bash
# The Python package's checks: build the wheel, install it in a fresh venv, then pytest
# (which also runs the example notebook headless), stubtest and mypy. Needs python3 ≥ 3.9
# with venv and pip, and the Rust toolchain. Called by the README's test command.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd .. && pwd)
VENV=${OKR_PY_VENV:-$ROOT/target/okr-py-venv}
PY=$VENV/bin/python

if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV"
fi
"$PY" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.7,<2" "pandas>=2.2" "pyarrow>=15" "pytest>=8" "mypy>=1.10" \
    "nbclient>=0.10" "nbformat>=5.10" "ipykernel>=6" "matplotlib>=3.8" "duckdb>=1" "polars>=1"

# Build the abi3 wheel exactly as it would be published, and install it (not an editable
# copy), so the tests see what a user gets from `pip install`.
rm -rf "$ROOT/target/wheels/okr-"*.whl
"$VENV/bin/maturin" build --release --quiet --interpreter "$PY" --out "$ROOT/target/wheels"
"$PY" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
    "$ROOT"/target/wheels/okr-*.whl
# The tests must import the installed package, not the source tree.
rm -f python/okr/_okr*.so

echo "--- pytest"
"$PY" -m pytest -q tests
echo "--- stubtest"
"$PY" -m mypy.stubtest okr --mypy-config-file pyproject.toml
echo "--- mypy (strict) on the package sources"
"$PY" -m mypy --config-file pyproject.toml python/okr

# The sdist builds from source with pip on a fresh venv (as on a platform without a wheel).
echo "--- sdist: pip install from source in a fresh venv"
rm -rf "$ROOT/target/sdist" "$ROOT/target/okr-sdist-venv"
"$VENV/bin/maturin" sdist --out "$ROOT/target/sdist"
python3 -m venv "$ROOT/target/okr-sdist-venv"
"$ROOT/target/okr-sdist-venv/bin/pip" install --quiet --disable-pip-version-check "$ROOT"/target/sdist/okr-*.tar.gz
(cd "$ROOT" && "$ROOT/target/okr-sdist-venv/bin/python" -c "
import okr
doc = okr.load('examples/engineering-2021-h2.yaml')
assert len(doc.objectives) == 27, doc
assert doc.tables(as_of='2021-11-15').objectives.shape[0] == 27
print('sdist install ok:', doc)
")
