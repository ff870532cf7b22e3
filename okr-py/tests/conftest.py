"""Shared paths: the cross-language fixtures live in the repository's root `tests/`."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"


@pytest.fixture
def example_path() -> Path:
    return EXAMPLES / "engineering-2021-h2.yaml"


# A small cascade used by several tests; every value asserted on it is worked out by hand
# in the test that uses it.
SMALL = """\
version: 1
cycles: [{id: H2, start: 2021-07-01, end: 2021-12-31}]
teams: [{id: web}]
people:
  - {id: cto}
  - {id: ana, team: web, capacity_hours: 40}
  - {id: bo, team: web, capacity_hours: 40}
initiatives: [{id: perf, title: Performance, team: web}]
objectives:
  - {id: top, title: Top, cycle: H2, level: company, owners: [cto], key_results: []}
  - id: a
    title: A
    cycle: H2
    level: team
    team: web
    owners: [ana]
    initiatives: [perf]
    aligns_to: [top]
    effort_hours: 10
    key_results:
      - {id: ka, title: KA, kind: metric, start: 0, target: 100, check_ins: [{date: 2021-08-01, value: 20}]}
  - id: b
    title: B
    cycle: H2
    level: team
    team: web
    owners: [ana, bo]
    initiatives: [perf]
    aligns_to: [{objective: top, weight: 3}]
    effort_hours: 20
    key_results:
      - {id: kb, title: KB, kind: binary, check_ins: [{date: 2021-08-01, value: false}]}
"""
