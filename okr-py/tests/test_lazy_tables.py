"""`tables()` builds nothing until a table is read, then that table alone (validating only
for `findings`), and keeps it; lazily built tables equal eagerly built ones."""

from __future__ import annotations

import copy
import datetime
import pickle
from typing import Dict

import pandas as pd
import pyarrow as pa
import pytest

import okr
from conftest import EXAMPLES, SMALL

AS_OF = datetime.date(2021, 10, 1)
NAMES = list(okr._okr.TABLE_NAMES)


@pytest.fixture(scope="module")
def doc() -> okr.Document:
    # Three cycles, so that every table but findings has rows.
    return okr.load(EXAMPLES / "engineering-2020-h2-to-2021-h2.yaml")


def _built(t: okr.Tables) -> list:  # type: ignore[type-arg]
    assert t._source is not None
    return list(t._source.built)


def test_tables_builds_nothing_until_a_table_is_read() -> None:
    card = okr.loads(SMALL).score(as_of=AS_OF)
    for t in (card.tables(), okr.loads(SMALL).tables(as_of=AS_OF)):
        assert _built(t) == [] and not t._source.validated  # type: ignore[union-attr]


def test_reading_one_table_builds_that_table_alone_once() -> None:
    t = okr.loads(SMALL).score(as_of=AS_OF).tables()
    objectives = t.objectives
    assert _built(t) == ["objectives"]
    assert not t._source.validated  # type: ignore[union-attr]
    # Kept: reading it again, as a frame or as Arrow, builds nothing.
    assert t.objectives is objectives
    assert t.to_arrow("objectives").num_rows == len(objectives)
    t.frame("objectives")
    assert _built(t) == ["objectives"]
    t.engagement
    t.key_results
    assert _built(t) == ["objectives", "engagement", "key_results"]
    assert not t._source.validated  # type: ignore[union-attr]
    # Only the findings table validates the document.
    t.findings
    assert _built(t) == ["objectives", "engagement", "key_results", "findings"]
    assert t._source.validated  # type: ignore[union-attr]


def test_each_table_is_built_by_its_own_attribute(doc: okr.Document) -> None:
    for name in NAMES:
        t = doc.tables(as_of="2021-12-31")
        getattr(t, name)
        assert _built(t) == [name]
        assert t._source.validated == (name == "findings")  # type: ignore[union-attr]


def test_unknown_tables_are_key_errors() -> None:
    t = okr.loads(SMALL).tables(as_of=AS_OF)
    with pytest.raises(KeyError, match="unknown table"):
        t.frame("nope")
    with pytest.raises(KeyError, match="unknown table"):
        t._source.ipc("nope")  # type: ignore[union-attr]
    assert _built(t) == []


def _eager(doc: okr.Document, as_of: str) -> okr.Tables:
    """Every table built up front (one builder, in order), through the IPC constructor."""
    src = doc.tables(as_of=as_of)._source
    assert src is not None
    ipc: Dict[str, bytes] = {name: src.ipc(name) for name in NAMES}
    return okr.Tables(ipc, doc.levels)


@pytest.mark.parametrize("as_of", ["2020-09-01", "2021-12-31"])
def test_lazy_tables_equal_eager_tables(doc: okr.Document, as_of: str) -> None:
    eager = _eager(doc, as_of)
    shared = doc.tables(as_of=as_of)
    for name in reversed(NAMES):  # a different order than the eager build
        alone = getattr(doc.tables(as_of=as_of), name)  # a fresh builder for each table
        expected = getattr(eager, name)
        pd.testing.assert_frame_equal(alone, expected)
        pd.testing.assert_frame_equal(getattr(shared, name), expected)
        assert shared.to_arrow(name).equals(eager.to_arrow(name))
    # Every table built: the scorecard is let go; everything still reads.
    assert shared._source is None
    assert set(shared.to_arrow()) == set(NAMES)
    for name in NAMES:
        assert isinstance(shared.to_arrow(name), pa.Table)


def test_tables_are_a_snapshot_of_the_scorecard() -> None:
    card = okr.loads(SMALL).score(as_of=AS_OF)
    before = card.tables()
    card.check_in("kb", "2021-09-20", True)
    after = card.tables()
    o = before.objectives.set_index("id")
    assert o.loc["b", "score"] == 0.0  # as scored when tables() was called
    assert len(before.check_ins) == 2
    o = after.objectives.set_index("id")
    assert o.loc["b", "score"] == 1.0
    assert len(after.check_ins) == 3
    assert card.objective("b").score == 1.0
    # Later overrides leave earlier tables alone, read or not.
    unread = card.tables()
    card.set_override("top", "2021-09-21", 0.9)
    assert unread.objectives.set_index("id").loc["top", "score"] == pytest.approx(3.2 / 4)
    assert after.objectives.set_index("id").loc["top", "score"] == pytest.approx(3.2 / 4)
    assert card.tables().objectives.set_index("id").loc["top", "score"] == 0.9


def test_pickle_and_copy_carry_every_table(doc: okr.Document) -> None:
    t = doc.tables(as_of="2021-12-31")
    t.objectives
    for clone in (pickle.loads(pickle.dumps(t)), copy.deepcopy(t), copy.copy(t)):
        assert clone._source is None
        for name in NAMES:
            pd.testing.assert_frame_equal(getattr(clone, name), getattr(t, name))
