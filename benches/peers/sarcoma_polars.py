"""Peer benchmark (issue 14 item 5): the status logic of the sarcoma
guideline (guidelines/rps/initial-management.cairn) written by hand as
polars expressions, the twin of sarcoma.sql.

polars' `&`, `|` and `~` on nullable booleans are strong Kleene logic
(`null & False` is False, `null | True` is True), as are `==` and
`is_in` (null in, null out), which is what Cairn's connectives, `any of`
and `in` are. Cairn's statuses are defined over the completions of the
unknown facts; in this guideline that differs from Kleene logic only in
`prognosis` (see `reported`), as sarcoma.sql explains.
"""

import polars as pl

from cohort_schema import DOSE, kind

c = pl.col

#: The recommendations in the guideline's order (the columns of
#: `cairn batch --format csv` after `line` and `name`).
RECOMMENDATIONS = [
    "sarcoma_center_multidisciplinary",
    "clinical_trial_enrollment",
    "confirm_pathologic_diagnosis",
    "out_of_scope_recurrent",
    "pretreatment_evaluation",
    "surgery_complete_resection",
    "preoperative_rt",
    "rt_no_clear_role",
    "rt_regimen_standard",
    "rt_regimen_nonstandard",
    "dose_escalation_in_trial",
    "no_adjuvant_therapy_after_preoperative_rt",
    "regional_hyperthermia_chemotherapy",
    "no_preoperative_chemoradiation",
    "preoperative_chemotherapy_in_trial_only",
    "surveillance",
    "no_adjuvant_rt",
    "no_adjuvant_chemotherapy",
    "re_resection",
    "no_postoperative_rt",
    "follow_up_imaging",
    "refer_expert_center",
    "systemic_therapy",
    "observation",
    "palliative_resection",
    "palliative_rt",
    "prognosis",
]

def schema(header):
    """The polars schema of a cohort CSV with this header."""
    types = {
        "bool": pl.Boolean, "enum": pl.Utf8, "integer": pl.Int32,
        "quantity": pl.Float64, "date": pl.Date,
    }
    return {name: types[kind(name)] for name in header}


def status(cond):
    """A condition's truth value as a status (null: undetermined)."""
    return (
        pl.when(cond).then(pl.lit("applies"))
        .when(~cond).then(pl.lit("not_applicable"))
        .otherwise(pl.lit("undetermined"))
    )


def approx_eq(x, value):
    """Cairn's `=` on quantities: equal within a relative 1e-9."""
    bound = pl.max_horizontal(x.abs(), pl.lit(abs(value)), pl.lit(1.0)) * 1e-9
    return (x - value).abs() <= bound


