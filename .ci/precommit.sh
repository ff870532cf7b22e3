#!/usr/bin/env bash
# The pre-commit hook (.pre-commit-hooks.yaml) as a user gets it: `pre-commit try-repo`
# of this checkout, in a scratch git repository holding a good and a bad OKR document.
# The bad one must fail with its finding, the good one pass, and a YAML file that is not
# named like an OKR document must be left alone. pre-commit is installed into a venv under
# target/; the hook builds okr with cargo, into target/precommit-build (kept between runs,
# so only okr-core itself is compiled again). Called by .ci/test.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=$ROOT/target/precommit-venv
if [ ! -x "$VENV/bin/pre-commit" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "pre-commit>=3,<5"
fi
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
export CARGO_TARGET_DIR=$ROOT/target/precommit-build
export PRE_COMMIT_HOME=$SCRATCH/cache

cd "$SCRATCH"
git init --quiet repo
cd repo
git config user.email ci@example.invalid
git config user.name ci
mkdir okrs
cat > okrs/good.okr.yaml <<'YAML'
version: 1
cycles: [{id: 2021-Q1, start: 2021-01-01, end: 2021-03-31}]
objectives: []
YAML
cat > okrs/bad.okr.yaml <<'YAML'
version: 1
cycles: [{id: 2021-Q1, start: 2021-01-01, end: 2021-03-31}]
objectives:
  - id: grow
    title: Grow
    cycle: 2021-Q1
    level: company
    key_results:
      - {id: users, title: Users, kind: metric, start: 10, target: 10}
YAML
printf 'not: [an, okr, document\n' > notes.yaml
git add -A
git commit --quiet -m fixtures

try() { "$VENV/bin/pre-commit" try-repo "$ROOT" okr-check --color never "$@"; }

echo "--- pre-commit try-repo: the good document passes"
try --files okrs/good.okr.yaml notes.yaml > good.log 2>&1 || { cat good.log; echo "FAIL: the good document did not pass"; exit 1; }
grep -q 'okr check.*Passed' good.log || { cat good.log; echo "FAIL: the hook did not run on the good document"; exit 1; }

echo "--- pre-commit try-repo: the bad document fails with its finding"
if try --files okrs/bad.okr.yaml > bad.log 2>&1; then
    cat bad.log; echo "FAIL: the bad document passed"; exit 1
fi
grep -q 'okr check.*Failed' bad.log || { cat bad.log; echo "FAIL: the hook did not fail"; exit 1; }
grep -q 'okrs/bad.okr.yaml:9:68: error\[zero_range\]: `users` starts and ends at `10`' bad.log \
    || { cat bad.log; echo "FAIL: the finding is not shown"; exit 1; }

echo "--- pre-commit try-repo: a YAML file not named like an OKR document is skipped"
try --files notes.yaml > skipped.log 2>&1 || { cat skipped.log; echo "FAIL: notes.yaml was checked"; exit 1; }
grep -q 'okr check.*Skipped' skipped.log || { cat skipped.log; echo "FAIL: notes.yaml was not skipped"; exit 1; }
echo "pre-commit hook: ok"
