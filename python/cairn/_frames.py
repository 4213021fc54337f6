"""Cohorts as data frames: Arrow in, Arrow out, pandas and polars through Arrow.

The native module decodes the input's Arrow columns in place (zero-copy,
through the Arrow PyCapsule interface) and returns an Arrow table: a status
per recommendation (dictionary of ``applies``, ``not_applicable``,
``undetermined``), optionally ``derived.NAME`` and ``missing.ID`` columns,
and ``error`` (null when the row ran). Columns named in ``keep`` (a patient
id) are passed through in front, untouched and unread by the guideline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    import polars
    import pyarrow

    from . import _cairn


def _split(table: Any, keep: Sequence[str]):
    """The columns the guideline reads, and those passed through."""
    if not keep:
        return table, None
    missing = [k for k in keep if k not in table.column_names]
    if missing:
        raise KeyError(f"no column {missing[0]!r} to keep")
    return table.drop_columns(list(keep)), table.select(list(keep))


def _join(kept: Any, out: Any):
    if kept is None:
        return out
    import pyarrow as pa

    arrays = list(kept.columns) + list(out.columns)
    names = list(kept.column_names) + list(out.column_names)
    if isinstance(out, pa.RecordBatch):
        return pa.RecordBatch.from_arrays(arrays, names=names)
    return pa.Table.from_arrays(arrays, names=names)


def evaluate_arrow(
    inner: "_cairn.Guideline",
    data: Any,
    *,
    derived: bool = False,
    missing: bool = False,
    keep: Sequence[str] = (),
    threads: Optional[int] = None,
):
    import pyarrow as pa

    if isinstance(data, pa.RecordBatch):
        given, kept = _split(data, keep)
        out = pa.record_batch(inner.evaluate_batch(given, derived, missing, threads))
        if kept is not None:
            # The output is in the input's order, one row per input row.
            kept = kept.slice(0, out.num_rows)
        return _join(kept, out)
    if not isinstance(data, pa.Table):
        if keep:
            data = pa.table(data)
        else:
            return pa.table(inner.evaluate_stream(data, derived, missing, threads))
    given, kept = _split(data, keep)
    out = pa.table(inner.evaluate_stream(given, derived, missing, threads))
    return _join(kept, out)


def evaluate_pandas(inner: "_cairn.Guideline", df: "pandas.DataFrame", **options: Any) -> "pandas.DataFrame":
    import pyarrow as pa

    table = pa.Table.from_pandas(df, preserve_index=False)
    out = evaluate_arrow(inner, table, **options).to_pandas()
    out.index = df.index
    return out


def evaluate_polars(inner: "_cairn.Guideline", df: Any, **options: Any) -> "polars.DataFrame":
    import polars as pl

    if isinstance(df, pl.LazyFrame):
        df = df.collect()
    keep = options.pop("keep", ())
    given = df.drop(list(keep)) if keep else df
    derived = options.pop("derived", False)
    missing = options.pop("missing", False)
    threads = options.pop("threads", None)
    if options:
        raise TypeError(f"unexpected option {next(iter(options))!r}")
    # A polars frame is an Arrow C stream: no pyarrow needed on this path.
    out = pl.DataFrame(inner.evaluate_stream(given, derived, missing, threads))
    return pl.concat([df.select(list(keep)), out], how="horizontal") if keep else out
