//! The flowcharts of `cairn::graph` and `cairn graph`: DOT and Mermaid
//! snapshots of every shipped guideline and of one section with a
//! patient's path; SVG parsed as XML (a `viewBox` and a size, every
//! recommendation drawn, the path's statuses); errors (an unknown section
//! with a did-you-mean, a bad case, SVG pictures without a folder).

use cairn::check::Checked;
use cairn::eval::Program;
use cairn::graph::{self, Direction, Format, Options, Picture};
use std::path::Path;
use std::process::Command;

const CERVICAL: &str = "guidelines/cervical/screening.cairn";
const RPS: &str = "guidelines/rps/initial-management.cairn";
const VTE: &str = "guidelines/vte/diagnosis-treatment.cairn";
const GUIDELINES: [&str; 3] = [CERVICAL, RPS, VTE];
/// A case after an R1 resection: surveillance applies (graded 2C).
const RPS_CASE: &str = "guidelines/rps/cases/post_r1_surveillance_graded_2c.json";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn checked(guideline: &str) -> Checked {
    let text = std::fs::read_to_string(root().join(guideline)).unwrap();
    let parsed = cairn::syntax::parse_with(guideline, &text, &cairn::syntax::FsLoader);
    match cairn::check::check(parsed) {
        Ok(checked) => checked,
        Err(failed) => panic!("{}", failed.diagnostics.render(&failed.sources, 100)),
    }
}

/// Every picture of `guideline` in `format`, with `options`.
fn pictures(guideline: &str, options: &Options, format: Format) -> Vec<Picture> {
    graph::render(&checked(guideline), None, options, format).unwrap()
}

/// The pictures with the path of the case file `case`.
fn with_case(guideline: &str, case: &str, options: &Options, format: Format) -> Vec<Picture> {
    let checked = checked(guideline);
    let text = std::fs::read_to_string(root().join(case)).unwrap();
    let case = cairn::case::load(&checked, case, &text).unwrap();
    let program = Program::new(&checked);
    let outcome = program.evaluate(&case.case, cairn::eval::Options { trace: true });
    graph::render(&checked, Some(&outcome), options, format).unwrap()
}

/// All pictures as one text, each under its id.
fn joined(pictures: &[Picture]) -> String {
    pictures
        .iter()
        .map(|p| format!("== {} ({})\n{}", p.id, p.title, p.text))
        .collect()
}

/// Runs `cairn` in the crate root; returns the exit code and both outputs.
fn cairn(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn dot_of_every_guideline() {
    for (name, g) in ["cervical", "rps", "vte"].into_iter().zip(GUIDELINES) {
        let text = joined(&pictures(g, &Options::default(), Format::Dot));
        insta::assert_snapshot!(format!("dot_{name}"), text);
    }
}

#[test]
fn mermaid_of_every_guideline() {
    for (name, g) in ["cervical", "rps", "vte"].into_iter().zip(GUIDELINES) {
        let text = joined(&pictures(g, &Options::default(), Format::Mermaid));
        insta::assert_snapshot!(format!("mermaid_{name}"), text);
    }
}

#[test]
fn a_section_with_a_patients_path() {
    let options = Options {
        section: Some("postsurgical_management".into()),
        ..Options::default()
    };
    for (name, format) in [("dot", Format::Dot), ("mermaid", Format::Mermaid)] {
        let p = with_case(RPS, RPS_CASE, &options, format);
        assert_eq!(p.len(), 1);
        insta::assert_snapshot!(format!("path_{name}"), p[0].text);
    }
}

#[test]
fn a_large_guideline_is_an_overview_and_its_top_level_sections() {
    let model = &checked(RPS).model;
    let p = pictures(RPS, &Options::default(), Format::Dot);
    let top: Vec<&str> = model
        .sections
        .iter()
        .filter(|s| s.parent.is_none())
        .map(|s| s.id.as_str())
        .collect();
    let ids: Vec<&str> = p.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids[0], "overview");
    assert_eq!(&ids[1..], top.as_slice());
    // The overview folds the sections: no recommendation inside one.
    assert!(!p[0].text.contains("rec_surveillance"), "{}", p[0].text);
    assert!(p[0].text.contains("sum_resectable_disease"));
    // A small guideline is one picture.
    let small = pictures(CERVICAL, &Options::default(), Format::Dot);
    assert_eq!(small.len(), 1);
    assert_eq!(small[0].id, "uspstf_cervical_cancer_screening");
}

