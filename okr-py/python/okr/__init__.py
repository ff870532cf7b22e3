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

from ._errors import LoadError, OkrError, PolicyError, UnknownIdError
from ._frames import Tables
from ._okr import (
    Document,
    Finding,
    Policy,
    Problem,
    Scorecard,
    Scores,
    __version__,
    json_schema,
    load,
    loads,
)

__all__ = [
    "Document",
    "Finding",
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
    "json_schema",
    "load",
    "loads",
]
