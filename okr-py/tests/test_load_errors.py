"""The shared corpus of mistakes of the root tests/load-errors (also read by the Rust and
JS suites): every file raises okr.LoadError with exactly the written problems, each
`line:col: path: message`; and okr.load goes through the core's file loader (its size
limit and its UTF-8 positions)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import pytest

import okr
from conftest import ROOT

CORPUS = ROOT / "tests" / "load-errors"
MANIFEST = json.loads((CORPUS / "cases.json").read_text())


@pytest.mark.parametrize("case", MANIFEST["cases"], ids=[c["file"] for c in MANIFEST["cases"]])
def test_each_mistake_gives_exactly_its_messages(case: Dict[str, Any]) -> None:
    with pytest.raises(okr.LoadError) as info:
        okr.load(CORPUS / case["file"])
    assert [str(p) for p in info.value.problems] == case["problems"]


def test_max_bytes_applies_to_files(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text("version: 1\nobjectives: []\n")  # 26 bytes
    assert okr.load(path, max_bytes=26).objectives == []
    with pytest.raises(okr.LoadError) as info:
        okr.load(path, max_bytes=25)
    (problem,) = info.value.problems
    assert problem.message == (
        "the document is 26 bytes, more than the limit of 25 (raise `LoadOptions::max_bytes`)"
    )
    # The same with the format given instead of taken from the file name.
    odd = tmp_path / "org.txt"
    odd.write_text("version: 1\nobjectives: []\n")
    with pytest.raises(okr.LoadError):
        okr.load(odd, format="yaml", max_bytes=25)
    assert okr.load(odd, format="yaml").objectives == []


def test_invalid_utf8_reports_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    # Line 2, after `objectives: [` (13 characters): the byte 0xff at offset 24.
    path.write_bytes(b"version: 1\nobjectives: [\xff]\n")
    with pytest.raises(okr.LoadError) as info:
        okr.load(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (2, 14)
    assert problem.message == "the text is not valid UTF-8 (invalid byte at offset 24)"
    assert str(path) in str(info.value)
