#!/usr/bin/env python3
"""Writes a full-prefetch patient-view request for a golden case, for the load test.

    benches/serve/prefetch.py GUIDELINE.cairn BINDING.toml CASE.json > request.json

A small stand-in for `cairn fhir synth` (which builds a Bundle from a case; use
that once it is merged): one resource per known fact, from the fact's first
shape in the binding (Observation values, Condition present/absent, Procedure
dates, the Patient), grouped into one searchset Bundle per prefetch key.
`load.sh` checks the answer is cards; check the facts with `cairn fhir extract`.
"""
import json, re, sys, tomllib

guideline, binding_path, case_path = sys.argv[1:4]
source = open(guideline).read()
binding = tomllib.load(open(binding_path, "rb"))
facts = json.load(open(case_path))["facts"]
systems = binding.get("systems", {})


def coding(text):
    system, code = text.split("|", 1)
    return {"system": systems.get(system, system), "code": code}


def enum_code(value):
    # The guideline's own `NAME "label" code SYSTEM "x"` binding of an enum value.
    m = re.search(r"\b%s\s+\"[^\"]*\"\s+code\s+(\w+)\s+\"([^\"]+)\"" % re.escape(value), source)
    return {"system": systems.get(m.group(1), m.group(1)), "code": m.group(2)} if m else None


def set_path(resource, path, value):
    # `verificationStatus.coding.code` = "confirmed" → {"verificationStatus": {"coding": [{"code": …}]}}
    parts = path.split(".")
    if parts == ["status"]:
        resource["status"] = value
        return
    node = resource
    for part in parts[:-1]:
        if part == "coding":
            node = node.setdefault("coding", [{}])[0]
        else:
            node = node.setdefault(part, {})
    node[parts[-1]] = value


resources = {"patient": {"resourceType": "Patient", "id": "p1"}}
bundles = {}
n = 0
for name, value in facts.items():
    shapes = binding.get("fact", {}).get(name, {}).get("shape", [])
    for shape in shapes:
        kind = shape.get("resource")
        if kind is None:
            break
        if "present" in shape and shape["present"] != value:
            continue
        n += 1
        r = {"resourceType": kind, "id": "r%d" % n}
        if kind == "Patient":
            r = resources["patient"]
        else:
            r["subject"] = {"reference": "Patient/p1"}
        if shape.get("code"):
            r["code"] = {"coding": [coding(shape["code"][0])]}
        for path, literal in shape.get("filter", {}).items():
            set_path(r, path, literal)
        read = shape.get("value")
        mapping = {v: k for k, v in shape.get("map", {}).items()}
        if read is None:
            pass
        elif kind == "Patient":
            r[read] = value
        elif read == "performed":
            r["performedDateTime"] = value
        elif isinstance(value, bool):
            r["valueBoolean"] = value
        elif isinstance(value, int):
            r["valueInteger"] = value
        elif read == "valueQuantity":
            number, unit = value.split(" ", 1)
            r["valueQuantity"] = {"value": float(number), "unit": unit,
                                  "system": "http://unitsofmeasure.org", "code": unit}
        elif isinstance(value, str) and value in mapping:
            r["valueCodeableConcept"] = {"coding": [coding(mapping[value])]}
        elif isinstance(value, str) and enum_code(value):
            r["valueCodeableConcept"] = {"coding": [enum_code(value)]}
        else:
            print("prefetch.py: cannot write %s = %r" % (name, value), file=sys.stderr)
            continue
        if kind == "Observation":
            r.setdefault("effectiveDateTime", "2026-05-01")
        if kind == "Condition":
            r.setdefault("recordedDate", "2026-05-01")
        if kind != "Patient":
            key = kind[0].lower() + kind[1:]
            bundles.setdefault(key, []).append({"resource": r})
        break

prefetch = {"patient": resources["patient"]}
for key, entries in bundles.items():
    prefetch[key] = {"resourceType": "Bundle", "type": "searchset", "total": len(entries), "entry": entries}
request = {
    "hook": "patient-view",
    "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    "context": {"userId": "Practitioner/u1", "patientId": "p1"},
    "prefetch": prefetch,
}
json.dump(request, sys.stdout, indent=1)
print()