/// The SVG `text` parsed: its root, checked for a `viewBox` and a size.
fn parse_svg(text: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let svg = doc.root_element();
    assert_eq!(svg.tag_name().name(), "svg");
    let view: Vec<f64> = svg
        .attribute("viewBox")
        .expect("a viewBox")
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(view.len(), 4);
    let width: f64 = svg.attribute("width").unwrap().parse().unwrap();
    let height: f64 = svg.attribute("height").unwrap().parse().unwrap();
    assert!(width > 100.0 && height > 50.0, "{width}x{height}");
    assert_eq!((view[2], view[3]), (width, height));
    // Self-contained: nothing is fetched.
    for node in doc.descendants() {
        for a in node.attributes() {
            assert!(
                !a.value().contains("http") || a.name() == "xmlns",
                "{}={}",
                a.name(),
                a.value()
            );
        }
        assert_ne!(node.tag_name().name(), "image");
    }
    doc
}

#[test]
fn svg_of_every_guideline_draws_every_recommendation() {
    for g in GUIDELINES {
        let model = checked(g).model;
        let p = pictures(g, &Options::default(), Format::Svg);
        let mut ids = Vec::new();
        for picture in &p {
            let doc = parse_svg(&picture.text);
            ids.extend(
                doc.descendants()
                    .filter_map(|n| n.attribute("id"))
                    .filter_map(|id| id.strip_prefix("rec_"))
                    .map(String::from),
            );
        }
        for rec in &model.recs {
            assert!(ids.contains(&rec.id), "{g}: `{}` is not drawn", rec.id);
        }
        // The same input gives the same bytes.
        assert_eq!(p, pictures(g, &Options::default(), Format::Svg));
    }
}

#[test]
fn svg_colours_the_path_by_status() {
    let options = Options {
        section: Some("postsurgical_management".into()),
        direction: Direction::LeftRight,
        ..Options::default()
    };
    let p = with_case(RPS, RPS_CASE, &options, Format::Svg);
    let doc = parse_svg(&p[0].text);
    let status = |id: &str| {
        doc.descendants()
            .find(|n| n.attribute("id") == Some(id))
            .and_then(|n| n.attribute("data-status"))
            .map(String::from)
    };
    assert_eq!(status("rec_surveillance").as_deref(), Some("applies"));
    assert_eq!(status("rec_no_adjuvant_rt").as_deref(), Some("applies"));
    assert_eq!(
        status("rec_re_resection").as_deref(),
        Some("not_applicable")
    );
    assert_eq!(
        status("sec_r2_resection").as_deref(),
        Some("not_applicable")
    );
    assert_eq!(
        status("sec_postsurgical_management").as_deref(),
        Some("applies")
    );
    // The arrow into what applies is drawn bold, in the path's colour.
    let applies = doc
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("data-status") == Some("applies"))
        .count();
    assert!(applies >= 2, "{applies}");
    // A legend names the statuses.
    let legend: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("legend"))
        .flat_map(|n| n.descendants())
        .filter_map(|n| n.attribute("data-status"))
        .collect();
    assert_eq!(legend, ["applies", "undetermined", "not_applicable"]);
}

#[test]
fn svg_escapes_the_guidelines_text() {
    let source = r#"
guideline demo {
  title "Tags <b> & \"quotes\""
  version "1.0.0"
  status draft
}
fact grade "Grade": integer 1 to 3
section low "Low <grade> & co" when grade <= 2 {
  suggest low_grade_option {
    when grade < 2
    statement "Use <this> & \"that\"."
  }
}
"#;
    let checked = cairn::parse("demo.cairn", source).check().unwrap();
    let p = graph::render(&checked, None, &Options::default(), Format::Svg).unwrap();
    let doc = parse_svg(&p[0].text);
    let text: String = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(text.contains("Low <grade> & co"), "{text}");
    assert!(text.contains("grade < 2"), "{text}");
    assert!(text.contains("Use <this> & \"that\"."), "{text}");
}

