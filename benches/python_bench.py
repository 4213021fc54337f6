"""Timings of the Python package's cohort paths (run by benches/python.sh)."""

from __future__ import annotations

import statistics
import sys
import os
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

import cairn
from cairn import spark as cairn_spark

GUIDELINE = "guidelines/rps/initial-management.cairn"


def median_seconds(run, times: int) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main(csv: str, scratch: str) -> None:
    g = cairn.Guideline.load(GUIDELINE)
    # An empty cell is unknown, as in `cairn batch`.
    table = pacsv.read_csv(csv, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
    rows = table.num_rows
    errors = g.evaluate_arrow(table).column("error").null_count
    assert errors == rows, f"{rows - errors} rows in error"
    batch = table.combine_chunks().to_batches()[0]
    print(f"rows: {rows}; Arrow table of {table.nbytes / 1e6:.0f} MB in {len(table.to_batches())} batches")
    for threads in (1, 2):
        for name, data in (("table", table), ("one batch", batch)):
            secs = median_seconds(lambda: g.evaluate_arrow(data, threads=threads), 5)
            print(f"evaluate_arrow {name:9} threads={threads}: {secs:.3f} s, {rows / secs / 1e6:.2f} M rows/s")
    secs = median_seconds(lambda: g.evaluate_arrow(table, derived=True, missing=True), 3)
    print(f"evaluate_arrow table derived+missing threads=2: {secs:.3f} s, {rows / secs / 1e6:.2f} M rows/s")
    # The single-case path, for scale: a dict in, the full outcome out.
    cases = [{"facts": {k: v for k, v in r.items() if v is not None}} for r in table.slice(0, 2000).to_pylist()]
    for case in cases:
        for k, v in list(case["facts"].items()):
            if k.endswith("[Gy]"):
                case["facts"][k[: -len("[Gy]")]] = {"value": v, "unit": "Gy"}
                del case["facts"][k]
            elif hasattr(v, "isoformat"):
                case["facts"][k] = v.isoformat()
    secs = median_seconds(lambda: [g.evaluate(c) for c in cases], 3)
    print(f"evaluate(dict), full outcome: {len(cases) / secs:,.0f} cases/s")

    parquet = Path(scratch) / "cohort.parquet"
    pq.write_table(table, parquet)
    from pyspark.sql import SparkSession

    started = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        # Rows per Arrow batch sent to the Python workers (Spark's default
        # is 10,000); `SPARK_BATCH` tries another.
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", os.environ.get("SPARK_BATCH", "10000"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    print(f"spark start-up: {time.perf_counter() - started:.1f} s")
    df = spark.read.parquet(str(parquet))
    # Spark's own cost of the same read and write, for reference.
    noop = lambda frame: frame.write.format("noop").mode("overwrite").save()  # noqa: E731
    noop(df)
    secs = median_seconds(lambda: noop(df), 3)
    print(f"spark local[2] read only: {secs:.2f} s")
    out = cairn_spark.evaluate(df, GUIDELINE)
    noop(out)
    secs = median_seconds(lambda: noop(out), 3)
    print(f"spark local[2] cairn.spark.evaluate: {secs:.2f} s, {rows / secs / 1e6:.2f} M rows/s")
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
