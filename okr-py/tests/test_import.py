"""`okr.import_csv`, `okr.import_viva_goals` and `okr.import_gitlab` on the shared fixtures
of the root `tests/import/` (the Rust and JS suites read the same files): each import is
compared with the document written by hand beside it."""

from __future__ import annotations

import datetime
import json

import pandas as pd
import pytest

import okr
from conftest import ROOT

IMPORT = ROOT / "tests" / "import"


def _same(doc: okr.Document, expected: str) -> None:
    assert doc.to_dict() == okr.load(IMPORT / expected).to_dict()


def test_csv_rows_and_check_ins() -> None:
    doc, summary = okr.import_csv(
        IMPORT / "csv" / "rows.csv", IMPORT / "csv" / "rows_checkins.csv", today="2026-03-15"
    )
    _same(doc, "csv/rows.expected.yaml")
    assert ("objectives", 8) in summary.read
    assert ("Jira", 3) in summary.extra
    assert summary.skipped == [("row 17", "empty row")]
    assert "kept in `extra`" in str(summary)


def test_csv_semicolons_and_fiscal_year() -> None:
    doc, _ = okr.import_csv(
        IMPORT / "csv" / "repeated.csv", fiscal_year_start=7, today=datetime.date(2026, 3, 15)
    )
    _same(doc, "csv/repeated.expected.yaml")


def test_csv_from_a_dataframe_with_a_map() -> None:
    frame = pd.DataFrame(
        {"id": ["o", "k"], "type": ["objective", "key_result"], "Name": ["Grow", "Sign-ups"],
         "parent": ["", "o"], "cycle": ["2026-Q1", ""], "target": [None, 500.0],
         "current": [None, 250.0], "date": ["", "2026-02-01"]}
    )
    doc, _ = okr.import_csv(frame, map={"title": "Name"}, today="2026-03-01")
    card = doc.score(as_of="2026-03-31")
    assert card.key_result("k").score == 0.5  # 250 of 500, from a start of 0


def test_csv_broken_rows_and_columns() -> None:
    with pytest.raises(okr.LoadError) as info:
        okr.import_csv(IMPORT / "csv" / "broken.csv", today="2026-03-15")
    want = json.loads((IMPORT / "csv" / "broken.expected.json").read_text())
    got = sorted((p.line, p.column, p.path, p.message) for p in info.value.problems)
    assert got == sorted((w["row"], w["column"], w["header"], w["message"]) for w in want)


def test_gitlab_pages_and_progress() -> None:
    doc, summary = okr.import_gitlab(IMPORT / "gitlab" / "work_items.json", today="2026-03-31")
    _same(doc, "gitlab/work_items.expected.yaml")
    assert len(summary.skipped) == 2
    card = doc.score(as_of="2026-06-30")
    for kr, progress in {"103": 50, "104": 40, "106": 25, "108": 75, "109": 0}.items():
        assert card.key_result(kr).score == pytest.approx(progress / 100)
    # The parsed answer works as well as the file.
    pages = json.loads((IMPORT / "gitlab" / "work_items.json").read_text())
    again, _ = okr.import_gitlab(pages, today="2026-03-31")
    assert again.to_dict() == doc.to_dict()


def test_viva_goals_folder_and_percentage_outcomes() -> None:
    doc, summary = okr.import_viva_goals(IMPORT / "viva_goals" / "export", today="2025-03-31")
    _same(doc, "viva_goals/export.expected.yaml")
    assert ("overrides", 2) in summary.read
    card = doc.score(as_of="2025-03-31")
    assert card.key_result("2002").score == 0.6
    assert card.key_result("2004").score == 0.5


# A grade sheet (tests/import/csv/grades.csv; the Rust suite's import_grades.rs works the
# values out): 2026-Q2, graded on 15 May (Mid-Q) and 30 June (End-Q), four section rows of
# three key results, the failover projected 0.5, the chaos drill dropped on 20 May.
GRADES = {"Mid-Q": datetime.date(2026, 5, 15), "End-Q": "2026-06-30"}


def test_csv_grade_sheet_scores_as_its_summary_row() -> None:
    doc, summary = okr.import_csv(
        IMPORT / "csv" / "grades.csv", today="2026-07-01", grades=GRADES, cycle="2026-Q2"
    )
    assert doc.objectives == [
        "make-checkout-fast",
        "make-checkout-reliable",
        "grow-repeat-purchases",
        "team-health",
    ]
    assert summary.skipped == [("row 18", "empty row"), ("row 19", "summary row")]
    card = doc.score(as_of="2026-06-30")
    assert card.objective("make-checkout-fast").score == pytest.approx((0.8 + 0.6 + 0.9) / 3)
    # The dropped drill is out of the mean: (0.7 + 0.4) / 2.
    assert card.objective("make-checkout-reliable").score == pytest.approx(0.55)
    assert card.objective("grow-repeat-purchases").score == pytest.approx(1.6 / 3)
    assert card.objective("team-health").score == pytest.approx(2.7 / 3)
    assert card.key_result("run-a-chaos-drill-every-month").status == "dropped"
    # The whole cycle: the summary row, 7.7 / 11 = 0.70 at the end, 3.4 / 10 = 0.34 on 15 May.
    for as_of, mean in [("2026-06-30", 0.70), ("2026-05-15", 0.34)]:
        grades = doc.tables(as_of=as_of).grades
        whole = grades[grades["objective"].isna()].iloc[0]
        assert whole["mean"] == pytest.approx(mean, abs=1e-12)
    ci = doc.tables(as_of="2026-06-30").check_ins
    failover = ci[ci["key_result"] == "automatic-failover-for-payments"]
    assert failover["projection"].tolist()[-1] == pytest.approx(0.5)
    # `okr check --preset sheet`: clean.
    sheet = okr.Policy.load(ROOT / "okr-core" / "presets" / "sheet.yaml")
    assert doc.validate(as_of="2026-06-30", policy=sheet) == []


def test_csv_grade_sheet_rollup_and_spec_forms() -> None:
    doc, _ = okr.import_csv(
        IMPORT / "csv" / "grades.csv",
        today="2026-07-01",
        grades=["Mid-Q=2026-05-15", ("End-Q", "2026-06-30")],
        cycle="2026-Q2",
        rollup="flat",
    )
    assert all(o["rollup"] == "flat" for o in doc.to_dict()["objectives"])
    with pytest.raises(ValueError, match=r"`--grade Mid-Q`: write"):
        okr.import_csv(IMPORT / "csv" / "grades.csv", grades=["Mid-Q"])
    with pytest.raises(ValueError, match="unknown rollup `mean`"):
        okr.import_csv(IMPORT / "csv" / "grades.csv", grades=GRADES, rollup="mean")


def test_csv_broken_grade_sheet_names_every_cell() -> None:
    with pytest.raises(okr.LoadError) as info:
        okr.import_csv(
            IMPORT / "csv" / "grades_broken.csv",
            today="2026-07-01",
            grades={**GRADES, "Mid-Q3": "2026-08-14"},
            cycle="2026-Q2",
        )
    want = json.loads((IMPORT / "csv" / "grades_broken.expected.json").read_text())
    got = sorted((p.line, p.column, p.path, p.message) for p in info.value.problems)
    assert got == sorted((w["row"], w["column"], w["header"], w["message"]) for w in want)