#[test]
fn an_unknown_section_says_did_you_mean() {
    let options = Options {
        section: Some("postsurgical_managment".into()),
        ..Options::default()
    };
    let err = graph::render(&checked(RPS), None, &options, Format::Dot).unwrap_err();
    let help = miette::Diagnostic::help(&err).map(|h| h.to_string());
    assert_eq!(
        err.to_string(),
        "no section `postsurgical_managment` in the guideline"
    );
    assert_eq!(
        help.as_deref(),
        Some("did you mean `postsurgical_management`?")
    );
    assert_eq!(
        miette::Diagnostic::code(&err)
            .map(|c| c.to_string())
            .as_deref(),
        Some("cairn::graph::unknown_section")
    );
    let (code, out, err) = cairn(&[
        "graph",
        RPS,
        "--section",
        "postsurgical_managment",
        "--error-format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    let json: serde_json::Value = serde_json::from_str(err.trim()).unwrap();
    assert_eq!(json["code"], "cairn::graph::unknown_section");
    assert_eq!(json["help"], "did you mean `postsurgical_management`?");
}

#[test]
fn an_outcome_of_another_guideline_is_refused() {
    let rps = checked(RPS);
    let vte = checked(VTE);
    let program = Program::new(&vte);
    let case = cairn::case::load(&vte, "c.json", r#"{"facts": {}}"#).unwrap();
    let outcome = program.evaluate(&case.case, cairn::eval::Options::default());
    let err = graph::render(&rps, Some(&outcome), &Options::default(), Format::Dot).unwrap_err();
    assert!(matches!(err, graph::Error::OutcomeMismatch { .. }), "{err}");
}

#[test]
fn cli_writes_one_picture_to_stdout_and_several_to_a_folder() {
    let (code, out, err) = cairn(&["graph", CERVICAL, "--format", "svg"]);
    assert_eq!(code, 0, "{err}");
    parse_svg(&out);
    // Several DOT pictures go to standard output, each named.
    let (code, out, _) = cairn(&["graph", VTE]);
    assert_eq!(code, 0);
    assert_eq!(out.matches("// picture ").count(), 5, "{out}");
    assert_eq!(out.matches("digraph cairn {").count(), 5);
    // Several SVG pictures need a folder.
    let (code, out, err) = cairn(&["graph", VTE, "--format", "svg"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("give `-o DIR`"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let (code, _, err) = cairn(&["graph", VTE, "--format", "svg", "-o", dir_arg]);
    assert_eq!(code, 0, "{err}");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "d_dimer_threshold_section.svg",
            "dvt_diagnosis.svg",
            "overview.svg",
            "pe_diagnosis.svg",
            "treatment.svg"
        ]
    );
    // An existing file is kept without --force.
    std::fs::write(dir.path().join("overview.svg"), "mine").unwrap();
    let (code, _, err) = cairn(&["graph", VTE, "--format", "svg", "-o", dir_arg]);
    assert_eq!(code, 1);
    assert!(err.contains("exists, not overwritten"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("overview.svg")).unwrap(),
        "mine"
    );
    let (code, _, err) = cairn(&["graph", VTE, "--format", "svg", "-o", dir_arg, "--force"]);
    assert_eq!(code, 0, "{err}");
    parse_svg(&std::fs::read_to_string(dir.path().join("overview.svg")).unwrap());
    // A picture is readable by others, unlike the temporary file it was.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("treatment.svg"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644);
    }
    // One picture to a file.
    let file = dir.path().join("one.mmd");
    let file_arg = file.to_str().unwrap();
    let (code, _, err) = cairn(&["graph", CERVICAL, "--format", "mermaid", "-o", file_arg]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("flowchart TB"));
}

#[test]
fn cli_rejects_a_bad_case() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("bad.json");
    std::fs::write(&case, r#"{"facts": {"grade": "high"}}"#).unwrap();
    let (code, out, err) = cairn(&[
        "graph",
        RPS,
        "--case",
        case.to_str().unwrap(),
        "--error-format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("\"severity\":\"error\""), "{err}");
}

/// The `data-status` of every node of an SVG, by id.
fn statuses(svg: &str) -> Vec<(String, String)> {
    let doc = parse_svg(svg);
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("node"))
        .filter_map(|n| {
            Some((
                n.attribute("id")?.to_string(),
                n.attribute("data-status")?.to_string(),
            ))
        })
        .collect()
}

#[test]
fn a_classification_is_a_chain_with_the_branch_taken() {
    let options = Options {
        section: Some("determining_resectability".into()),
        ..Options::default()
    };
    let case = "guidelines/rps/cases/borderline_resectable_ddlps_trial_available.json";
    let p = with_case(RPS, case, &options, Format::Svg);
    let got = statuses(&p[0].text);
    let of = |id: &str| got.iter().find(|(k, _)| k == id).map(|(_, s)| s.as_str());
    assert_eq!(of("def_resectability"), Some("applies"));
    assert_eq!(of("then1_resectability"), Some("not_applicable"));
    assert_eq!(of("then2_resectability"), Some("applies"));
    assert_eq!(of("otherwise_resectability"), Some("not_applicable"));
    // The chain reads in the guideline's words, `yes` and `no`.
    let dot = &pictures(RPS, &options, Format::Dot)[0].text;
    assert!(
        dot.contains("when1_resectability [label=\"unresectable_findings?\""),
        "{dot}"
    );
    assert!(
        dot.contains("when1_resectability -> when2_resectability [label=\"no\"]"),
        "{dot}"
    );
    assert!(
        dot.contains("when2_resectability -> then2_resectability [label=\"yes\"]"),
        "{dot}"
    );
    // Without a case nothing is coloured.
    let plain = pictures(RPS, &options, Format::Svg);
    assert!(statuses(&plain[0].text).iter().all(|(_, s)| s == "none"));
}

#[test]
fn definitions_add_the_facts_and_definitions_conditions_read() {
    let options = Options {
        section: Some("treatment".into()),
        definitions: true,
        ..Options::default()
    };
    let dot = &pictures(VTE, &options, Format::Dot)[0].text;
    let dotted = |from: &str, to: &str| {
        dot.contains(&format!(
            "{from} -> {to} [style=dotted, color=\"#8c8c8c\", arrowhead=open];"
        ))
    };
    assert!(
        dotted("fact_serum_creatinine", "def_creatinine_clearance"),
        "{dot}"
    );
    assert!(dotted("def_confirmed", "sec_treatment"), "{dot}");
    assert!(
        dotted("fact_active_cancer", "rec_doac_in_active_cancer"),
        "{dot}"
    );
    // A definition read by several conditions is drawn once.
    assert_eq!(dot.matches("  def_established_renal_failure [").count(), 1);
    // Without the option there is no such layer.
    let plain = &pictures(
        VTE,
        &Options {
            definitions: false,
            ..options.clone()
        },
        Format::Dot,
    )[0]
    .text;
    assert!(!plain.contains("fact_"), "{plain}");
    // In SVG, rows reordered across sections get no section boxes.
    let svg = &pictures(VTE, &options, Format::Svg)[0].text;
    let doc = parse_svg(svg);
    assert!(doc
        .descendants()
        .all(|n| n.attribute("class") != Some("section")));
    assert!(doc
        .descendants()
        .any(|n| n.attribute("id") == Some("fact_serum_creatinine")));
    let boxed = pictures(
        VTE,
        &Options {
            definitions: false,
            ..options
        },
        Format::Svg,
    );
    assert!(parse_svg(&boxed[0].text)
        .descendants()
        .any(|n| n.attribute("id") == Some("cl_treatment")));
}

#[test]
fn direction_left_right() {
    let options = Options {
        direction: Direction::LeftRight,
        ..Options::default()
    };
    let dot = &pictures(CERVICAL, &options, Format::Dot)[0].text;
    assert!(dot.contains("rankdir=LR"), "{dot}");
    let mermaid = &pictures(CERVICAL, &options, Format::Mermaid)[0].text;
    assert!(mermaid.contains("\nflowchart LR\n"), "{mermaid}");
    // Laid out left to right, the picture is taller than wide.
    let svg = &pictures(CERVICAL, &options, Format::Svg)[0].text;
    let doc = parse_svg(svg);
    let w: f64 = doc
        .root_element()
        .attribute("width")
        .unwrap()
        .parse()
        .unwrap();
    let h: f64 = doc
        .root_element()
        .attribute("height")
        .unwrap()
        .parse()
        .unwrap();
    assert!(h > w, "{w}x{h}");
}

#[test]
fn the_readmes_picture_is_current() {
    let options = Options {
        section: Some("postsurgical_management".into()),
        ..Options::default()
    };
    let case = "guidelines/rps/cases/post_r2_feasibility_unknown.json";
    let p = with_case(RPS, case, &options, Format::Svg);
    let committed =
        std::fs::read_to_string(root().join("docs/flowchart-postsurgical-r2-case.svg")).unwrap();
    assert!(
        committed == p[0].text,
        "regenerate it: cairn graph {RPS} --section postsurgical_management --case {case} --format svg -o docs/flowchart-postsurgical-r2-case.svg --force"
    );
    let got = statuses(&committed);
    for status in ["applies", "undetermined", "not_applicable"] {
        assert!(
            got.iter().any(|(_, s)| s == status),
            "no {status} in the picture"
        );
    }
}
