"""PySpark local[2]: `cairn.spark.evaluate` over a generated cohort agrees with `cairn batch`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pyarrow as pa
import pytest

import cairn
from cairn import spark as cairn_spark
from conftest import SARCOMA, batch_statuses, read_cohort

from pyspark.sql import SparkSession


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("cairn-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_agrees_with_cairn_batch_row_for_row(spark, cohort_csv: Path) -> None:
    ids, rows = batch_statuses(SARCOMA, cohort_csv)
    table = read_cohort(cohort_csv)
    table = table.add_column(0, "row", pa.array(range(table.num_rows), pa.int64()))
    df = spark.createDataFrame(table.to_pandas()).repartition(4)
    out = cairn_spark.evaluate(df, SARCOMA, keep=["row"])
    assert out.columns[0] == "row"
    assert out.columns[1:] == ids + ["error"]
    got = sorted(out.collect(), key=lambda r: r["row"])
    assert len(got) == len(rows)
    assert [[r[i] for i in ids] for r in got] == rows
    assert all(r["error"] is None for r in got)


def test_spark_derived_and_missing_columns(spark) -> None:
    df = spark.createDataFrame([(1, 2), (2, None)], "row long, grade long")
    out = cairn_spark.evaluate(df, SARCOMA, keep=["row"], derived=True, missing=True)
    got = {r["row"]: r.asDict() for r in out.collect()}
    g = cairn.Guideline.load(SARCOMA)
    want = g.evaluate({"facts": {"grade": 2}})
    for rec in want["recommendations"]:
        assert got[1][rec["id"]] == rec["status"]
        assert got[1][f"missing.{rec['id']}"] == rec.get("missing", [])


def test_a_broken_guideline_fails_on_the_driver(spark, tmp_path) -> None:
    path = tmp_path / "broken.cairn"
    path.write_text("guideline broken {\n")
    df = spark.createDataFrame([(1,)], "grade long")
    with pytest.raises(cairn.GuidelineError):
        cairn_spark.evaluate(df, path)


def test_an_unknown_column_fails_on_the_driver(spark) -> None:
    df = spark.createDataFrame([(1,)], "grde long")
    with pytest.raises(cairn.CohortError):
        cairn_spark.evaluate(df, SARCOMA)
