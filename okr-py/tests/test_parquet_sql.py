"""The analysis tables leave Python cleanly: written to Parquet and read back by another
engine (DuckDB, by SQL), and handed to polars."""

from __future__ import annotations

import datetime
import math
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, List

import duckdb
import polars
import pyarrow.parquet as pq
import pytest

import okr
from conftest import EXAMPLES
from okr._frames import TABLE_NAMES

AS_OF = datetime.date(2021, 11, 15)


def _expected_means(doc: okr.Document, card: okr.Scorecard) -> Dict[str, float]:
    """Mean score per level, independently of the tables: the objectives' levels from the
    document itself and their scores from the scorecard, unscored ones left out."""
    scores: Dict[str, List[float]] = defaultdict(list)
    for objective in doc.to_dict()["objectives"]:
        score = card.objective(objective["id"]).score
        if score is not None:
            scores[objective["level"]].append(score)
    return {level: sum(s) / len(s) for level, s in scores.items()}


def test_duckdb_reads_the_parquet_export_and_sql_gives_the_mean_score_per_level(tmp_path: Path) -> None:
    doc = okr.load(EXAMPLES / "engineering-2021-h2.yaml")
    card = doc.score(AS_OF)
    expected = _expected_means(doc, card)
    # every level of the example has scored objectives
    assert sorted(expected) == sorted(doc.levels)

    path = tmp_path / "objectives.parquet"
    pq.write_table(card.tables().to_arrow("objectives"), path)
    rows = duckdb.sql(
        f"SELECT level, avg(score) AS mean, count(score) AS scored "
        f"FROM read_parquet('{path.as_posix()}') GROUP BY level ORDER BY level"
    ).fetchall()

    assert [r[0] for r in rows] == sorted(expected)
    for level, mean, scored in rows:
        assert math.isclose(mean, expected[level], rel_tol=0, abs_tol=1e-12), level
        assert scored > 0
    # the column types survive: scores are doubles, levels strings, owners lists
    types = dict(
        duckdb.sql(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{path.as_posix()}'))")
        .fetchall()
    )
    assert types["score"] == "DOUBLE"
    assert types["level"] == "VARCHAR"
    assert types["owners"] == "VARCHAR[]"


def test_to_polars_gives_the_same_table_as_arrow() -> None:
    tables = okr.load(EXAMPLES / "engineering-2021-h2.yaml").tables(AS_OF)
    frame = tables.to_polars("objectives")
    assert isinstance(frame, polars.DataFrame)
    arrow = tables.to_arrow("objectives")
    assert frame.columns == arrow.column_names
    assert frame.height == arrow.num_rows
    assert frame["score"].to_list() == arrow.column("score").to_pylist()
    everything = tables.to_polars()
    assert list(everything) == list(TABLE_NAMES)
    assert everything["findings"].height == tables.findings.shape[0]


def test_to_polars_without_polars_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    tables = okr.load(EXAMPLES / "engineering-2021-h2.yaml").tables(AS_OF)
    monkeypatch.setitem(sys.modules, "polars", None)  # `import polars` now fails
    with pytest.raises(ImportError, match=r"pip install polars"):
        tables.to_polars("objectives")
