"""Exceptions raised by cairn, with the diagnostics behind them.

The native module raises these classes (``python/src/errors.rs``) with the
diagnostics rendered as the command line prints them (no colour) and their
JSON list, which becomes :class:`Diagnostic` objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import List, Optional


@dataclass(frozen=True)
class Label:
    """A labelled span of a diagnostic: byte offsets and a 1-based line and column."""

    message: Optional[str]
    start: int
    end: int
    line: int
    column: int


@dataclass(frozen=True)
class Diagnostic:
    """One error or warning, with its stable code (``cairn::case::unknown_fact``)."""

    severity: str
    code: str
    message: str
    help: Optional[str]
    file: str
    labels: List[Label] = field(default_factory=list)

    @property
    def line(self) -> Optional[int]:
        """The 1-based line of the first label, if it has one."""
        return self.labels[0].line if self.labels else None

    @property
    def column(self) -> Optional[int]:
        """The 1-based column (in characters) of the first label, if it has one."""
        return self.labels[0].column if self.labels else None

    @staticmethod
    def _from_json(d: dict) -> "Diagnostic":
        labels = [
            Label(
                message=lab.get("message"),
                start=lab["start"],
                end=lab["end"],
                line=lab["line"],
                column=lab["column"],
            )
            for lab in d.get("labels", [])
        ]
        return Diagnostic(
            severity=d["severity"],
            code=d["code"],
            message=d["message"],
            help=d.get("help"),
            file=d.get("file", ""),
            labels=labels,
        )


def _diagnostics(diagnostics_json: str) -> List[Diagnostic]:
    return [Diagnostic._from_json(d) for d in json.loads(diagnostics_json)]


class CairnError(Exception):
    """Base class: ``str(e)`` is the rendered text, ``e.diagnostics`` the list."""

    def __init__(self, rendered: str, diagnostics_json: str = "[]") -> None:
        self.rendered: str = rendered
        self.diagnostics: List[Diagnostic] = _diagnostics(diagnostics_json)
        super().__init__(rendered)

    def __str__(self) -> str:
        return self.rendered

    @property
    def codes(self) -> List[str]:
        """The stable codes of the diagnostics, in order."""
        return [d.code for d in self.diagnostics]


class GuidelineError(CairnError):
    """The guideline does not parse or check."""


class CaseError(CairnError, ValueError):
    """A case does not load: bad JSON, an unknown fact, a value out of range, a broken constraint."""


class UnknownRecommendation(CairnError, KeyError):
    """``explain`` was asked about an id the guideline has no recommendation for."""


class CohortError(CairnError, ValueError):
    """A cohort's columns do not fit the guideline: an unknown column, a wrong type or unit.

    A bad *value* never raises: its row's statuses are null and its ``error`` cell says why.
    """
