//! One question row: its texts, parameters and type.

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn question(&mut self, row: &Row, words: &[&str]) {
        let kind_word = words.first().copied().unwrap_or("");
        if let Some(why) = unsupported_type(kind_word) {
            // Name the type as written too when it is one of pyxform's other spellings (`phone number`).
            let written = row
                .cell(self.cols.kind)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let what = match written.split(' ').next() {
                Some(first) if !first.eq_ignore_ascii_case(kind_word) => {
                    format!("'{written}' ({kind_word}) is not supported")
                }
                _ => format!("'{kind_word}' is not supported"),
            };
            self.report_type(row, &what, why);
            return;
        }
        let Some(id) = self.id_for(row) else { return };
        let name = row.cell(self.cols.name).to_owned();
        let appearance: Vec<String> = row
            .cell(self.cols.appearance)
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let params = self.parameters(row);
        let Some(mut kind) = self.kind(row, words, &appearance, &params) else {
            self.used_ids.remove(&id);
            return;
        };
        if let Some(why) = too_few_options(&kind) {
            self.report_type(row, &format!("question '{name}' has too few choices"), why);
            self.used_ids.remove(&id);
            return;
        }
        self.appearance(row, kind_word, &appearance);
        self.constraint(row, &mut kind);
        let text = match self.texts(&self.book.survey, row, "label") {
            Some(t) => t,
            None => {
                let col = self.book.survey.header(&["label"]);
                self.report(
                    "survey",
                    row.number,
                    &col,
                    format!("question '{name}' has no label"),
                    "a question needs a text to show; its name is used".into(),
                );
                Texts::from_pairs([(self.default_lang(), name.as_str())])
            }
        };
        self.piping(row, &text);
        let hint = self.texts(&self.book.survey, row, "hint");
        let required = !matches!(kind, QuestionKind::Info) && self.required(row);
        let mut conds: Vec<String> = self.groups.iter().filter_map(|g| g.cond.clone()).collect();
        conds.extend(self.own_condition(row, &name));
        self.check_columns(row, &[]);
        let var = Var {
            id: id.clone(),
            kind: VarKind::of(&kind),
        };
        let q = Question {
            id,
            kind,
            text,
            hint,
            required,
            show_if: translate::all_of(&conds).map(|c| Condition::new(&c)),
            track: None,
        };
        match self.pending_split.take() {
            Some(split) => {
                self.used_ids.remove(&q.id);
                self.place_split(q, &conds, split, &name, row.number);
            }
            None => {
                self.known.insert(name, var);
                self.place(q, row.number);
            }
        }
    }

    /// `${name}` inside a label: Opros texts do not show earlier answers.
    pub(super) fn piping(&mut self, row: &Row, text: &Texts) {
        let piped = text
            .languages()
            .find(|l| text.exact(l).is_some_and(|t| t.contains("${")));
        if let Some(lang) = piped {
            let col = self
                .book
                .survey
                .columns
                .iter()
                .find(|c| {
                    c.split().0 == "label" && c.split().1.and_then(langs::code).as_deref().is_none_or(|l| l == lang)
                })
                .map_or_else(|| "label".to_owned(), |c| c.header.clone());
            self.report(
                "survey",
                row.number,
                &col,
                "an answer inserted into the label (${…}) is not supported".into(),
                "Opros texts are fixed; the reference is shown as written".into(),
            );
        }
    }

    /// The `parameters` column as `key=value` pairs.
    pub(super) fn parameters(&mut self, row: &Row) -> BTreeMap<String, String> {
        let raw = row.cell(self.cols.parameters).to_owned();
        let mut out = BTreeMap::new();
        for part in raw.split(|c: char| c.is_whitespace() || c == ';' || c == ',') {
            if part.is_empty() {
                continue;
            }
            match part.split_once('=') {
                Some((k, v)) => {
                    out.insert(k.trim().to_lowercase(), v.trim().to_owned());
                }
                None => self.survey_report(
                    row.number,
                    &["parameters"],
                    Fail {
                        what: format!("the parameter '{part}' cannot be read"),
                        why: "parameters are written key=value, e.g. randomize=true".into(),
                    },
                ),
            }
        }
        out
    }

    pub(super) fn param_problem(&mut self, row: &Row, key: &str, why: &str) {
        self.survey_report(
            row.number,
            &["parameters"],
            Fail {
                what: format!("the parameter '{key}' is not supported"),
                why: why.to_owned(),
            },
        );
    }

    /// The question type and its settings.
    pub(super) fn kind(
        &mut self,
        row: &Row,
        words: &[&str],
        appearance: &[String],
        params: &BTreeMap<String, String>,
    ) -> Option<QuestionKind> {
        let first = words.first().copied().unwrap_or("");
        let known_params: &[&str] = match first {
            "select_one" | "select_multiple" | "rank" => &["randomize", "seed"],
            "range" => &["start", "end", "step"],
            _ => &[],
        };
        for key in params.keys() {
            if !known_params.contains(&key.as_str()) {
                let key = key.clone();
                self.param_problem(
                    row,
                    &key,
                    &format!("'{first}' questions have no parameter '{key}' in Opros"),
                );
            }
        }
        Some(match first {
            "select_one" | "select_multiple" | "rank" => self.select(row, words, appearance, params)?,
            "integer" | "int" => QuestionKind::Number(Number {
                min: None,
                max: None,
                integer: true,
                unit: None,
            }),
            "decimal" => QuestionKind::Number(Number {
                min: None,
                max: None,
                integer: false,
                unit: None,
            }),
            "range" => self.range(row, params),
            "text" | "string" => {
                // `rows` is the height of the text box: more than one line is a long answer.
                let rows = row
                    .cell(self.book.survey.column(&["rows"]))
                    .parse::<f64>()
                    .unwrap_or(0.0);
                QuestionKind::Text(Text {
                    long: appearance.iter().any(|a| a == "multiline") || rows > 1.0,
                    max_length: None,
                    codebook: None,
                })
            }
            // pyxform's whole-number types with built-in limits.
            "percentage" => whole_number(100.0),
            "days_in_last_month" => whole_number(31.0),
            "days_in_last_six_months" => whole_number(183.0),
            "days_in_last_year" => whole_number(365.0),
            "date" => QuestionKind::Date(DateQuestion { min: None, max: None }),
            "note" => QuestionKind::Info,
            other => {
                self.report_type(
                    row,
                    &format!("'{other}' is not supported"),
                    "it is not an XLSForm question type that Opros knows",
                );
                return None;
            }
        })
    }

    pub(super) fn range(&mut self, row: &Row, params: &BTreeMap<String, String>) -> QuestionKind {
        let mut get = |key: &str, default: f64| -> f64 {
            match params.get(key).map(|v| v.parse::<f64>()) {
                None => default,
                Some(Ok(v)) if v.is_finite() => v,
                Some(_) => {
                    self.param_problem(row, key, "its value is not a number; the XLSForm default is used");
                    default
                }
            }
        };
        // pyxform's defaults: start=1, end=10, step=1.
        let (start, end, step) = (get("start", 1.0), get("end", 10.0), get("step", 1.0));
        let whole = |x: f64| x.fract() == 0.0;
        if step != 1.0 {
            self.param_problem(
                row,
                "step",
                &format!(
                    "Opros numbers have a least and a greatest value but no step; step={} is not enforced",
                    crate::xlsform::sheet::number_text(step)
                ),
            );
        }
        QuestionKind::Number(Number {
            min: Some(start.min(end)),
            max: Some(start.max(end)),
            integer: whole(start) && whole(end) && whole(step),
            unit: None,
        })
    }
}

/// A whole number from 0 to `max`.
fn whole_number(max: f64) -> QuestionKind {
    QuestionKind::Number(Number {
        min: Some(0.0),
        max: Some(max),
        integer: true,
        unit: None,
    })
}
