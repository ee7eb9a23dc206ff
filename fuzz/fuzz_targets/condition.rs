//! The `show_if` / quota `when` expression parser: any text. Must give a syntax tree or a syntax error
//! with a column inside the text (or one past its end), never panic; a tree must survive type checking
//! against any kind of variable, evaluation on empty and non-empty answers, and conversion to the JSON
//! that `form.js` evaluates.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opros::definition::condition::{check, eval, parse, VarType};
use opros::definition::{Answer, Answers};
use opros::form::condjs::expr_json;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let expr = match parse(source) {
        Ok(e) => e,
        Err(e) => {
            let end = source.chars().count() + 1;
            assert!(
                e.column >= 1 && e.column <= end,
                "column {} outside 1..={end}",
                e.column
            );
            return;
        }
    };
    let codes = vec!["1".to_owned(), "a".to_owned(), "m".to_owned()];
    let types = [
        VarType::Codes {
            codes: codes.clone(),
            numeric: false,
        },
        VarType::Codes {
            codes: vec!["1".into(), "2".into()],
            numeric: true,
        },
        VarType::Multi { codes: codes.clone() },
        VarType::Matrix {
            rows: vec!["a".into(), "r".into()],
            codes,
        },
        VarType::Number,
        VarType::Text,
        VarType::Date,
        VarType::Info,
    ];
    for (i, _) in types.iter().enumerate() {
        // Each variable name gets a type by its length, so one expression meets several types at once.
        let resolve = |name: &str| Some(types[(name.len() + i) % types.len()].clone());
        let _ = check(&expr, &resolve);
    }
    let _ = check(&expr, &|_| None);
    let _ = eval(&expr, &Answers::default());
    let mut answers = Answers::new();
    for v in expr.variables() {
        let answer = match v.question.len() % 6 {
            0 => Answer::choice("a"),
            1 => Answer::choices(&["1", "m"]),
            2 => Answer::Number(2.0),
            3 => Answer::Text("a".into()),
            4 => Answer::Matrix([("a".to_owned(), "1".to_owned())].into_iter().collect()),
            _ => Answer::Scale("1".into()),
        };
        answers.insert(v.question.clone(), answer);
    }
    let _ = eval(&expr, &answers);
    let _ = expr_json(&expr).to_string();
});
