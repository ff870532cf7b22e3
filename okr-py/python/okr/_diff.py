"""``okr.diff``: what changed between two scorecards (``okr diff`` on the command line).

The diff itself is the Rust core's; this module only lays its entries out as DataFrames
with a ``before`` and an ``after`` column per compared value.
"""

import datetime
from typing import Any, Dict, List, Mapping

import pandas as pd

from . import _okr
from ._frames import STATUSES
from ._okr import Scorecard

__all__ = ["Diff", "diff"]

_CHANGES = pd.CategoricalDtype(("added", "removed", "changed"))
_LINK_CHANGES = pd.CategoricalDtype(("added", "removed", "reweighted"))
_STATUS = pd.CategoricalDtype(STATUSES)


def _side(entry: Mapping[str, Any], side: str, key: str) -> Any:
    values = entry.get(side)
    return None if values is None else values.get(key)


def _changes(entries: List[Dict[str, Any]], key_results: bool) -> pd.DataFrame:
    columns: Dict[str, Any] = {
        "id": pd.array([e["id"] for e in entries], dtype="string"),
        "change": pd.Categorical([e["change"] for e in entries], dtype=_CHANGES),
    }
    for key in ("score", "status", "forecast"):
        for side in ("before", "after"):
            values = [_side(e, side, key) for e in entries]
            if key == "status":
                columns[f"{key}_{side}"] = pd.Categorical(values, dtype=_STATUS)
            else:
                columns[f"{key}_{side}"] = pd.array(
                    [float("nan") if v is None else float(v) for v in values], dtype="float64"
                )
    if key_results:
        columns["check_ins_added"] = pd.array([e["check_ins_added"] for e in entries], dtype="int64")
    return pd.DataFrame(columns)


class Diff:
    """What changed from one scorecard to another.

    ``objectives`` and ``key_results`` are DataFrames of the entities added, removed or
    changed, one row each: ``id``, ``change`` (``added``/``removed``/``changed``), and
    ``score_before``/``score_after``, ``status_before``/``status_after``,
    ``forecast_before``/``forecast_after`` (NaN or missing where a side has none; the key
    results add ``check_ins_added``). ``alignments`` holds the links added, removed or
    reweighted (``child``, ``parent``, ``change``); ``new_findings`` and
    ``resolved_findings`` the findings of ``validate`` that appeared or went away, as dicts.
    ``str(diff)`` is the text ``okr diff`` prints and ``to_dict()`` its JSON.
    """

    def __init__(self, data: Dict[str, Any], text: str) -> None:
        self._data = data
        self._text = text
        self.before_as_of: datetime.date = datetime.date.fromisoformat(data["before"]["as_of"])
        self.after_as_of: datetime.date = datetime.date.fromisoformat(data["after"]["as_of"])
        self.objectives: pd.DataFrame = _changes(data["objectives"], key_results=False)
        self.key_results: pd.DataFrame = _changes(data["key_results"], key_results=True)
        links = data["alignments"]
        self.alignments: pd.DataFrame = pd.DataFrame(
            {
                "child": pd.array([a["child"] for a in links], dtype="string"),
                "parent": pd.array([a["parent"] for a in links], dtype="string"),
                "change": pd.Categorical([a["change"] for a in links], dtype=_LINK_CHANGES),
            }
        )
        self.new_findings: List[Dict[str, Any]] = data["findings"]["new"]
        self.resolved_findings: List[Dict[str, Any]] = data["findings"]["resolved"]

    def to_dict(self) -> Dict[str, Any]:
        """The diff as ``okr diff --format json`` gives it."""
        return self._data

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return (
            f"<okr.Diff {self.before_as_of} → {self.after_as_of}: {len(self.objectives)} objectives, "
            f"{len(self.key_results)} key results, {len(self.alignments)} links, "
            f"{len(self.new_findings)} new and {len(self.resolved_findings)} resolved findings>"
        )


def diff(before: Scorecard, after: Scorecard) -> Diff:
    """What changed from ``before`` to ``after``: two versions of a document, or one
    document scored at two dates::

        doc = okr.load("okrs.yaml")
        week = okr.diff(doc.score(as_of="2021-11-08"), doc.score(as_of="2021-11-15"))
        week.objectives[week.objectives.status_before != week.objectives.status_after]
    """
    data, text = _okr.diff_json_and_text(before, after)
    return Diff(data, text)
