"""Every golden case through `Guideline.evaluate` equals `cairn run --format json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict

import pytest

import cairn
from conftest import golden_cases, guideline_of, run_cli

CASES = golden_cases()
_loaded: Dict[Path, cairn.Guideline] = {}


def guideline(path: Path) -> cairn.Guideline:
    if path not in _loaded:
        _loaded[path] = cairn.Guideline.load(path)
    return _loaded[path]


def test_the_golden_cases_are_found() -> None:
    # The three guidelines' folders hold more than a hundred golden cases.
    assert len(CASES) > 100
    assert {c.parent.parent.name for c in CASES} == {"rps", "cervical", "vte"}


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_a_golden_case_evaluates_as_cairn_run(case: Path) -> None:
    path = guideline_of(case)
    g = guideline(path)
    facts = json.loads(case.read_text())
    expected = json.loads(run_cli(["run", str(path), "--case", str(case), "--format", "json"]).stdout)
    assert g.evaluate(facts) == expected
    # The case file's own text gives the same outcome.
    assert g.evaluate(case.read_text(), name=str(case)) == expected


@pytest.mark.parametrize("case", CASES[::7], ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_a_traced_golden_case_evaluates_as_cairn_run_with_trace(case: Path) -> None:
    path = guideline_of(case)
    args = ["run", str(path), "--case", str(case), "--format", "json", "--trace"]
    expected = json.loads(run_cli(args).stdout)
    assert expected["trace"], "the CLI's outcome has a trace"
    assert guideline(path).evaluate(json.loads(case.read_text()), trace=True) == expected


@pytest.mark.parametrize("case", CASES[::11], ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_explain_prints_what_cairn_explain_prints(case: Path) -> None:
    path = guideline_of(case)
    g = guideline(path)
    facts = json.loads(case.read_text())
    rec = g.recommendations[-1].id
    expected = run_cli(["explain", str(path), "--case", str(case), rec]).stdout
    assert g.explain(facts, rec) == expected
    steps = g.explain_steps(facts, rec)
    traced = g.evaluate(facts, trace=True)["trace"]
    assert steps and all(step in traced for step in steps)
