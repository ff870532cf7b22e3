"""Grading as teams do it (SPEC §3a) through the Python package: the status ``dropped``
as a category, the ``projection`` column, the ``grades`` table and ``rollup: flat``, on
the guide's worked sheet (docs/examples/grading-sheet.yaml). Values by hand in the
comments (and in docs/src/grading.md)."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

import okr
from conftest import ROOT

SHEET = ROOT / "docs" / "examples" / "grading-sheet.yaml"
END = datetime.date(2026, 3, 31)
MID = datetime.date(2026, 2, 15)


def test_dropped_is_a_status_everywhere() -> None:
    card = okr.load(SHEET).score(as_of=END)
    drill = card.key_result("failover-drill")
    assert drill.status == "dropped"
    assert drill.score is None
    krs = card.tables().key_results
    assert isinstance(krs["status"].dtype, pd.CategoricalDtype)
    assert "dropped" in list(krs["status"].cat.categories)
    row = krs[krs["id"] == "failover-drill"].iloc[0]
    assert row["status"] == "dropped" and pd.isna(row["score"])
    assert "graded" in list(krs["kind"].cat.categories)


def test_flat_reproduces_the_summary_row() -> None:
    card = okr.load(SHEET).score(as_of=END)
    # (0.7 + 1.0 + 0.5 + 0.6 + 0.9 + 0.8 + 0.1 + 0.9 + 1.0 + 0.5 + 0.4) / 11
    assert card.objective("search-q1").score == pytest.approx(7.4 / 11)
    # The dropped drill is out: (0.1 + 0.9) / 2.
    assert card.objective("on-call").score == pytest.approx(0.5)
    mid = okr.load(SHEET).score(as_of=MID)
    assert mid.key_result("senior-hire").forecast == pytest.approx(0.6)
    assert mid.objective("search-q1").forecast == pytest.approx(4.5 / 12)


def test_projection_column_and_grades_table() -> None:
    tables = okr.load(SHEET).tables(as_of=MID)
    ci = tables.check_ins
    hire = ci[(ci["key_result"] == "senior-hire") & (ci["date"] == pd.Timestamp(2026, 2, 13))]
    assert hire["projection"].tolist() == [pytest.approx(0.6)]
    assert ci["projection"].isna().sum() == len(ci) - 1
    grades = tables.grades
    whole = grades[grades["objective"].isna()].iloc[0]
    assert (whole["key_results"], whole["scored"], whole["dropped"]) == (12, 12, 0)
    assert whole["mean"] == pytest.approx(4.2 / 12)
    assert whole["projected"] == pytest.approx(4.5 / 12)
