"""Analysis tables as pandas DataFrames (and pyarrow tables).

The core computes a table as whole columns when it is first read and hands it over as an
Arrow IPC file; pyarrow reads it without creating a Python object per row, and pandas takes
the columns from pyarrow. Column meanings are documented in okr-core's ``analysis`` module
and in the README.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Mapping, Optional, Protocol, Sequence, Union, overload

import pandas as pd
import pyarrow as pa
import pyarrow.ipc

if TYPE_CHECKING:  # pragma: no cover
    from typing import Literal

    import polars as pl

__all__ = ["Tables", "TABLE_NAMES", "STATUSES", "SEVERITIES", "KINDS"]

from ._okr import TABLE_NAMES  # the core's list, in its order

#: Categories of ``status`` columns, best first. ``dropped`` is a key result's only
#: (SPEC §3a): objectives are never dropped, so theirs have the first four.
STATUSES = ("on_track", "at_risk", "off_track", "unknown", "dropped")
#: The ``status`` categories of each table that differs from ``STATUSES``.
_TABLE_STATUSES = {"objectives": STATUSES[:4]}
#: Categories of ``severity`` columns, most serious first.
SEVERITIES = ("error", "warning", "info")
#: Categories of the key results' ``kind`` column.
KINDS = ("metric", "threshold", "binary", "milestones", "baseline", "graded")


class _Source(Protocol):
    """Where lazy tables come from: the core's builder over one scorecard."""

    def ipc(self, name: str) -> bytes: ...


def _arrow_to_pandas(table: pa.Table, levels: List[str], statuses: Sequence[str] = STATUSES) -> pd.DataFrame:
    columns: Dict[str, pd.Series] = {}
    for field, column in zip(table.schema, table.columns):
        name = field.name
        t = field.type
        if pa.types.is_string(t) or pa.types.is_large_string(t):
            if name == "status":
                dtype: object = pd.CategoricalDtype(statuses)
            elif name == "severity":
                dtype = pd.CategoricalDtype(SEVERITIES, ordered=True)
            elif name == "kind":
                dtype = pd.CategoricalDtype(KINDS)
            elif name == "level":
                dtype = pd.CategoricalDtype(levels, ordered=True)
            else:
                dtype = pd.StringDtype("pyarrow")
            if isinstance(dtype, pd.CategoricalDtype):
                # Categories are fixed (so every frame of a kind has the same ones); codes
                # are computed by pyarrow over the whole column.
                codes = pa.compute.index_in(column, value_set=pa.array(list(dtype.categories)))
                codes = codes.fill_null(-1).to_numpy(zero_copy_only=False)
                columns[name] = pd.Series(pd.Categorical.from_codes(codes, dtype=dtype))
            else:
                columns[name] = pd.Series(pd.arrays.ArrowStringArray(column), dtype=dtype)
        elif pa.types.is_list(t) or pa.types.is_large_list(t):
            columns[name] = pd.Series(pd.arrays.ArrowExtensionArray(column))
        elif pa.types.is_uint64(t):
            # Counts: int64 (or nullable Int64) rather than unsigned, so differences work.
            as_int = column.cast(pa.int64())
            if field.nullable:
                columns[name] = pd.Series(as_int.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get))
            else:
                columns[name] = pd.Series(as_int.to_numpy(), dtype="int64")
        elif pa.types.is_date32(t):
            columns[name] = pd.Series(
                column.cast(pa.timestamp("s")).to_numpy(zero_copy_only=False), dtype="datetime64[s]"
            )
        elif pa.types.is_floating(t):
            # Nullable numbers: NaN stands for undefined (unscored, no check-in yet).
            columns[name] = pd.Series(column.to_numpy(zero_copy_only=False), dtype="float64")
        elif pa.types.is_boolean(t):
            columns[name] = pd.Series(column.to_numpy(zero_copy_only=False), dtype="bool")
        else:  # pragma: no cover - the core writes no other types
            columns[name] = column.to_pandas()
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))


