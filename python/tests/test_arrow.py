"""Arrow, pandas and polars cohorts agree with `cairn batch` row for row."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Dict, List

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import cairn
from conftest import SARCOMA, batch_statuses, read_cohort, run_cli


@pytest.fixture(scope="module")
def sarcoma() -> cairn.Guideline:
    return cairn.Guideline.load(SARCOMA)


@pytest.fixture(scope="module")
def expected(cohort_csv: Path):
    return batch_statuses(SARCOMA, cohort_csv)


def statuses(table: Any, ids: List[str]) -> List[List[str]]:
    columns = [table.column(i).to_pylist() for i in ids]
    return [list(row) for row in zip(*columns)]


def test_an_arrow_table_agrees_with_cairn_batch(sarcoma, cohort_csv, expected) -> None:
    ids, rows = expected
    assert ids == [r.id for r in sarcoma.recommendations]
    table = read_cohort(cohort_csv)
    assert table.num_rows == 3000
    out = sarcoma.evaluate_arrow(table)
    assert isinstance(out, pa.Table)
    assert out.num_rows == 3000
    assert out.column("error").null_count == 3000
    assert statuses(out, ids) == rows
    # The cohort reaches every status of every recommendation.
    for i in ids:
        assert set(out.column(i).to_pylist()) == {"applies", "not_applicable", "undetermined"}, i


def test_a_record_batch_in_gives_a_record_batch_out_on_any_number_of_threads(sarcoma, cohort_csv, expected) -> None:
    ids, rows = expected
    batch = read_cohort(cohort_csv).combine_chunks().to_batches()[0]
    one = sarcoma.evaluate_arrow(batch, threads=1)
    two = sarcoma.evaluate_arrow(batch, threads=2)
    assert isinstance(one, pa.RecordBatch)
    assert one.equals(two)
    assert statuses(one, ids) == rows


def _json_of(value: Any) -> Any:
    """A derived cell as `cairn batch` writes it in JSON."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def test_derived_values_and_missing_facts_agree_with_cairn_batch_jsonl(sarcoma, tmp_path) -> None:
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text(run_cli(["cohort", str(SARCOMA), "-n", "600", "--format", "jsonl"]).stdout)
    csv = tmp_path / "c.csv"
    csv.write_text(run_cli(["cohort", str(SARCOMA), "-n", "600"]).stdout)
    rows = [json.loads(line) for line in run_cli(["batch", str(SARCOMA), str(jsonl)]).stdout.splitlines()]
    out = sarcoma.evaluate_arrow(read_cohort(csv), derived=True, missing=True)
    derived_columns = [n for n in out.column_names if n.startswith("derived.")]
    assert len(derived_columns) == len(sarcoma.definitions)
    table = out.to_pylist()
    assert len(table) == len(rows) == 600
    for got, want in zip(table, rows):
        for rec, status in want["recommendations"].items():
            assert got[rec] == status
            assert got[f"missing.{rec}"] == want["missing"].get(rec, []), rec
        for name, value in want["derived"].items():
            cell = got[f"derived.{name}"]
            field = out.schema.field(f"derived.{name}")
            if isinstance(value, dict) and isinstance(cell, str):
                # A table's row is written as its JSON text.
                assert json.loads(cell) == value, name
            elif isinstance(value, dict) and "unit" in value:
                assert field.metadata[b"unit"].decode() == value["unit"]
                assert math.isclose(cell, value["value"], rel_tol=1e-9), name
            elif isinstance(value, float):
                assert math.isclose(cell, value, rel_tol=1e-9), name
            else:
                assert _json_of(cell) == value, name


def test_pandas_agrees_with_cairn_batch_and_keeps_its_index(sarcoma, cohort_csv, expected) -> None:
    ids, rows = expected
    # pandas reads integers with gaps as floats, booleans with gaps as objects, dates as text.
    df = pd.read_csv(cohort_csv)
    df.index = df.index + 1000
    out = sarcoma.evaluate_pandas(df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.index) == list(df.index)
    assert out[ids].astype(str).values.tolist() == rows


