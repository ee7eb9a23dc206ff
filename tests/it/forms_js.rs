//! `static/form.js` evaluates `show_if` conditions in the browser; it must agree with the server's
//! `condition::eval`. Every condition of the example surveys (and a few written for the edge cases) is
//! evaluated on many random answer sets in Rust and, through Node, in the script. Needs `node`: ignored
//! unless asked for (`--include-ignored`), and failing without it.

use std::process::Command;

use crate::forms_support;
use opros::definition::{condition, derived, parse_definition, Answers, Condition, Definition, QuestionKind};
use opros::form::condjs::{answer_json, expr_json};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

fn definitions() -> Vec<Definition> {
    let mut defs: Vec<Definition> = ["transport.yaml", "healthcare.yaml", "housing.yaml"]
        .iter()
        .map(|name| {
            let path = format!("{}/surveys/{name}", env!("CARGO_MANIFEST_DIR"));
            parse_definition(&std::fs::read_to_string(path).unwrap(), name).unwrap()
        })
        .collect();
    defs.push(parse_definition(forms_support::FORMTEST, "formtest.yaml").unwrap());
    defs
}

/// Conditions on the test survey for the rules on unanswered questions, `not`, numbers and dates.
const EDGE_CASES: &[&str] = &[
    "sex != 'm'",
    "not (sex == 'm')",
    "age >= 30 and age < 60",
    "18 < age",
    "age in [18, 30, 42]",
    "sex not in ['f']",
    "count(pets) >= 2 or answered(cat_name)",
    "selected(pets, 'none')",
    "sat <= 2",
    "sat == 'dk'",
    "sat in [1, 2]",
    "grid.a >= 2 and not answered(grid.b)",
    "visit >= '2025-01-01'",
    "visit < '2022-06-30'",
    "count(prio) == 3",
    "selected(prio, 'x')",
    "cat_name == 'x'",
    "cat_name != 'x'",
];

#[test]
#[ignore = "needs node (apt-get install nodejs) and --include-ignored (README, Tests)"]
fn script_and_server_agree_on_every_condition() {
    if Command::new("node").arg("--version").output().is_err() {
        panic!("node is not installed, and this test runs static/form.js in it: apt-get install nodejs");
    }
    let mut cases: Vec<Value> = Vec::new();
    let mut rng = StdRng::seed_from_u64(20261129);
    for def in definitions() {
        let mut conditions: Vec<Condition> = def.questions().filter_map(|(_, q)| q.show_if.clone()).collect();
        if def.slug == "formtest" {
            conditions.extend(EDGE_CASES.iter().map(|s| Condition::new(s)));
        }
        for cond in &conditions {
            let expr = cond.expr().unwrap_or_else(|| panic!("{} parses", cond.source()));
            for _ in 0..150 {
                let mut answers = Answers::new();
                for (_, q) in def.questions() {
                    if matches!(q.kind, QuestionKind::Info) {
                        continue;
                    }
                    // Answer some questions, leave others unanswered.
                    if rng.random_bool(0.8) {
                        if let Some(a) = forms_support::random_answer(&mut rng, q) {
                            answers.insert(q.id.clone(), a);
                        }
                    }
                }
                let full = derived::with_derived(&def, &answers);
                let expected = condition::eval(expr, &full);
                let vars: serde_json::Map<String, Value> =
                    full.iter().map(|(k, a)| (k.clone(), answer_json(a))).collect();
                cases.push(json!({"src": cond.source(), "expr": expr_json(expr), "vars": vars, "expected": expected}));
            }
        }
    }
    let trues = cases.iter().filter(|c| c["expected"] == true).count();
    assert!(
        trues > cases.len() / 10 && trues < cases.len() * 9 / 10,
        "both outcomes are exercised: {trues}/{}",
        cases.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("cases.json");
    std::fs::write(&data, serde_json::to_string(&cases).unwrap()).unwrap();
    let script = format!(
        "const m = require({js:?}); const cases = require({data:?}); let bad = [];
         for (const c of cases) {{ const got = m.evaluate(c.expr, c.vars);
           if (got !== c.expected) bad.push({{src: c.src, vars: c.vars, expected: c.expected, got}}); }}
         console.log(JSON.stringify({{n: cases.length, bad: bad.slice(0, 5), nbad: bad.length}}));",
        js = format!("{}/static/form.js", env!("CARGO_MANIFEST_DIR")),
        data = data.display().to_string(),
    );
    let out = Command::new("node").arg("-e").arg(script).output().unwrap();
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["n"].as_u64().unwrap() as usize, cases.len());
    assert_eq!(result["nbad"], 0, "script disagrees with the server: {}", result["bad"]);
}
