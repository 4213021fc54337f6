//! Quantity arithmetic with derived dimensions (issue 11): products,
//! quotients and integer powers of quantities, `weight in kg` and
//! `formula as mL/min`, a placeholder's `: unit` format, their layout in
//! `cairn fmt` and unit completion in the language server. The evaluation
//! rows are in `tests/conformance/derived.conf`; the checker's errors in
//! `tests/corpus/check/err_quantity_arithmetic.cairn`.

use super::lsp::{pos, Client};
use super::units::{checked, close, outcome, source};
use serde_json::Value;

const BMI: &str = r#"fact weight "Weight": quantity kg
fact height "Height": quantity cm
define bmi "BMI": quantity kg/m2 = weight / height ^ 2
define weight_kg "Weight in kg": number = weight in kg
define weight_again "Weight again": quantity kg = weight_kg as kg
inform r { statement "BMI {bmi:.1}, weight {weight:.1 [lb_av]}" }
"#;

fn derived(out: &cairn::Outcome, name: &str) -> Value {
    let json = serde_json::to_value(out).unwrap();
    json["derived"][name].clone()
}

#[test]
fn bmi_is_the_same_from_pounds_and_inches_as_from_kg_and_m() {
    let c = checked(BMI);
    let metric = outcome(&c, r#"{"weight": "45.359237 kg", "height": "1.524 m"}"#);
    let imperial = outcome(&c, r#"{"weight": "100 [lb_av]", "height": "60 [in_i]"}"#);
    let (a, b) = (derived(&metric, "bmi"), derived(&imperial, "bmi"));
    assert_eq!(a["unit"], "kg/m2");
    let (x, y) = (a["value"].as_f64().unwrap(), b["value"].as_f64().unwrap());
    assert!(close(x, y), "{a} {b}");
    assert!(close(x, 45.359237 / (1.524 * 1.524)), "{a}");
    // `in` and `as` are inverse: the amount in kg, and back.
    assert!(close(
        derived(&imperial, "weight_kg").as_f64().unwrap(),
        45.359237
    ));
    assert_eq!(derived(&imperial, "weight_again")["unit"], "kg");
    let statement = &imperial.recommendations[0].statement;
    assert_eq!(statement, "BMI 19.5 kg/m2, weight 100.0 [lb_av]");
}

#[test]
fn unit_conversions_lay_out_as_they_parse() {
    let text = source(
        "define a \"A\" =   (h ^ 2) in m2\n\
         define b \"B\" = ((w in kg) + 1) as kg\n\
         define c \"C\" = -(w in kg)\n\
         define d \"D\": bool = (5 as kg) < w and w in {x}\n",
    );
    let formatted = cairn::format::format_source("t.cairn", &text).unwrap();
    for line in [
        "define a \"A\" = (h ^ 2) in m2",
        "define b \"B\" = w in kg + 1 as kg",
        "define c \"C\" = -(w in kg)",
        "define d \"D\": bool = (5 as kg) < w and w in {x}",
    ] {
        assert!(formatted.contains(line), "{line}\n{formatted}");
    }
    let again = cairn::format::format_source("t.cairn", &formatted).unwrap();
    assert_eq!(again, formatted);
}

#[test]
fn units_complete_after_in_and_as() {
    let text = source(
        "fact w \"W\": quantity kg\ndefine a \"A\" = w in \ndefine b \"B\" = 2 as \n\
         define c \"C\": bool = w not in \n",
    );
    let mut client = Client::memory();
    client.open(&text);
    let labels = |client: &mut Client, after: &str| -> Vec<String> {
        let at = text.find(after).unwrap() + after.len();
        let items = client.at("textDocument/completion", pos(&text, at));
        items
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|i| i["label"].as_str().unwrap_or("").to_string())
            .collect()
    };
    for after in ["w in ", "2 as "] {
        let got = labels(&mut client, after);
        assert!(got.iter().any(|l| l == "mg/dL"), "{after}: {got:?}");
    }
    let set = labels(&mut client, "not in ");
    assert!(!set.iter().any(|l| l == "mg/dL"), "{set:?}");
    client.shutdown();
}
