"""Column types of the sarcoma cohort that `cairn cohort` writes, for the
peers (DuckDB reads the CSV with these types, polars with the same ones):
the type each fact declares in guidelines/rps/initial-management.cairn,
enums as strings, an empty cell as null (unknown)."""

#: The quantity column; its header carries the unit, as `cairn batch` reads it.
DOSE = "planned_rt_total_dose[Gy]"

BOOLS = {
    "pathology_confirmed", "distant_metastases", "peritoneal_implants",
    "bilateral_renal_involvement", "extensive_spine_involvement",
    "extensive_mesenteric_root_involvement", "extensive_liver_hilar_involvement",
    "extensive_major_vessel_involvement", "anticipated_gross_residual",
    "clinical_trial_available", "dose_escalation_trial_available",
    "regional_hyperthermia_available", "preoperative_rt_received",
    "reresection_feasible_with_minimal_morbidity", "eligible_for_further_resection",
    "residual_well_differentiated_liposarcoma", "further_growth_would_change_operation",
    "symptomatic", "severe_disease_related_symptoms",
    "palliative_surgery_likely_improves_quality_of_life", "unifocal",
}
ENUMS = {"presentation", "phase", "histology", "resection_margin", "disease_burden"}
INTEGERS = {"grade", "planned_rt_fractions"}
DATES = {"resection_date"}


def kind(name):
    """`bool`, `enum`, `integer`, `quantity` or `date` for a cohort column."""
    for k, names in (("bool", BOOLS), ("enum", ENUMS), ("integer", INTEGERS), ("date", DATES)):
        if name in names:
            return k
    if name == DOSE:
        return "quantity"
    raise SystemExit(f"peers: unexpected cohort column `{name}`")


def header(path):
    """The column names of a cohort CSV."""
    with open(path, encoding="utf-8") as f:
        return f.readline().rstrip("\n").split(",")
