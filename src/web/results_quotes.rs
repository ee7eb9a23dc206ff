//! Published quotes of coded open questions on the results page: each under its question, with the label
//! of its code. Only the masked text stored at publication is ever shown; raw answers stay staff-only.

use serde_json::{json, Value};

use crate::store::coding::QuoteRow;

/// Adds `quotes` (an empty list when none) to every question of a results page view.
pub fn add(view: &mut Value, quotes: &[QuoteRow]) {
    let Some(questions) = view.get_mut("questions").and_then(Value::as_array_mut) else {
        return;
    };
    for q in questions {
        let id = q["id"].as_str().unwrap_or_default().to_owned();
        let label = |code: &str| {
            q["options"]
                .as_array()
                .and_then(|o| o.iter().find(|o| o["code"] == code))
                .and_then(|o| o["label"].as_str())
                .unwrap_or(code)
                .to_owned()
        };
        let list: Vec<Value> = quotes
            .iter()
            .filter(|x| x.question_id == id)
            .map(|x| json!({"code": x.code, "label": label(&x.code), "masked": x.masked}))
            .collect();
        if let Some(obj) = q.as_object_mut() {
            obj.insert("quotes".into(), json!(list));
        }
    }
}
