//! The limits of the FHIRPath subset: deep nesting, long chains and long
//! expressions are diagnostics, never a stack overflow; huge resources
//! evaluate in linear time; work that grows faster (nested `where`s,
//! scanning a node of many keys, comparing long strings or big objects) is
//! stopped by the step limit, never a hang.

use cairn::fhir::path::Path;
use miette::Diagnostic;
use serde_json::{json, Value};

/// The result of `expr` on `resource` as JSON.
fn eval(expr: &str, resource: &Value) -> Value {
    let path = Path::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
    let items = path
        .evaluate(resource)
        .unwrap_or_else(|e| panic!("{expr}: {e}"));
    cairn::fhir::path::to_json(&items)
}

/// The code of the parse or evaluation error of `expr`.
fn code(expr: &str, resource: &Value) -> String {
    let e = match Path::parse(expr) {
        Err(e) => e,
        Ok(path) => match path.evaluate(resource) {
            Err(e) => e,
            Ok(items) => {
                let got = cairn::fhir::path::to_json(&items).to_string();
                panic!("{expr} gave {}", got.chars().take(200).collect::<String>())
            }
        },
    };
    e.code().map(|c| c.to_string()).unwrap_or_default()
}

const TOO_COSTLY: &str = "cairn::fhirpath::too_costly";

#[test]
fn deep_nesting_and_long_expressions_are_diagnostics_not_overflows() {
    // On a thread with the default stack of a spawned thread (2 MiB): the
    // parser and evaluator recurse once per nesting level, a few kilobytes
    // each in a debug build, so without the limits 100 000 levels overflow.
    let codes = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let code = |e: &str| {
                Path::parse(e)
                    .err()
                    .and_then(|e| e.code().map(|c| c.to_string()))
                    .unwrap_or_default()
            };
            let nested = |n: usize| format!("{}1{}", "(1 + ".repeat(n), ")".repeat(n));
            // The deepest nesting allowed parses and evaluates (each `(`
            // and each right operand is a level).
            let deepest = Path::parse(&nested(31)).unwrap();
            let value = deepest.evaluate(&Value::Null).unwrap()[0].to_json();
            // A chain as long as allowed is evaluated in a loop.
            let chain = Path::parse(&format!("1{}", " + 1".repeat(500))).unwrap();
            let sum = chain.evaluate(&Value::Null).unwrap()[0].to_json();
            let calls = format!(
                "{}true{}",
                "iif(true, ".repeat(100_000),
                ", 0)".repeat(100_000)
            );
            [
                code(&format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000))),
                code(&format!("{}1", "-".repeat(100_000))),
                code(&calls[..200_000]),
                code(&nested(100)),
                code(&format!("a{}", ".a".repeat(100_000))),
                code(&format!("1{}", "+1".repeat(100_000))),
                code(&format!("'{}'", "x".repeat(300_000))),
                value.to_string(),
                sum.to_string(),
            ]
        })
        .unwrap()
        .join()
        .unwrap();
    let deep = "cairn::fhirpath::too_deep";
    let tall = "cairn::fhirpath::too_tall";
    assert_eq!(
        codes,
        [
            deep,
            deep,
            deep,
            deep,
            tall,
            tall,
            "cairn::fhirpath::too_long",
            "32",
            "501"
        ]
    );
}

#[test]
fn a_huge_resource_evaluates_in_linear_time() {
    let entries: Vec<Value> = (0..50_000)
        .map(|i| json!({"code": {"text": format!("c{i}")}, "valueInteger": i}))
        .collect();
    let big = json!({"resourceType": "Observation", "component": entries});
    assert_eq!(eval("component.count()", &big), json!([50_000]));
    assert_eq!(
        eval("component.where(value = 49999).code.text", &big),
        json!(["c49999"])
    );
    // Sets are hashed: a union or `distinct` of 50 000 items is quick.
    for (expr, expected) in [
        (
            "(component.value | component.value).count()",
            json!([50_000]),
        ),
        ("component.code.text.distinct().count()", json!([50_000])),
        ("component.value.isDistinct()", json!([true])),
        (
            "component.value.intersect(component.value.take(3)).count()",
            json!([3]),
        ),
    ] {
        assert_eq!(eval(expr, &big), expected, "{expr}");
    }
    // Date-times too, each hashed by its precision and UTC parts.
    let times: Vec<Value> = (0..20_000)
        .map(|i| {
            let (day, hour, minute) = (i / 1440 + 1, i / 60 % 24, i % 60);
            json!({"valueDateTime": format!("2024-01-{day:02}T{hour:02}:{minute:02}:00+01:00")})
        })
        .collect();
    let times = json!({"resourceType": "Observation", "component": times});
    assert_eq!(
        eval("component.value.distinct().count()", &times),
        json!([20_000])
    );
}

#[test]
fn scanning_and_comparing_large_nodes_count_as_steps() {
    let components = Value::Array((0..300).map(Value::from).collect());
    // Looking for a choice element scans a node's keys.
    let keys: serde_json::Map<String, Value> =
        (0..20_000).map(|i| (format!("k{i}"), json!(i))).collect();
    let text = "x".repeat(512 * 1024);
    let node = json!({
        "resourceType": "Observation", "component": components, "big": keys, "text": text
    });
    assert_eq!(eval("big.k19999", &node), json!([19_999]));
    assert_eq!(eval("text.length()", &node), json!([512 * 1024]));
    // 300 scans of 20 000 keys, 300 comparisons of 512 KiB strings or of
    // objects of 20 000 keys: each over the limit.
    for expr in [
        "component.select(%resource.big.missing)",
        "component.select(%resource.text = %resource.text)",
        "component.select(%resource.text.lower())",
        "component.select(%resource.big = %resource.big)",
        "component.select(%resource.big | %resource.big)",
    ] {
        assert_eq!(code(expr, &node), TOO_COSTLY, "{expr}");
    }
}

#[test]
fn nested_wheres_hit_the_step_limit() {
    // Quadratic: 3 000 × 3 000 items.
    let entries: Vec<Value> = (0..3_000).map(|i| json!({"valueInteger": i})).collect();
    let wide = json!({"resourceType": "Observation", "component": entries});
    assert_eq!(
        code(
            "component.where(%resource.component.where(value = 3).exists()).count()",
            &wide
        ),
        TOO_COSTLY
    );
}
