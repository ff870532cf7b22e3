"""The shared adversarial corpus of the root tests/hostile (also run by the Rust and JS
suites): each case raises okr.LoadError with the expected message, or loads, scores,
validates and tabulates; the interpreter survives them all."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest

import okr
from conftest import ROOT

HOSTILE = ROOT / "tests" / "hostile"
MANIFEST = json.loads((HOSTILE / "cases.json").read_text())


def _generate(g: Dict[str, Any]) -> str:
    start = g.get("start", 0)
    end = start + g["count"]
    repeat = g["repeat"]
    if "{" not in repeat:
        body = repeat * g["count"]
    else:
        body = "".join(
            repeat.replace("{i}", str(i)).replace("{prev}", str(i - 1)).replace("{next}", str((i + 1) % end))
            for i in range(start, end)
        )
    return g["head"] + body + g["tail"]


def _load(case: Dict[str, Any]) -> okr.Document:
    if "file" in case:
        return okr.load(HOSTILE / case["file"])
    return okr.loads(_generate(case["generate"]), format=case["format"])


@pytest.mark.parametrize("case", MANIFEST["cases"], ids=[c["name"] for c in MANIFEST["cases"]])
def test_hostile_case(case: Dict[str, Any]) -> None:
    if case["expect"] == "error":
        with pytest.raises(okr.LoadError) as info:
            _load(case)
        assert case["message"] in str(info.value)
        assert info.value.problems
        return
    doc = _load(case)
    if "objectives" in case:
        assert len(doc.objectives) == case["objectives"]
    card = doc.score(as_of=MANIFEST["as_of"])
    codes = {f.code for f in card.validate()}
    assert set(case.get("findings", [])) <= codes
    tables = card.tables()
    for name in okr.Tables.__dict__:
        if isinstance(getattr(okr.Tables, name), property):
            getattr(tables, name)
    card._repr_html_()


def test_the_interpreter_survives() -> None:
    assert okr.loads("version: 1\nobjectives: []\n").objectives == []
