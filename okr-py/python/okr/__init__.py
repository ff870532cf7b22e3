"""okr: the OKR cascade engine in Python notebooks.

Load an OKR document (YAML, JSON or TOML), score and roll it up as of any date, validate
its alignment, and analyse cycle outcomes as pandas DataFrames::

    import okr
    doc = okr.load("examples/engineering-2021-h2.yaml")
    card = doc.score(as_of="2021-11-15")
    card.objective("eng-cost").score
    doc.tables(as_of="2021-11-15").objectives

All logic lives in the Rust core (okr-core); this package only converts.
"""

import datetime as _datetime
import json as _json
import os as _os
from typing import Any as _Any, Mapping as _Mapping

from ._diff import Diff, diff
from ._errors import LoadError, OkrError, PolicyError, UnknownIdError
from ._import import import_csv, import_gitlab, import_viva_goals
from ._frames import Tables
from ._okr import (
    Document,
    Finding,
    ImportSummary,
    Policy,
    Problem,
    Scorecard,
    Scores,
    __version__,
    edit_file as _edit_file,
    json_schema,
    load,
    loads,
)

__all__ = [
    "Diff",
    "Document",
    "Finding",
    "ImportSummary",
    "LoadError",
    "OkrError",
    "Policy",
    "PolicyError",
    "Problem",
    "Scorecard",
    "Scores",
    "Tables",
    "UnknownIdError",
    "__version__",
    "diff",
    "import_csv",
    "import_gitlab",
    "import_viva_goals",
    "edit",
    "json_schema",
    "load",
    "loads",
]


def _iso(value: object) -> str:
    if isinstance(value, _datetime.date):
        return value.isoformat()
    raise TypeError(f"cannot write {value!r} into an edit: use numbers, text and dates")


def edit(path: "_os.PathLike[str] | str", edit: _Mapping[str, _Any]) -> str:
    """Applies one edit to an OKR file in place and returns the new text.

    Only the inserted text changes: comments, key order, quoting and layout stay. The
    write is atomic and waits for other edits of the same file. ``edit`` is a mapping
    tagged by ``"edit"`` (dates as ``datetime.date`` or ``"YYYY-MM-DD"``)::

        okr.edit("okrs.yaml", {"edit": "check_in", "key_result": "p99",
                               "check_in": {"date": datetime.date(2021, 8, 22), "value": 290}})
        okr.edit("okrs.yaml", {"edit": "milestone_done", "key_result": "talks",
                               "milestone": "contract tests POC", "date": "2021-09-10"})
        okr.edit("okrs.yaml", {"edit": "override", "objective": "tools-leverage",
                               "override": {"score": 0.5, "date": "2021-10-01"}})

    Raises ``UnknownIdError`` for an unknown id (naming the closest one), ``LoadError`` if
    the file does not load, ``OkrError`` for a value the key result cannot take or a file
    that cannot be edited in place; the file is then left untouched.
    """
    return _edit_file(path, _json.dumps(edit, default=_iso))
