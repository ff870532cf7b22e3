"""The cross-language fixtures of the root `tests/` give the values computed by hand
there, through the Python API (the Rust suite reads the same files)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

import okr
from conftest import EXAMPLES, FIXTURES

SCORE_FIXTURES = sorted((FIXTURES / "score").glob("*.yaml"))


def test_there_are_score_fixtures() -> None:
    # The Rust suite asserts the same floor; both read the same directory.
    assert len(SCORE_FIXTURES) >= 40


def _close(actual: Optional[float], expected: Any) -> bool:
    if expected is None:
        return actual is None
    return actual is not None and math.isclose(actual, expected, rel_tol=0, abs_tol=1e-9)


def _compare(kind: str, id_: str, got: okr.Scores, want: Dict[str, Any], errors: List[str]) -> None:
    for field in ("progress", "score", "expected", "forecast"):
        if field in want and not _close(getattr(got, field), want[field]):
            errors.append(f"{kind} {id_}.{field}: got {getattr(got, field)}, want {want[field]}")
    if "status" in want and got.status != want["status"]:
        errors.append(f"{kind} {id_}.status: got {got.status}, want {want['status']}")


@pytest.mark.parametrize("path", SCORE_FIXTURES, ids=lambda p: p.stem)
def test_score_fixture(path: Path) -> None:
    want = json.loads(path.with_suffix("").with_suffix(".expected.json").read_text())
    card = okr.load(path).score(as_of=want["as_of"])
    errors: List[str] = []
    for o in want.get("objectives", []):
        _compare("objective", o["id"], card.objective(o["id"]), o, errors)
    for k in want.get("key_results", []):
        _compare("key result", k["id"], card.key_result(k["id"]), k, errors)
    assert not errors, "\n".join(errors)


def test_flawed_fixture_gives_the_hand_written_findings() -> None:
    want = json.loads((FIXTURES / "check" / "flawed.expected.json").read_text())
    doc = okr.load(FIXTURES / "check" / "flawed.yaml")
    got = sorted(
        json.dumps({"code": f.code, "severity": f.severity, "subjects": f.subjects, "path": f.path}, sort_keys=True)
        for f in doc.validate(as_of=want["as_of"])
    )
    expected = sorted(json.dumps(f, sort_keys=True) for f in want["findings"])
    assert got == expected


def test_example_is_the_same_in_every_format() -> None:
    dicts = [okr.load(EXAMPLES / f"engineering-2021-h2.{ext}").to_dict() for ext in ("yaml", "json", "toml")]
    assert dicts[0] == dicts[1] == dicts[2]


def test_example_is_clean_on_its_reference_date() -> None:
    findings = okr.load(EXAMPLES / "engineering-2021-h2.yaml").validate(as_of="2021-11-15")
    assert [f for f in findings if f.severity in ("error", "warning")] == []
