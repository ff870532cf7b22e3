"""Imports from other tools (``okr import`` on the command line): only conversion of the
arguments; the import itself is the Rust core's."""

import datetime
import json
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _okr
from ._okr import Document, ImportSummary

_Date = Union[datetime.date, str]
_Path = Union[str, "os.PathLike[str]"]


def _text(source: Any) -> str:
    """A path's UTF-8 text, or a pandas DataFrame as CSV text."""
    if hasattr(source, "to_csv") and callable(source.to_csv):
        text: str = source.to_csv(index=False)
        return text
    with open(os.fspath(source), encoding="utf-8-sig") as f:
        return f.read()


def import_csv(
    path_or_dataframe: Any,
    check_ins: Any = None,
    *,
    map: Optional[Mapping[str, str]] = None,
    fiscal_year_start: int = 1,
    today: Optional[_Date] = None,
    grades: Union[Mapping[str, _Date], Sequence[Union[str, Tuple[str, _Date]]], None] = None,
    cycle: Optional[str] = None,
    rollup: Optional[str] = None,
) -> Tuple[Document, ImportSummary]:
    """Imports a spreadsheet: a CSV file or a pandas DataFrame, and optionally a check-ins
    CSV file or DataFrame (``key_result, date, value, confidence, note``).

    ``map`` reads a known column from another header (``{"title": "Objective name"}``);
    ``fiscal_year_start`` is the month fiscal years start in (``FY26`` with 7 is
    2025-07-01..2026-06-30); ``today`` dates values that carry no date. ``grades`` reads a
    grade sheet (``okr import csv --grade``): its grade columns and the date of each, as a
    dict ``{"Mid-Q": "2026-05-15"}``, pairs, or ``"HEADER=DATE"`` strings; ``cycle`` is the
    cycle of objectives that name none (``"2026-Q2"``); ``rollup`` sets every objective's
    rollup mode (``"flat"``). Returns the document and the summary; raises
    :class:`okr.LoadError` with every problem (its ``line`` is the row, ``column`` the
    column, ``path`` the header), ``ValueError`` for a bad grade or rollup.
    """
    pairs: List[Tuple[str, str]] = list((map or {}).items())
    ci = None if check_ins is None else _text(check_ins)
    specs = _grade_specs(grades)
    return _okr.import_csv(
        _text(path_or_dataframe), ci, pairs, fiscal_year_start, today, specs, cycle, rollup
    )


def _grade_specs(
    grades: Union[Mapping[str, _Date], Sequence[Union[str, Tuple[str, _Date]]], None],
) -> List[str]:
    """``grades`` as ``"HEADER=DATE"`` strings, which the core reads."""
    if grades is None:
        return []
    items: Sequence[Union[str, Tuple[str, _Date]]] = (
        list(grades.items()) if isinstance(grades, Mapping) else list(grades)
    )
    out: List[str] = []
    for g in items:
        if isinstance(g, str):
            out.append(g)
        else:
            header, date = g
            out.append(f"{header}={date.isoformat() if isinstance(date, datetime.date) else date}")
    return out


def import_viva_goals(
    path: _Path, *, fiscal_year_start: int = 1, today: Optional[_Date] = None
) -> Tuple[Document, ImportSummary]:
    """Imports Viva Goals' data export: the ZIP file or the folder it unpacks to."""
    return _okr.import_viva_goals(path, fiscal_year_start, today)


def import_gitlab(
    path_or_obj: Union[_Path, Dict[str, Any], List[Any]], *, today: Optional[_Date] = None
) -> Tuple[Document, ImportSummary]:
    """Imports GitLab OKRs: a JSON file of a GraphQL ``workItems`` query, or the parsed
    answer (a dict, or a list of pages or of work items)."""
    if isinstance(path_or_obj, (dict, list)):
        text = json.dumps(path_or_obj)
    else:
        with open(os.fspath(path_or_obj), encoding="utf-8-sig") as f:
            text = f.read()
    return _okr.import_gitlab(text, today)
