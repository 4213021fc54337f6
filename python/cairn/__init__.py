"""Cairn: check and run clinical practice guidelines from Python.

>>> import cairn
>>> g = cairn.Guideline.load("guidelines/rps/initial-management.cairn")
>>> outcome = g.evaluate({"facts": {"presentation": "primary"}})
>>> outcome["recommendations"][0]["status"]
'applies'

A guideline is parsed, checked and compiled once; each evaluation returns
the JSON outcome of ``cairn run --format json`` as a dict. Errors raise
:class:`GuidelineError` or :class:`CaseError`, whose text is the rendered
diagnostic and whose ``diagnostics`` list carries codes and locations.
"""

from __future__ import annotations

import datetime as _dt
import json as _json
import os as _os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _cairn, _frames
from ._errors import (
    CairnError,
    CaseError,
    CohortError,
    Diagnostic,
    GuidelineError,
    Label,
    UnknownRecommendation,
)

__version__: str = _cairn.__version__

__all__ = [
    "CairnError",
    "CaseError",
    "CohortError",
    "Diagnostic",
    "EnumValue",
    "Fact",
    "Guideline",
    "GuidelineError",
    "Label",
    "Recommendation",
    "UnknownRecommendation",
]

#: A case: a case file's JSON as a mapping (``{"facts": {...}}``) or its text.
CaseLike = Union[Mapping[str, Any], str, bytes]


@dataclass(frozen=True)
class EnumValue:
    """One value of an enum or list fact, with its label and code bindings."""

    name: str
    label: Optional[str]
    codes: Tuple[Tuple[str, str], ...]


@dataclass(frozen=True)
class Fact:
    """A fact a case may give: ``type`` is bool, integer, number, quantity, date, enum or list."""

    name: str
    description: str
    type: str
    unit: Optional[str] = None
    min: Optional[int] = None
    max: Optional[int] = None
    range: Optional[str] = None
    values: Tuple[EnumValue, ...] = ()
    group: Optional[str] = None
    never: bool = False
    absent: Any = None


@dataclass(frozen=True)
class Recommendation:
    """A recommendation as declared (its status depends on the case)."""

    id: str
    kind: str
    strength: Optional[str]
    section: Optional[str]
    about: Optional[str]
    statement: str


def _values(items: Sequence[Mapping[str, Any]]) -> Tuple[EnumValue, ...]:
    return tuple(
        EnumValue(v["name"], v.get("label"), tuple((c["system"], c["code"]) for c in v["codes"]))
        for v in items
    )


def _fact(d: Mapping[str, Any]) -> Fact:
    return Fact(
        name=d["name"],
        description=d["description"],
        type=d["type"],
        unit=d.get("unit"),
        min=d.get("min"),
        max=d.get("max"),
        range=d.get("range"),
        values=_values(d.get("values", [])),
        group=d.get("group"),
        never=bool(d.get("never", False)),
        absent=d.get("absent"),
    )


def _json_default(value: Any) -> Any:
    """Dates as ISO text, numpy scalars as Python numbers, sets as lists."""
    if isinstance(value, (_dt.datetime,)):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return tolist()
    raise TypeError(f"cannot give a value of type {type(value).__name__} to a case")


def _case_text(case: CaseLike) -> str:
    if isinstance(case, bytes):
        return case.decode("utf-8")
    if isinstance(case, str):
        return case
    if isinstance(case, Mapping):
        # Indented, so a CaseError's line and column point at one fact.
        return _json.dumps(case, indent=2, default=_json_default, ensure_ascii=False)
    raise TypeError(f"a case is a mapping or JSON text, not {type(case).__name__}")


