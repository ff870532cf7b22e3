"""okr.diff and Scorecard.explain on the shared fixtures of tests/diff and tests/explain;
the expected values are worked out by hand (tests/diff/expected.json, and below)."""

import datetime
import json
import math

import pandas as pd
import pytest

import okr
from conftest import ROOT

DIFF = ROOT / "tests" / "diff"
MODES = ROOT / "tests" / "explain" / "modes.yaml"


def _matches(actual, expected, at="$"):
    """Numbers within 1e-9; objects compared on the keys ``expected`` has."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), at
        for k, v in expected.items():
            _matches(actual[k], v, f"{at}.{k}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), f"{at}: {actual}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            _matches(a, e, f"{at}[{i}]")
    elif isinstance(expected, float):
        assert abs(actual - expected) < 1e-9, at
    else:
        assert actual == expected, at


def _week():
    policy = okr.Policy.load(DIFF / "policy.yaml")
    at = datetime.date(2022, 1, 15)
    before = okr.load(DIFF / "before.yaml").score(as_of=at, policy=policy)
    after = okr.load(DIFF / "after.yaml").score(as_of=at, policy=policy)
    return okr.diff(before, after)


def test_diff_of_the_shared_fixtures_as_json():
    d = _week()
    _matches(d.to_dict(), json.loads((DIFF / "expected.json").read_text()))
    assert d.before_as_of == d.after_as_of == datetime.date(2022, 1, 15)
    assert d.new_findings[0]["message"] == "`fresh` has no owner"
    assert [f["subjects"] for f in d.resolved_findings] == [["gone"]]


def test_diff_as_dataframes_with_before_and_after_columns():
    d = _week()
    o = d.objectives
    assert list(o.columns) == [
        "id", "change",
        "score_before", "score_after", "status_before", "status_after",
        "forecast_before", "forecast_after",
    ]
    assert list(o["id"]) == ["top", "fresh", "gone"]
    assert list(o["change"]) == ["changed", "added", "removed"]
    assert isinstance(o["change"].dtype, pd.CategoricalDtype)
    # top: 1.0 → 2/3 (t1 held 1 of 3 check-ins, t2 done: (1/3 + 1) / 2), on track → at risk.
    assert o.loc[0, "score_before"] == 1.0
    assert math.isclose(o.loc[0, "score_after"], 2 / 3)
    assert (o.loc[0, "status_before"], o.loc[0, "status_after"]) == ("on_track", "at_risk")
    # An added objective has no before side, a removed one no after side.
    assert math.isnan(o.loc[1, "score_before"]) and pd.isna(o.loc[1, "status_before"])
    assert math.isnan(o.loc[2, "score_after"]) and o.loc[2, "score_before"] == 0.0
    k = d.key_results
    assert list(k.columns)[-1] == "check_ins_added"
    assert list(k["id"]) == ["t1", "t2", "f1", "g1"]
    assert list(k["check_ins_added"]) == [2, 1, 1, 0]
    a = d.alignments
    assert list(zip(a["child"], a["parent"], a["change"])) == [
        ("child", "top", "reweighted"),
        ("child", "fresh", "added"),
        ("child", "steady", "removed"),
    ]
    assert "objectives changed:" in str(d)
    assert repr(d).startswith("<okr.Diff 2022-01-15 → 2022-01-15: 3 objectives, 4 key results")


def test_one_document_at_two_dates():
    doc = okr.load(MODES)
    # pipes' key result pm: 30 → 10 minutes, 26 on 2021-08-15. Before that day: no
    # check-in, progress 0; after the cycle: (26 − 30) / (10 − 30) = 0.2.
    d = okr.diff(doc.score(as_of="2021-08-01"), doc.score(as_of="2022-01-15"))
    row = d.key_results.set_index("id").loc["pm"]
    assert row["change"] == "changed"
    assert row["score_before"] == 0.0
    assert math.isclose(row["score_after"], 0.2)
    assert row["check_ins_added"] == 1


def test_explain_an_objective_in_blend_mode():
    card = okr.load(MODES).score(as_of="2022-01-15")
    e = card.explain("mix")
    # 0.25 × 0.8 + 0.75 × (1 × 0.5 + 3 × 0.25) / 4 = 0.2 + 0.234375 = 0.434375.
    assert (e["id"], e["mode"], e["blend"], e["status"]) == ("mix", "blend", 0.25, "at_risk")
    assert math.isclose(e["score"], 0.434375)
    assert e["override"] is None
    got = [(i["kind"], i["id"], i["weight"], i["counted"]) for i in e["inputs"]]
    assert got == [
        ("key_result", "m1", 1.0, True),
        ("objective", "ch1", 1.0, True),
        ("objective", "ch2", 3.0, True),
    ]
    for i, part in zip(e["inputs"], [0.2, 0.09375, 0.140625]):
        assert math.isclose(i["contribution"], part)
    assert math.isclose(sum(i["contribution"] for i in e["inputs"]), e["score"])
    assert "the contributions sum to the score, 0.434" in card.explain_text("mix")


def test_explain_a_key_result_and_an_unknown_id():
    card = okr.load(MODES).score(as_of="2022-01-15")
    e = card.explain("pm")
    assert (e["id"], e["kind"], e["status"]) == ("pm", "metric", "off_track")
    assert math.isclose(e["score"], 0.2)
    assert e["check_ins_used"] == [{"date": "2021-08-15", "value": 26.0}]
    assert "(26 − 30) / (10 − 30) = 0.2" in card.explain_text("pm")
    with pytest.raises(okr.UnknownIdError, match="unknown objective or key result `mixx`, did you mean `mix`\\?"):
        card.explain("mixx")


def test_the_week_chapter_python_example_runs():
    """docs/src/week.md's Python block, run as written from the repository root."""
    import contextlib
    import io
    import os
    import re

    chapter = (ROOT / "docs" / "src" / "week.md").read_text()
    (block,) = re.findall(r"```python\n(.*?)```", chapter, flags=re.S)
    namespace: dict = {}
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(block, "week.md", "exec"), namespace)
    finally:
        os.chdir(cwd)
    # The objectives whose status moved that week, as `okr diff` of the same dates lists
    # them in docs/src/week.md's console session.
    moved = namespace["moved"]
    assert set(moved["id"]) == {
        "devex-self-service", "checkout-contract-tests", "eli-failover-design", "jo-portal", "kai-ticket-bot",
    }
    # devex-self-service blends: 0.5 × (0.383 + 0) / 2 + 0.5 × the mean of its five children.
    why = namespace["why"]
    assert why["mode"] == "blend"
    assert [i["id"] for i in why["inputs"] if i["counted"]] == [
        "self-service-share", "portal-launch", "ivan-onboarding", "jo-portal", "kai-ticket-bot",
        "devex-ticket-taxonomy", "lena-docs",
    ]
    assert out.getvalue().splitlines()[-1].startswith("blend 0.444 ")
