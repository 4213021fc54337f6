"""Run a guideline over a Spark DataFrame, on the cluster that holds the data.

>>> from cairn import spark as cairn_spark
>>> out = cairn_spark.evaluate(df, "guidelines/rps/initial-management.cairn", keep=["patient_id"])

The evaluation uses ``DataFrame.mapInArrow``: each partition's Arrow batches
go to the native evaluator without a row-by-row conversion, and the
guideline is parsed and checked once per Python worker process (Spark reuses
its workers), never per row. The guideline is read and checked on the
driver, which raises :class:`cairn.GuidelineError` before any job starts,
and its text is shipped to the executors with the function; a guideline
whose ``include``s name other files needs those files at the same path on
every executor.
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING, Any, Dict, Iterator, Sequence, Tuple, Union

from . import Guideline

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow
    import pyspark.sql

__all__ = ["evaluate", "output_schema"]

#: Guidelines already checked in this process, by (text digest, name).
_LOADED: Dict[Tuple[str, str], Guideline] = {}


def _guideline(text: str, name: str, include_paths: Tuple[str, ...]) -> Guideline:
    key = (hashlib.sha256(text.encode("utf-8")).hexdigest(), name)
    g = _LOADED.get(key)
    if g is None:
        g = Guideline.from_source(text, name=name, include_paths=include_paths)
        _LOADED[key] = g
    return g


def _plain_type(t: "pyarrow.DataType") -> "pyarrow.DataType":
    """Spark takes no dictionary columns: statuses and enum values as text."""
    import pyarrow as pa

    if pa.types.is_dictionary(t):
        return _plain_type(t.value_type)
    if pa.types.is_list(t):
        return pa.list_(_plain_type(t.value_type))
    return t


def _plain_schema(schema: "pyarrow.Schema") -> "pyarrow.Schema":
    import pyarrow as pa

    return pa.schema([pa.field(f.name, _plain_type(f.type), f.nullable) for f in schema])


def _plain_batch(batch: "pyarrow.RecordBatch", schema: "pyarrow.Schema") -> "pyarrow.RecordBatch":
    import pyarrow as pa

    columns = [c.cast(f.type) if c.type != f.type else c for c, f in zip(batch.columns, schema)]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def output_schema(
    g: Guideline, input_schema: "pyarrow.Schema", *, derived: bool, missing: bool, keep: Sequence[str]
) -> "pyarrow.Schema":
    """The Arrow schema of the rows :func:`evaluate` writes, for inputs of ``input_schema``."""
    import pyarrow as pa

    read = pa.schema([f for f in input_schema if f.name not in keep])
    out = pa.schema(g._inner.output_schema(read, derived, missing))
    kept = [input_schema.field(k) for k in keep]
    return _plain_schema(pa.schema(kept + list(out)))


def evaluate(
    df: "pyspark.sql.DataFrame",
    guideline: Union[str, "os.PathLike[str]"],
    *,
    derived: bool = False,
    missing: bool = False,
    keep: Sequence[str] = (),
    include_paths: Sequence[str] = (),
) -> "pyspark.sql.DataFrame":
    """Evaluates the guideline at path ``guideline`` for every row of ``df``.

    The columns of ``df`` are facts (typed as in :meth:`Guideline.input_schema`;
    null is unknown), apart from those in ``keep``, which are passed through
    in front. The result has a text status column per recommendation
    (``applies``, ``not_applicable``, ``undetermined``), ``derived.NAME``
    and ``missing.ID`` columns when asked, and ``error`` (null when the row
    ran; else why, and in which column). Raises :class:`cairn.GuidelineError`
    on the driver if the guideline has errors, and :class:`cairn.CohortError`
    if a column names no fact or has the wrong type.
    """
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

    path = os.fspath(guideline)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    includes = tuple(os.fspath(p) for p in include_paths)
    g = _guideline(text, path, includes)
    keep = tuple(keep)
    schema = output_schema(g, to_arrow_schema(df.schema), derived=derived, missing=missing, keep=keep)

    def run(batches: Iterator["pyarrow.RecordBatch"]) -> Iterator["pyarrow.RecordBatch"]:
        # Runs on the executors: the guideline is checked once per worker.
        worker = _guideline(text, path, includes)
        for batch in batches:
            out = worker.evaluate_arrow(batch, derived=derived, missing=missing, keep=keep, threads=1)
            yield _plain_batch(out, schema)

    return df.mapInArrow(run, from_arrow_schema(schema))