def statuses(lf):
    """One column per recommendation with its status, in input order."""
    wdl = c("histology") == "well_differentiated_liposarcoma"
    margin_complete = c("resection_margin").is_in(["R0", "R1"])
    derived = lf.select(
        # confirmed_pretreatment, confirmed_post_resection
        cp=(c("presentation") == "primary") & (c("phase") == "pretreatment")
        & c("pathology_confirmed"),
        cr=(c("presentation") == "primary") & (c("phase") == "post_resection")
        & c("pathology_confirmed"),
        # unresectable_findings = distant_metastases or imaging_exclusion
        uf=c("distant_metastases") | c("peritoneal_implants")
        | c("bilateral_renal_involvement") | c("extensive_spine_involvement")
        | c("extensive_mesenteric_root_involvement")
        | c("extensive_liver_hilar_involvement") | c("extensive_major_vessel_involvement"),
        # rt_select_histology
        rsh=wdl | ((c("histology") == "dedifferentiated_liposarcoma") & (c("grade") <= 2)),
        # rt_plan_entered (`is known` is never unknown)
        plan_entered=c(DOSE).is_not_null() | c("planned_rt_fractions").is_not_null(),
        # planned_rt_regimen_standard
        regimen_standard=(approx_eq(c(DOSE), 50.0) & (c("planned_rt_fractions") == 25))
        | (approx_eq(c(DOSE), 50.4) & (c("planned_rt_fractions") == 28)),
        # disease_related_symptoms
        symptoms=c("symptomatic") | c("severe_disease_related_symptoms"),
        # `prognosis_group != not_reported` over the completions: every
        # grade of a dedifferentiated liposarcoma gives a reported group.
        reported=c("histology").is_in(
            ["well_differentiated_liposarcoma", "leiomyosarcoma", "dedifferentiated_liposarcoma"]
        ),
        wdl=wdl,
        margin_complete=margin_complete,
        margin_r2=c("resection_margin") == "R2",
        **{
            name: c(name)
            for name in [
                "pathology_confirmed", "clinical_trial_available", "presentation", "phase",
                "anticipated_gross_residual", "dose_escalation_trial_available",
                "preoperative_rt_received", "regional_hyperthermia_available",
                "residual_well_differentiated_liposarcoma",
                "further_growth_would_change_operation", "eligible_for_further_resection",
                "reresection_feasible_with_minimal_morbidity", "disease_burden",
                "severe_disease_related_symptoms",
                "palliative_surgery_likely_improves_quality_of_life", "unifocal",
            ]
        },
    )
    cp, cr, uf, rsh = c("cp"), c("cr"), c("uf"), c("rsh")
    resectable = cp & ~uf & ~c("anticipated_gross_residual")
    exprs = {
        "sarcoma_center_multidisciplinary": c("pathology_confirmed"),
        "clinical_trial_enrollment": c("pathology_confirmed") & c("clinical_trial_available"),
        "confirm_pathologic_diagnosis": ~c("pathology_confirmed"),
        "out_of_scope_recurrent": c("presentation") == "recurrent",
        "pretreatment_evaluation": cp,
        "surgery_complete_resection": resectable,
        "preoperative_rt": resectable & rsh,
        "rt_no_clear_role": resectable & ~rsh,
        "rt_regimen_standard": resectable & c("plan_entered") & c("regimen_standard"),
        "rt_regimen_nonstandard": resectable & c("plan_entered") & ~c("regimen_standard"),
        "dose_escalation_in_trial": resectable & rsh & c("clinical_trial_available")
        & c("dose_escalation_trial_available"),
        "no_adjuvant_therapy_after_preoperative_rt": cr & c("preoperative_rt_received")
        & c("margin_complete"),
        "regional_hyperthermia_chemotherapy": resectable & c("regional_hyperthermia_available"),
        "no_preoperative_chemoradiation": cp & ~uf,
        "preoperative_chemotherapy_in_trial_only": cp & ~uf,
        "surveillance": cr & (
            c("margin_complete") | c("wdl") | c("residual_well_differentiated_liposarcoma")
            | ~c("further_growth_would_change_operation") | ~c("eligible_for_further_resection")
        ),
        "no_adjuvant_rt": cr & c("margin_complete"),
        "no_adjuvant_chemotherapy": cr & c("margin_complete"),
        "re_resection": cr & c("margin_r2") & c("eligible_for_further_resection")
        & c("reresection_feasible_with_minimal_morbidity"),
        "no_postoperative_rt": cr & c("margin_r2"),
        "follow_up_imaging": cr & c("margin_complete"),
        "refer_expert_center": cp & ~uf & c("anticipated_gross_residual"),
        "systemic_therapy": cp & uf,
        "observation": cp & uf & c("wdl") & ~c("symptoms") & (c("disease_burden") == "limited"),
        "palliative_resection": cp & uf & c("severe_disease_related_symptoms")
        & c("palliative_surgery_likely_improves_quality_of_life"),
        "palliative_rt": cp & uf & (c("unifocal") | c("symptoms")),
        "prognosis": (c("presentation") == "primary") & c("pathology_confirmed") & c("reported")
        & ((c("phase") == "post_resection") | ~uf),
    }
    assert list(exprs) == RECOMMENDATIONS
    return derived.select(**{name: status(e) for name, e in exprs.items()})