class Tables:
    """The analysis tables of a scored document.

    Each attribute (``objectives``, ``key_results``, ``check_ins``, ``alignments``,
    ``findings``, ``people``, ``contributions``, ``engagement``, ``distribution``, ``grades``) is a
    pandas DataFrame, built on first access and kept: ``tables()`` itself computes nothing,
    reading ``objectives`` builds that table alone, and the document is validated only for
    ``findings``. The tables are those of the scorecard when ``tables()`` was called:
    check-ins recorded later do not change them (call ``tables()`` again).

    Dtypes: strings use pandas' Arrow-backed ``string`` dtype; ``status``, ``severity``,
    ``kind`` and ``level`` are categoricals (``level`` ordered top first; ``status`` has
    ``dropped`` in the key results only, as objectives are never dropped); numbers are
    ``float64`` with NaN for undefined; counts are ``int64`` (``Int64`` when nullable);
    dates are ``datetime64[s]``; id lists (``owners``, ``themes``, ``subjects``,
    ``top_objectives``) are Arrow list columns.

    ``Tables(ipc, levels)`` makes one from Arrow IPC files already written (by name, e.g.
    by ``okr export --format arrow``) and the document's level names, top first.
    """

    def __init__(self, ipc: Mapping[str, bytes], levels: List[str]) -> None:
        self._ipc = dict(ipc)
        self._levels = list(levels)
        self._source: Optional[_Source] = None
        self._arrow: Dict[str, pa.Table] = {}
        self._frames: Dict[str, pd.DataFrame] = {}

    @classmethod
    def _lazy(cls, source: _Source, levels: List[str]) -> "Tables":
        """Tables that ``source`` builds one at a time, when first read."""
        tables = cls({}, levels)
        tables._source = source
        return tables

    def _table(self, name: str) -> pa.Table:
        if name not in self._arrow:
            if name in self._ipc:
                ipc = self._ipc[name]
            elif self._source is not None and name in TABLE_NAMES:
                ipc = self._source.ipc(name)
            else:
                raise KeyError(f"unknown table `{name}`: one of {', '.join(TABLE_NAMES)}")
            reader = pa.ipc.open_file(pa.py_buffer(ipc))
            self._arrow[name] = reader.read_all()
            if self._source is not None and all(n in self._arrow for n in TABLE_NAMES):
                self._source = None  # every table built: let the scorecard go
        return self._arrow[name]

    def __getstate__(self) -> Dict[str, object]:
        # Pickled (or deep-copied) tables carry every table, not the core's builder.
        self.to_arrow()
        return dict(self.__dict__)

    def frame(self, name: str) -> pd.DataFrame:
        """The table called ``name`` as a DataFrame."""
        if name not in self._frames:
            statuses = _TABLE_STATUSES.get(name, STATUSES)
            self._frames[name] = _arrow_to_pandas(self._table(name), self._levels, statuses)
        return self._frames[name]

    @overload
    def to_arrow(self, name: None = None) -> Dict[str, pa.Table]: ...
    @overload
    def to_arrow(self, name: str) -> pa.Table: ...
    def to_arrow(self, name: Optional[str] = None) -> Union[pa.Table, Dict[str, pa.Table]]:
        """One table (or all, by name) as pyarrow Tables, exactly as the core wrote them."""
        if name is not None:
            return self._table(name)
        return {n: self._table(n) for n in TABLE_NAMES}

    @overload
    def to_polars(self, name: None = None) -> Dict[str, "pl.DataFrame"]: ...
    @overload
    def to_polars(self, name: str) -> "pl.DataFrame": ...
    def to_polars(self, name: Optional[str] = None) -> Union["pl.DataFrame", Dict[str, "pl.DataFrame"]]:
        """One table (or all, by name) as polars DataFrames, from the Arrow columns without a
        copy. Needs polars (``pip install polars``), which okr does not require."""
        try:
            import polars
        except ImportError as e:
            raise ImportError(
                "`to_polars()` needs the polars package, which okr does not install: "
                "`pip install polars`"
            ) from e
        if name is not None:
            return polars.DataFrame(self._table(name))
        return {n: polars.DataFrame(self._table(n)) for n in TABLE_NAMES}

    @property
    def objectives(self) -> pd.DataFrame:
        """One row per objective."""
        return self.frame("objectives")

    @property
    def key_results(self) -> pd.DataFrame:
        """One row per key result."""
        return self.frame("key_results")

    @property
    def check_ins(self) -> pd.DataFrame:
        """One row per check-in."""
        return self.frame("check_ins")

    @property
    def alignments(self) -> pd.DataFrame:
        """One row per alignment link."""
        return self.frame("alignments")

    @property
    def findings(self) -> pd.DataFrame:
        """One row per validation finding."""
        return self.frame("findings")

    @property
    def people(self) -> pd.DataFrame:
        """One row per person and cycle."""
        return self.frame("people")

    @property
    def contributions(self) -> pd.DataFrame:
        """One row per objective and top-level objective it reaches (share, influence)."""
        return self.frame("contributions")

    @property
    def engagement(self) -> pd.DataFrame:
        """One row per cycle and team."""
        return self.frame("engagement")

    @property
    def distribution(self) -> pd.DataFrame:
        """One row per cycle and level: the score distribution."""
        return self.frame("distribution")

    @property
    def grades(self) -> pd.DataFrame:
        """One row per objective, then one per cycle: how the key results are graded."""
        return self.frame("grades")

    def __repr__(self) -> str:
        return f"<okr.Tables: {', '.join(TABLE_NAMES)}>"