class Guideline:
    """A checked and compiled guideline, ready to evaluate any number of cases.

    Build one with :meth:`load` or :meth:`from_source`; both raise
    :class:`GuidelineError` when the guideline has errors. It is safe to share
    between threads (evaluations take turns on one scratch space).
    """

    __slots__ = ("_inner", "_model")

    def __init__(self, inner: _cairn.Guideline) -> None:
        self._inner = inner
        self._model: Dict[str, Any] = _json.loads(inner.model_json())

    @classmethod
    def load(
        cls, path: Union[str, "_os.PathLike[str]"], *, include_paths: Sequence[str] = ()
    ) -> "Guideline":
        """Reads, parses and checks the guideline file at ``path``."""
        return cls(_cairn.Guideline.load(_os.fspath(path), [_os.fspath(p) for p in include_paths]))

    @classmethod
    def from_source(
        cls, text: str, *, name: str = "<source>", include_paths: Sequence[str] = ()
    ) -> "Guideline":
        """Parses and checks guideline text; ``name`` is shown in diagnostics."""
        return cls(_cairn.Guideline.from_source(text, name, [_os.fspath(p) for p in include_paths]))

    def __repr__(self) -> str:
        meta = self._model["meta"]
        return f"<cairn.Guideline {meta['id']} {meta['version']} from {self._inner.name!r}>"

    @property
    def name(self) -> str:
        """The file name the guideline was loaded under."""
        return self._inner.name

    @property
    def meta(self) -> Dict[str, Any]:
        """The header: id, title, version, status, source and dates."""
        return dict(self._model["meta"])

    @property
    def facts(self) -> List[Fact]:
        """The facts a case may give, in declaration order."""
        return [_fact(d) for d in self._model["facts"]]

    @property
    def definitions(self) -> List[Dict[str, Any]]:
        """The derived values (``define`` and tables): name, description, type."""
        return [dict(d) for d in self._model["definitions"]]

    @property
    def recommendations(self) -> List[Recommendation]:
        """The recommendations in document order."""
        return [Recommendation(**d) for d in self._model["recommendations"]]

    @property
    def warnings(self) -> List[Diagnostic]:
        """The checker's warnings (the guideline loaded, so there are no errors)."""
        from ._errors import _diagnostics

        return _diagnostics(self._inner.warnings()[1])

    @property
    def warnings_text(self) -> str:
        """The warnings rendered as ``cairn check`` prints them."""
        return self._inner.warnings()[0]

    def evaluate(self, case: CaseLike, *, trace: bool = False, name: str = "<case>") -> Dict[str, Any]:
        """Evaluates one case; returns the outcome of ``cairn run --format json``.

        ``case`` is a case file's content (``{"facts": {...}}``) or its JSON
        text; dates may be :class:`datetime.date`. Raises :class:`CaseError`
        with the location when the case does not load.
        """
        return _json.loads(self._inner.evaluate_json(_case_text(case), name, trace))

    def explain(self, case: CaseLike, id: str, *, name: str = "<case>") -> str:
        """The explanation of ``cairn explain``: recommendation ``id``'s trace and what it reads."""
        return self._inner.explain(_case_text(case), id, name)[0]

    def explain_steps(self, case: CaseLike, id: str, *, name: str = "<case>") -> List[Dict[str, Any]]:
        """The same explanation as data: the trace steps, as in ``cairn run --format json --trace``."""
        return _json.loads(self._inner.explain(_case_text(case), id, name)[1])

    def input_schema(self) -> Any:
        """The Arrow schema (``pyarrow.Schema``) of a cohort: a nullable column per fact."""
        import pyarrow as pa

        return pa.schema(self._inner.input_schema())

    def evaluate_arrow(
        self,
        data: Any,
        *,
        derived: bool = False,
        missing: bool = False,
        keep: Sequence[str] = (),
        threads: Optional[int] = None,
    ) -> Any:
        """Evaluates every row of an Arrow table, batch or stream, zero-copy in.

        Returns a ``pyarrow.RecordBatch`` for a record batch, else a
        ``pyarrow.Table``: one row per input row, a status per recommendation,
        ``derived.NAME`` and ``missing.ID`` when asked, and ``error`` (null
        when the row ran). Columns in ``keep`` pass through in front. Raises
        :class:`CohortError` when a column does not fit the guideline.
        """
        return _frames.evaluate_arrow(
            self._inner, data, derived=derived, missing=missing, keep=keep, threads=threads
        )

    def evaluate_pandas(self, df: Any, **options: Any) -> Any:
        """:meth:`evaluate_arrow` for a pandas DataFrame (through pyarrow); keeps its index."""
        return _frames.evaluate_pandas(self._inner, df, **options)

    def evaluate_polars(self, df: Any, **options: Any) -> Any:
        """:meth:`evaluate_arrow` for a polars DataFrame or LazyFrame, without pyarrow."""
        return _frames.evaluate_polars(self._inner, df, **options)