def test_polars_agrees_with_cairn_batch(sarcoma, cohort_csv, expected) -> None:
    ids, rows = expected
    df = pl.read_csv(cohort_csv)
    out = sarcoma.evaluate_polars(df)
    assert isinstance(out, pl.DataFrame)
    assert out.select(ids).rows() == [tuple(r) for r in rows]
    lazy = sarcoma.evaluate_polars(df.lazy())
    assert lazy.equals(out)


def test_kept_columns_pass_through_in_front(sarcoma, cohort_csv, expected) -> None:
    ids, rows = expected
    table = read_cohort(cohort_csv)
    table = table.add_column(0, "patient_id", pa.array([f"p{i}" for i in range(table.num_rows)]))
    out = sarcoma.evaluate_arrow(table, keep=["patient_id"])
    assert out.column_names[0] == "patient_id"
    assert out.column("patient_id").to_pylist()[:2] == ["p0", "p1"]
    assert statuses(out, ids) == rows
    frame = sarcoma.evaluate_polars(pl.from_arrow(table), keep=["patient_id"])
    assert frame.columns[0] == "patient_id"
    with pytest.raises(KeyError):
        sarcoma.evaluate_arrow(table, keep=["nobody"])


def test_an_unknown_column_is_a_cohort_error_with_a_suggestion(sarcoma) -> None:
    table = pa.table({"grade": [1, 2], "histolgy": ["leiomyosarcoma", None]})
    with pytest.raises(cairn.CohortError) as raised:
        sarcoma.evaluate_arrow(table)
    assert raised.value.codes == ["cairn::cohort::unknown_column"]
    assert "histology" in str(raised.value)


def test_a_bad_value_fails_its_row_only(sarcoma) -> None:
    table = pa.table({"grade": [1, 7, None], "histology": ["leiomyosarcoma", "leiomyosarcoma", "nonsense"]})
    out = sarcoma.evaluate_arrow(table).to_pylist()
    assert out[0]["error"] is None
    assert "grade" in out[1]["error"] and out[1]["preoperative_rt"] is None
    assert "histology" in out[2]["error"]
    single = sarcoma.evaluate({"facts": {"grade": 1, "histology": "leiomyosarcoma"}})
    assert [out[0][r["id"]] for r in single["recommendations"]] == [
        r["status"] for r in single["recommendations"]
    ]


def test_the_input_schema_types_every_fact(sarcoma) -> None:
    schema = sarcoma.input_schema()
    assert isinstance(schema, pa.Schema)
    assert [f.name for f in schema] == [f.name for f in sarcoma.facts]
    dose = schema.field("planned_rt_total_dose")
    assert dose.metadata[b"unit"] == b"Gy"
    empty = sarcoma.evaluate_arrow(schema.empty_table())
    assert empty.num_rows == 0 and "preoperative_rt" in empty.column_names


def test_golden_cases_as_one_arrow_table_agree_with_cairn_run(sarcoma) -> None:
    from conftest import golden_cases, guideline_of

    cases = [c for c in golden_cases() if guideline_of(c) == SARCOMA]
    facts: List[Dict[str, Any]] = [json.loads(c.read_text())["facts"] for c in cases]
    columns: Dict[str, List[Any]] = {f.name: [] for f in sarcoma.facts}
    for case in facts:
        for name, values in columns.items():
            v = case.get(name)
            if isinstance(v, dict) and "unit" in v:
                v = f"{v['value']} {v['unit']}"
            values.append(v)
    table = pa.table({k: v for k, v in columns.items() if any(x is not None for x in v)})
    out = sarcoma.evaluate_arrow(table).to_pylist()
    for case, row, path in zip(facts, out, cases):
        want = sarcoma.evaluate({"facts": case})
        assert row["error"] is None, path
        assert {r["id"]: r["status"] for r in want["recommendations"]} == {
            k: v for k, v in row.items() if k != "error"
        }, path
