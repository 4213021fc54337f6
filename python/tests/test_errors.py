"""Bad guidelines and bad cases raise cairn's exceptions with the rendered diagnostics."""

from __future__ import annotations

import json

import pytest

import cairn
from conftest import SARCOMA, run_cli

BROKEN = """guideline broken {
  title "Broken"
  version "1.0.0"
  status draft
}
fact grade "FNCLCC grade": integer 1 to 3
suggest low_grade {
  when grde <= 2
  statement "Low grade."
}
"""


@pytest.fixture(scope="module")
def sarcoma() -> cairn.Guideline:
    return cairn.Guideline.load(SARCOMA)


def test_a_guideline_error_carries_the_rendered_text_and_the_diagnostics(tmp_path) -> None:
    path = tmp_path / "broken.cairn"
    path.write_text(BROKEN)
    with pytest.raises(cairn.GuidelineError) as raised:
        cairn.Guideline.load(path)
    error = raised.value
    # The unused fact's warning comes with the error.
    assert sorted(error.codes) == ["cairn::check::unknown_name", "cairn::check::unused"]
    d = next(d for d in error.diagnostics if d.severity == "error")
    assert (d.severity, d.line, d.column) == ("error", 8, 8)
    assert "`grde`" in d.message
    # The text is what `cairn check` prints, without colour.
    assert "\x1b[" not in str(error)
    assert str(error) in run_cli(["check", str(path)], check=False).stderr
    assert "when grde <= 2" in str(error)


def test_from_source_names_the_file_in_its_diagnostics() -> None:
    with pytest.raises(cairn.GuidelineError) as raised:
        cairn.Guideline.from_source(BROKEN, name="mine.cairn")
    assert "mine.cairn:8:8" in str(raised.value)
    assert {d.file for d in raised.value.diagnostics} == {"mine.cairn"}


def test_a_missing_file_is_an_os_error() -> None:
    with pytest.raises(FileNotFoundError, match="nowhere.cairn"):
        cairn.Guideline.load("nowhere.cairn")


def test_a_value_out_of_range_is_a_case_error_at_its_location(sarcoma: cairn.Guideline) -> None:
    with pytest.raises(cairn.CaseError) as raised:
        sarcoma.evaluate({"facts": {"presentation": "primary", "grade": 7}})
    error = raised.value
    assert error.codes == ["cairn::case::integer_range"]
    # The case is written one fact per line: line 4, the value's column.
    assert (error.diagnostics[0].line, error.diagnostics[0].column) == (4, 14)
    assert "`grade` must be between 1 and 3, found 7" in str(error)
    assert isinstance(error, ValueError)


def test_an_unknown_fact_and_a_bad_enum_value_are_both_reported(sarcoma: cairn.Guideline) -> None:
    with pytest.raises(cairn.CaseError) as raised:
        sarcoma.evaluate({"facts": {"presentaton": "primary", "phase": "later"}}, name="mine.json")
    assert len(raised.value.diagnostics) == 2
    assert all(d.file == "mine.json" for d in raised.value.diagnostics)
    assert "presentaton" in str(raised.value)


def test_case_text_errors_match_cairn_run(sarcoma: cairn.Guideline, tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"facts": {"grade": true}}')
    with pytest.raises(cairn.CaseError) as raised:
        sarcoma.evaluate(path.read_text(), name=str(path))
    stderr = run_cli(["run", str(SARCOMA), "--case", str(path)], check=False).stderr
    assert str(raised.value) in stderr


def test_invalid_json_is_a_case_error(sarcoma: cairn.Guideline) -> None:
    with pytest.raises(cairn.CaseError) as raised:
        sarcoma.evaluate('{"facts": {')
    assert raised.value.diagnostics[0].line == 1


def test_a_value_python_cannot_write_as_json_is_a_type_error(sarcoma: cairn.Guideline) -> None:
    with pytest.raises(TypeError):
        sarcoma.evaluate({"facts": {"grade": object()}})
    with pytest.raises(TypeError):
        sarcoma.evaluate(42)  # type: ignore[arg-type]


def test_explaining_an_unknown_recommendation_suggests_the_right_one(sarcoma: cairn.Guideline) -> None:
    with pytest.raises(cairn.UnknownRecommendation) as raised:
        sarcoma.explain({"facts": {}}, "preoperative_radiotherapy")
    assert raised.value.codes == ["cairn::eval::unknown_recommendation"]
    assert "preoperative_rt" in str(raised.value)
    assert isinstance(raised.value, KeyError)


def test_an_error_leaves_the_guideline_usable(sarcoma: cairn.Guideline) -> None:
    with pytest.raises(cairn.CaseError):
        sarcoma.evaluate({"facts": {"grade": 0}})
    outcome = sarcoma.evaluate({"facts": {"grade": 1}})
    assert json.dumps(outcome)
