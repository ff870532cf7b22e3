"""The exceptions of the okr package. The compiled module raises these."""

from __future__ import annotations

from typing import TYPE_CHECKING, List

if TYPE_CHECKING:  # pragma: no cover
    from ._okr import Problem

__all__ = ["OkrError", "LoadError", "PolicyError", "UnknownIdError"]


class OkrError(Exception):
    """Base class of every error raised by okr."""


class LoadError(OkrError):
    """A document could not be loaded.

    ``problems`` lists every problem found (not just the first), each with ``path``,
    ``line``, ``column`` and ``message``; ``str(error)`` shows them all.
    """

    problems: List[Problem]

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.problems = []


class PolicyError(LoadError):
    """A policy (file or keyword arguments) is invalid; ``problems`` lists every problem."""


class UnknownIdError(OkrError, KeyError):
    """No objective or key result has the given id."""

    def __str__(self) -> str:
        # KeyError would show the message in quotes.
        return str(self.args[0]) if self.args else ""
