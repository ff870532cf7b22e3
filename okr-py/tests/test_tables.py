"""The analysis tables as DataFrames: column names and order, dtypes, nulls, and values
worked out by hand on the small cascade of conftest."""

from __future__ import annotations

import datetime
import math

import pandas as pd
import pyarrow as pa
import pytest

import okr
from conftest import EXAMPLES, SMALL

AS_OF = datetime.date(2021, 10, 1)

S = "string"
F = "float64"
I = "int64"
NI = "Int64"
B = "bool"
D = "datetime64[s]"
L = "list"
C = "category"

# Column names and kinds, as documented in okr-core's analysis module and the README.
COLUMNS = {
    "objectives": [
        ("id", S), ("title", S), ("cycle", S), ("level", C), ("team", S), ("owners", L),
        ("themes", L), ("score", F), ("progress", F), ("expected", F), ("status", C),
        ("forecast", F), ("depth", NI), ("top_objectives", L), ("unaligned", F),
    ],
    "key_results": [
        ("id", S), ("objective", S), ("kind", C), ("weight", F), ("unit", S), ("value", F),
        ("progress", F), ("score", F), ("expected", F), ("status", C), ("forecast", F),
    ],
    "check_ins": [
        ("key_result", S), ("objective", S), ("date", D), ("value", F), ("confidence", F),
        ("note", S), ("projection", F),
    ],
    "alignments": [("child", S), ("parent", S), ("weight", F), ("contributes", B), ("resolved", B)],
    "findings": [("code", S), ("severity", C), ("subjects", L), ("path", S), ("message", S), ("help", S)],
    "people": [
        ("person", S), ("name", S), ("team", S), ("cycle", S), ("objectives", I), ("shared", I),
        ("mean_score", F), ("effort", F), ("capacity", F),
    ],
    "contributions": [("objective", S), ("top", S), ("share", F), ("influence", F)],
    "engagement": [
        ("cycle", S), ("team", S), ("people", I), ("people_with_objectives", I),
        ("share_people_with_objectives", F), ("objectives", I), ("share_shared", F),
        ("share_with_initiative", F), ("share_aligned_to_top", F), ("effort", F), ("capacity", F),
        ("effort_vs_capacity", F),
    ],
    "distribution": [
        ("cycle", S), ("level", C), ("objectives", I), ("scored", I), ("mean", F), ("q1", F),
        ("median", F), ("q3", F), ("share_sweet_spot", F), ("share_at_least_0_7", F),
        ("share_below_0_3", F), ("aspirational", I), ("share_aspirational_at_least_1", F),
        ("committed", I), ("committed_below_1", I),
    ],
    "grades": [
        ("cycle", S), ("objective", S), ("key_results", I), ("scored", I), ("dropped", I),
        ("mean", F), ("share_at_least_0_7", F), ("share_sweet_spot", F),
        ("share_below_0_3", F), ("projected", F),
    ],
}


def _kind(dtype: object) -> str:
    if isinstance(dtype, pd.CategoricalDtype):
        return C
    if isinstance(dtype, pd.ArrowDtype) and pa.types.is_list(dtype.pyarrow_dtype):
        return L
    if isinstance(dtype, pd.StringDtype):
        return S
    return str(dtype)


@pytest.fixture(scope="module")
def tables() -> okr.Tables:
    return okr.load(EXAMPLES / "engineering-2020-h2-to-2021-h2.yaml").tables(as_of="2021-12-31")


@pytest.mark.parametrize("name", list(COLUMNS))
def test_columns_and_dtypes(tables: okr.Tables, name: str) -> None:
    df = getattr(tables, name)
    assert isinstance(df, pd.DataFrame)
    assert [(c, _kind(t)) for c, t in df.dtypes.items()] == COLUMNS[name]
    assert isinstance(df.index, pd.RangeIndex)
    arrow = tables.to_arrow(name)
    assert arrow.num_rows == len(df) and arrow.column_names == list(df.columns)


def test_every_table_has_rows_on_the_multi_cycle_example(tables: okr.Tables) -> None:
    for name in COLUMNS:
        if name != "findings":
            assert len(getattr(tables, name)) > 0, name
    assert set(tables.to_arrow()) == set(COLUMNS)
    with pytest.raises(KeyError, match="unknown table"):
        tables.frame("nope")


def test_categories_are_fixed(tables: okr.Tables) -> None:
    o = tables.objectives
    assert list(o["status"].cat.categories) == ["on_track", "at_risk", "off_track", "unknown"]
    assert list(o["level"].cat.categories) == ["company", "area", "team", "individual"]
    assert o["level"].cat.ordered
    assert list(tables.key_results["kind"].cat.categories) == [
        "metric", "threshold", "binary", "milestones", "baseline", "graded",
    ]
    # A key result can be dropped (SPEC §3a), an objective cannot.
    assert list(tables.key_results["status"].cat.categories) == [
        "on_track", "at_risk", "off_track", "unknown", "dropped",
    ]
    assert list(tables.findings["severity"].cat.categories) == ["error", "warning", "info"]
    assert not o["status"].isna().any() and not o["level"].isna().any()


