-- Peer benchmark (issue 14 item 5): the status logic of the sarcoma
-- guideline (guidelines/rps/initial-management.cairn) written by hand as
-- DuckDB SQL, over a relation `cohort` with the columns of `cairn cohort`'s
-- CSV (one column per fact, NULL = unknown). One column per recommendation,
-- in the guideline's order, with the status `cairn batch` computes.
--
-- SQL's NULL logic for AND, OR, NOT and IN is strong Kleene logic, which is
-- what Cairn's connectives, `any of` and `in` are. Cairn's statuses are
-- defined over every completion of the unknown facts (grammar/SEMANTICS.md,
-- "Statuses under unknown facts"), which can decide what Kleene logic
-- leaves unknown; in this guideline that happens only in `prognosis`
-- (see `reported` below): every other condition reads each fact in one
-- place only, or reads it in mutually exclusive tests (`histology` in
-- `rt_select_histology`, the dose in the regimen check) that no completion
-- decides differently from Kleene logic. A SQL CASE is not Kleene (a NULL
-- test falls through to the next branch), so the statuses use `status()`,
-- which turns NULL into `undetermined`.
CREATE OR REPLACE MACRO status(c) AS
  CASE WHEN c THEN 'applies' WHEN NOT c THEN 'not_applicable' ELSE 'undetermined' END;

-- Cairn's `=` on quantities: equal within a relative 1e-9 (units::approx_eq).
CREATE OR REPLACE MACRO approx_eq(a, b) AS
  abs(a - b) <= 1e-9 * greatest(abs(a), abs(b), 1.0);

CREATE OR REPLACE VIEW statuses AS
WITH d AS (
  SELECT
    *,
    -- confirmed_pretreatment, confirmed_post_resection
    presentation = 'primary' AND phase = 'pretreatment' AND pathology_confirmed AS cp,
    presentation = 'primary' AND phase = 'post_resection' AND pathology_confirmed AS cr,
    -- unresectable_findings = distant_metastases or imaging_exclusion
    distant_metastases OR peritoneal_implants OR bilateral_renal_involvement
      OR extensive_spine_involvement OR extensive_mesenteric_root_involvement
      OR extensive_liver_hilar_involvement OR extensive_major_vessel_involvement AS uf,
    -- rt_select_histology
    histology = 'well_differentiated_liposarcoma'
      OR (histology = 'dedifferentiated_liposarcoma' AND grade <= 2) AS rsh,
    -- rt_plan_entered (`is known` is never unknown)
    "planned_rt_total_dose[Gy]" IS NOT NULL OR planned_rt_fractions IS NOT NULL AS plan_entered,
    -- planned_rt_regimen_standard
    (approx_eq("planned_rt_total_dose[Gy]", 50.0) AND planned_rt_fractions = 25)
      OR (approx_eq("planned_rt_total_dose[Gy]", 50.4) AND planned_rt_fractions = 28) AS regimen_standard,
    -- disease_related_symptoms
    symptomatic OR severe_disease_related_symptoms AS symptoms,
    -- `prognosis_group != not_reported`. The `first` gives
    -- well_differentiated_liposarcoma, leiomyosarcoma, not_reported for
    -- any other histology than dedifferentiated liposarcoma, and one of
    -- two grade groups for that one. Under Kleene logic the group of a
    -- dedifferentiated liposarcoma of unknown grade is unknown, but every
    -- grade gives a reported group, so over the completions (Cairn's
    -- statuses) the test is decided by the histology alone.
    histology IN ('well_differentiated_liposarcoma', 'leiomyosarcoma',
                  'dedifferentiated_liposarcoma') AS reported
  FROM cohort
), s AS (
  -- the sections' conditions
  SELECT
    *,
    cp AND NOT uf AND NOT anticipated_gross_residual AS resectable
  FROM d
)
SELECT
  status(pathology_confirmed) AS sarcoma_center_multidisciplinary,
  status(pathology_confirmed AND clinical_trial_available) AS clinical_trial_enrollment,
  status(NOT pathology_confirmed) AS confirm_pathologic_diagnosis,
  status(presentation = 'recurrent') AS out_of_scope_recurrent,
  status(cp) AS pretreatment_evaluation,
  status(resectable) AS surgery_complete_resection,
  status(resectable AND rsh) AS preoperative_rt,
  status(resectable AND NOT rsh) AS rt_no_clear_role,
  status(resectable AND plan_entered AND regimen_standard) AS rt_regimen_standard,
  status(resectable AND plan_entered AND NOT regimen_standard) AS rt_regimen_nonstandard,
  status(resectable AND rsh AND clinical_trial_available AND dose_escalation_trial_available)
    AS dose_escalation_in_trial,
  status(cr AND preoperative_rt_received AND resection_margin IN ('R0', 'R1'))
    AS no_adjuvant_therapy_after_preoperative_rt,
  status(resectable AND regional_hyperthermia_available) AS regional_hyperthermia_chemotherapy,
  status(cp AND NOT uf) AS no_preoperative_chemoradiation,
  status(cp AND NOT uf) AS preoperative_chemotherapy_in_trial_only,
  status(cr AND (resection_margin IN ('R0', 'R1')
    OR histology = 'well_differentiated_liposarcoma'
    OR residual_well_differentiated_liposarcoma
    OR NOT further_growth_would_change_operation
    OR NOT eligible_for_further_resection)) AS surveillance,
  status(cr AND resection_margin IN ('R0', 'R1')) AS no_adjuvant_rt,
  status(cr AND resection_margin IN ('R0', 'R1')) AS no_adjuvant_chemotherapy,
  status(cr AND resection_margin = 'R2' AND eligible_for_further_resection
    AND reresection_feasible_with_minimal_morbidity) AS re_resection,
  status(cr AND resection_margin = 'R2') AS no_postoperative_rt,
  status(cr AND resection_margin IN ('R0', 'R1')) AS follow_up_imaging,
  status(cp AND NOT uf AND anticipated_gross_residual) AS refer_expert_center,
  status(cp AND uf) AS systemic_therapy,
  status(cp AND uf AND histology = 'well_differentiated_liposarcoma' AND NOT symptoms
    AND disease_burden = 'limited') AS observation,
  status(cp AND uf AND severe_disease_related_symptoms
    AND palliative_surgery_likely_improves_quality_of_life) AS palliative_resection,
  status(cp AND uf AND (unifocal OR symptoms)) AS palliative_rt,
  status(presentation = 'primary' AND pathology_confirmed AND reported
    AND (phase = 'post_resection' OR NOT uf)) AS prognosis
FROM s;
