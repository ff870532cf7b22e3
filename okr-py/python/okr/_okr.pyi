"""Type stubs of the compiled module okr._okr (checked with ``python -m mypy.stubtest okr``)."""

import datetime
import os
from typing import Any, Dict, List, Optional, Tuple, Union, final

from ._frames import Tables

_Date = Union[datetime.date, str]
_Path = Union[str, "os.PathLike[str]"]

__all__ = ["Document", "Finding", "Policy", "Problem", "Scorecard", "Scores", "_TableSource", "edit_file", "diff_json_and_text", "json_schema", "load", "loads", "ImportSummary", "import_csv", "import_viva_goals", "import_gitlab", "__version__", "TABLE_NAMES"]

__version__: str
TABLE_NAMES: Tuple[str, ...]

def load(path: _Path, format: Optional[str] = None, *, max_bytes: Optional[int] = None) -> Document:
    """Loads a document from a file (format from the extension unless given), through the
    core's file loader: its size limit (`max_bytes`), streaming and UTF-8 positions."""

def loads(text: str, format: str = "yaml") -> Document:
    """Parses a document from text."""

def edit_file(path: _Path, edit: str) -> str:
    """Applies an edit (its JSON form, see `okr_core::edit::Edit`) to a file in place and
    returns the new text."""

def diff_json_and_text(before: Scorecard, after: Scorecard) -> Tuple[Dict[str, Any], str]:
    """What changed from `before` to `after`: `okr diff --format json` as a dict, and
    the text `okr diff` prints (`okr.diff` builds its DataFrames from the dict)."""

def json_schema() -> str:
    """The JSON Schema of the document format, as text."""

@final
class Problem:
    """One problem found while loading a document or a policy."""

    @property
    def path(self) -> str: ...
    @property
    def line(self) -> Optional[int]: ...
    @property
    def column(self) -> Optional[int]: ...
    @property
    def message(self) -> str: ...

@final
class Finding:
    """A validation finding."""

    @property
    def code(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def subjects(self) -> List[str]: ...
    @property
    def path(self) -> Optional[str]: ...
    @property
    def message(self) -> str: ...
    @property
    def help(self) -> Optional[str]: ...

@final
class Scores:
    """Scores of one objective or key result as of a date. ``None`` = undefined."""

    @property
    def progress(self) -> Optional[float]: ...
    @property
    def score(self) -> Optional[float]: ...
    @property
    def expected(self) -> Optional[float]: ...
    @property
    def status(self) -> str: ...
    @property
    def forecast(self) -> Optional[float]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Policy:
    """Thresholds and severities for scoring and validation."""

    def __new__(
        cls,
        *,
        severities: Optional[Dict[str, str]] = None,
        score_cap: Optional[float] = None,
        on_track: Optional[float] = None,
        at_risk: Optional[float] = None,
        default_blend: Optional[float] = None,
        max_key_results: Optional[int] = None,
        max_objectives: Optional[int] = None,
        stale_days: Optional[int] = None,
        default_rollup: Optional[str] = None,
    ) -> Policy: ...
    @staticmethod
    def load(path: _Path) -> Policy: ...
    @staticmethod
    def loads(text: str, format: str = "yaml") -> Policy: ...
    @property
    def severities(self) -> Dict[str, str]: ...
    @property
    def score_cap(self) -> float: ...
    @property
    def on_track(self) -> float: ...
    @property
    def at_risk(self) -> float: ...
    @property
    def default_blend(self) -> float: ...
    @property
    def max_key_results(self) -> int: ...
    @property
    def max_objectives(self) -> int: ...
    @property
    def stale_days(self) -> int: ...
    @property
    def default_rollup(self) -> str: ...

@final
class _TableSource:
    """The analysis tables of one scorecard, built one at a time when ``okr.Tables`` first
    reads them (the core's ``TableBuilder``, holding the scorecard as it was)."""

    def ipc(self, name: str) -> bytes: ...
    @property
    def built(self) -> List[str]: ...
    @property
    def validated(self) -> bool: ...

@final
class Document:
    """An OKR document."""

    def save(self, path: _Path) -> None: ...
    def dumps(self, format: str = "yaml") -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def score(self, as_of: Optional[_Date] = None, policy: Optional[Policy] = None) -> Scorecard: ...
    def validate(self, as_of: Optional[_Date] = None, policy: Optional[Policy] = None) -> List[Finding]: ...
    def tables(self, as_of: Optional[_Date] = None, policy: Optional[Policy] = None) -> Tables: ...
    def tree(self, as_of: Optional[_Date] = None, cycle: Optional[str] = None) -> str: ...
    @property
    def objectives(self) -> List[str]: ...
    @property
    def key_results(self) -> List[str]: ...
    @property
    def cycles(self) -> List[str]: ...
    @property
    def levels(self) -> List[str]: ...
    def _repr_html_(self) -> str: ...

@final
class Scorecard:
    """Scores of a whole document as of a date, updated incrementally by check-ins."""

    @property
    def as_of(self) -> datetime.date: ...
    def objective(self, id: str) -> Scores: ...
    def key_result(self, id: str) -> Scores: ...
    def check_in(
        self,
        key_result: str,
        date: _Date,
        value: Union[float, bool],
        confidence: Optional[float] = None,
        note: Optional[str] = None,
    ) -> int: ...
    def set_override(self, objective: str, date: _Date, score: float, reason: Optional[str] = None) -> int: ...
    def document(self) -> Document: ...
    def validate(self) -> List[Finding]: ...
    def tables(self) -> Tables: ...
    def tree(self, cycle: Optional[str] = None) -> str: ...
    def explain(self, id: str) -> Dict[str, Any]: ...
    def explain_text(self, id: str) -> str: ...
    def _repr_html_(self) -> str: ...

@final
class ImportSummary:
    """What an import read, kept in ``extra`` and skipped (``str()`` prints it)."""

    @property
    def read(self) -> List[Tuple[str, int]]: ...
    @property
    def extra(self) -> List[Tuple[str, int]]: ...
    @property
    def skipped(self) -> List[Tuple[str, str]]: ...
    @property
    def notes(self) -> List[str]: ...

def import_csv(
    text: str,
    check_ins: Optional[str] = None,
    map: List[Tuple[str, str]] = ...,
    fiscal_year_start: int = 1,
    today: Optional[_Date] = None,
    grades: List[str] = ...,
    cycle: Optional[str] = None,
    rollup: Optional[str] = None,
) -> Tuple[Document, ImportSummary]:
    """Imports a spreadsheet's CSV text (and optionally a check-ins CSV text); ``grades``
    are ``"HEADER=DATE"`` strings."""

def import_viva_goals(
    path: _Path, fiscal_year_start: int = 1, today: Optional[_Date] = None
) -> Tuple[Document, ImportSummary]:
    """Imports Viva Goals' data export (the ZIP or its folder)."""

def import_gitlab(text: str, today: Optional[_Date] = None) -> Tuple[Document, ImportSummary]:
    """Imports the JSON text of a GitLab GraphQL ``workItems`` query."""