def test_small_cascade_values() -> None:
    t = okr.loads(SMALL).tables(as_of=AS_OF)
    o = t.objectives.set_index("id")
    # Scores as in test_api: a 0.2, b 0, top (0.2 + 3·0) / 4.
    assert o.loc["a", "score"] == pytest.approx(0.2)
    assert o.loc["top", "score"] == pytest.approx(0.05)
    assert pd.isna(o.loc["top", "team"]) and o.loc["a", "team"] == "web"
    assert list(o.loc["b", "owners"]) == ["ana", "bo"]
    assert list(o.loc["a", "top_objectives"]) == ["top"]
    assert o.loc["top", "depth"] == 0 and o.loc["a", "depth"] == 1
    assert o.loc["a", "unaligned"] == 0.0

    ci = t.check_ins
    assert ci["date"].tolist() == [pd.Timestamp("2021-08-01")] * 2
    assert ci["value"].tolist() == [20.0, 0.0]  # false counts as 0
    assert ci["confidence"].isna().all() and ci["note"].isna().all()

    # People: ana owns a (10 h) and half of the shared b (20 h / 2); bo the other half.
    p = t.people.set_index("person")
    assert p.loc["ana", "objectives"] == 2 and p.loc["ana", "shared"] == 1
    assert p.loc["ana", "effort"] == 20.0 and p.loc["bo", "effort"] == 10.0
    assert p.loc["ana", "mean_score"] == pytest.approx(0.1)  # mean(0.2, 0)
    assert p.loc["ana", "capacity"] == 40.0 and math.isnan(p.loc["cto", "capacity"])

    # Contributions to the one top-level objective: a and b give it all their effort; the
    # influence of each is its link weight over the sum of weights (1/4 and 3/4).
    c = t.contributions.set_index("objective")
    assert c.loc["a", "share"] == 1.0 and c.loc["b", "share"] == 1.0
    assert c.loc["a", "influence"] == pytest.approx(0.25)
    assert c.loc["b", "influence"] == pytest.approx(0.75)

    # Engagement of team web: 2 people, both with objectives; 2 objectives, one shared,
    # both tied to an initiative and aligned to top; effort 30 h of 80 h capacity.
    e = t.engagement.set_index("team").loc["web"]
    assert (e["people"], e["people_with_objectives"], e["objectives"]) == (2, 2, 2)
    assert e["share_shared"] == 0.5 and e["share_with_initiative"] == 1.0
    assert e["share_aligned_to_top"] == 1.0
    assert (e["effort"], e["capacity"]) == (30.0, 80.0)
    assert e["effort_vs_capacity"] == pytest.approx(0.375)

    # Distribution of the team level: scores 0 and 0.2; type-7 quartiles 0.05, 0.1, 0.15.
    d = t.distribution.set_index("level").loc["team"]
    assert (d["objectives"], d["scored"]) == (2, 2)
    assert (d["mean"], d["q1"], d["median"], d["q3"]) == pytest.approx((0.1, 0.05, 0.1, 0.15))
    assert d["share_below_0_3"] == 1.0 and d["share_sweet_spot"] == 0.0
    assert (d["aspirational"], d["committed"], d["committed_below_1"]) == (2, 0, 0)

    # Findings: the two stale KRs of test_api, as categorical severities.
    f = t.findings
    stale = f[f["code"] == "stale_check_in"]
    assert sorted(s[0] for s in stale["subjects"]) == ["ka", "kb"]
    assert (stale["severity"] == "warning").all()


def test_tables_follow_check_ins() -> None:
    card = okr.loads(SMALL).score(as_of=AS_OF)
    card.check_in("kb", "2021-09-20", True)
    o = card.tables().objectives.set_index("id")
    assert o.loc["b", "score"] == 1.0
    assert o.loc["top", "score"] == pytest.approx((0.2 + 3.0) / 4)
    assert len(card.tables().check_ins) == 3


def test_unscored_objectives_are_nan_and_unknown() -> None:
    doc = okr.loads(
        """
version: 1
cycles: [{id: H2, start: 2021-07-01, end: 2021-12-31}]
objectives:
  - {id: x, title: X, cycle: H2, level: team, aligns_to: [y], key_results: []}
  - {id: y, title: Y, cycle: H2, level: team, aligns_to: [x], key_results: []}
"""
    )
    o = doc.tables(as_of=AS_OF).objectives
    assert o["score"].isna().all() and (o["status"] == "unknown").all()
    assert o["depth"].isna().all()  # null on an alignment cycle
    assert o["depth"].dtype == "Int64"


def test_no_objectives_gives_empty_frames_with_dtypes() -> None:
    t = okr.loads("version: 1\nobjectives: []\n").tables(as_of=AS_OF)
    for name, cols in COLUMNS.items():
        df = getattr(t, name)
        assert len(df) == 0
        assert [(c, _kind(d)) for c, d in df.dtypes.items()] == cols
