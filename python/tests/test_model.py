"""Introspection: the facts, definitions and recommendations of a guideline."""

from __future__ import annotations

import datetime
import threading

import cairn
from conftest import GUIDELINES, SARCOMA


def test_the_recommendations_are_those_of_the_outcome_in_document_order() -> None:
    g = cairn.Guideline.load(SARCOMA)
    outcome = g.evaluate({"facts": {}})
    assert [r.id for r in g.recommendations] == [r["id"] for r in outcome["recommendations"]]
    preop = next(r for r in g.recommendations if r.id == "preoperative_rt")
    assert (preop.kind, preop.strength) == ("suggest", "2C")
    # The innermost section, as the outcome reports it.
    in_outcome = next(r for r in outcome["recommendations"] if r["id"] == "preoperative_rt")
    assert preop.section == in_outcome["section"] == "rt_rationale"


def test_facts_have_their_types_units_bounds_and_values() -> None:
    g = cairn.Guideline.load(SARCOMA)
    facts = {f.name: f for f in g.facts}
    assert facts["grade"].type == "integer" and (facts["grade"].min, facts["grade"].max) == (1, 3)
    assert facts["planned_rt_total_dose"].type == "quantity"
    assert facts["planned_rt_total_dose"].unit == "Gy"
    histology = [v.name for v in facts["histology"].values]
    assert "dedifferentiated_liposarcoma" in histology
    assert facts["histology"].type == "enum"
    # Every fact the outcome can ask for is declared.
    missing = {m for r in g.evaluate({"facts": {}})["recommendations"] for m in r.get("missing", [])}
    assert missing <= set(facts)


LISTS = """guideline lists { title "Lists" version "1" status draft }
fact age "Age": integer 0 to 120
fact meds "Current medications": list of enum { warfarin, apixaban, aspirin }
fact history "Comorbidities": list of enum { diabetes, stroke } absent means none
suggest on_apixaban { when meds contains apixaban and age >= 18 statement "A." }
suggest stroke { when history contains stroke statement "B." }
"""


def test_a_list_fact_is_one_fact_with_its_values() -> None:
    g = cairn.Guideline.from_source(LISTS, name="lists.cairn")
    assert [(f.name, f.type) for f in g.facts] == [("age", "integer"), ("meds", "list"), ("history", "list")]
    meds = g.facts[1]
    assert [v.name for v in meds.values] == ["warfarin", "apixaban", "aspirin"]
    assert g.facts[2].absent == [] and meds.absent is None
    outcome = g.evaluate({"facts": {"meds": ["apixaban"], "age": 40}})
    assert [r["status"] for r in outcome["recommendations"]] == ["applies", "not_applicable"]


def test_meta_and_definitions() -> None:
    g = cairn.Guideline.load(SARCOMA)
    assert g.meta["id"] == "rps_initial_management"
    assert "rps_initial_management" in repr(g)
    defs = {d["name"]: d for d in g.definitions}
    assert defs["rt_select_histology"]["type"] == "bool"
    assert g.warnings == [] and g.warnings_text == ""


def test_dates_may_be_python_dates() -> None:
    g = cairn.Guideline.load(GUIDELINES / "cervical" / "screening.cairn")
    dates = [f.name for f in g.facts if f.type == "date"]
    assert dates
    as_text = g.evaluate({"facts": {dates[0]: "2020-01-31"}})
    as_date = g.evaluate({"facts": {dates[0]: datetime.date(2020, 1, 31)}})
    assert as_text == as_date


def test_one_guideline_serves_several_threads() -> None:
    g = cairn.Guideline.load(SARCOMA)
    expected = [g.evaluate({"facts": {"grade": 1 + i % 3}}) for i in range(30)]
    got = [None] * 30

    def work(i: int) -> None:
        got[i] = g.evaluate({"facts": {"grade": 1 + i % 3}})

    threads = [threading.Thread(target=work, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == expected
