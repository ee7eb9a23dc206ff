//! A row's appearance, `required`, `constraint` and `calculate` columns.

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn appearance(&mut self, row: &Row, kind: &str, appearance: &[String]) {
        for a in appearance {
            let why = match (kind, a.as_str()) {
                ("text", "multiline") | ("select_one", "likert") => continue,
                (_, a) if is_cosmetic(a) => continue,
                ("date", "month-year" | "year") => {
                    "Opros asks for a full date; a month or a year alone is not part of Opros"
                }
                (_, "ethiopian" | "coptic" | "islamic" | "bikram-sambat" | "myanmar" | "persian") => {
                    "Opros dates use the Gregorian calendar"
                }
                (_, a) if a.starts_with("search(") => {
                    "it reads choices from an attached CSV file; Opros forms have no attached files"
                }
                (_, "signature" | "draw" | "annotate") => "drawings are not part of Opros",
                (_, a) if a.starts_with("ex:") => "Opros forms run in a browser and do not launch other apps",
                (_, "counter") => "Opros has no counter widget; the question is an ordinary number",
                _ => "Opros has no such display",
            };
            self.survey_report(
                row.number,
                &["appearance"],
                Fail {
                    what: format!("the appearance '{a}' is not supported"),
                    why: why.to_owned(),
                },
            );
        }
    }

    pub(super) fn required(&mut self, row: &Row) -> bool {
        let v = row.cell(self.cols.required).to_lowercase();
        match v.as_str() {
            "" | "no" | "false" | "0" | "false()" => false,
            "yes" | "true" | "1" | "true()" => true,
            _ => {
                let raw = row.cell(self.cols.required).to_owned();
                self.survey_report(
                    row.number,
                    &["required"],
                    Fail {
                        what: format!("'{raw}' is not supported"),
                        why: "Opros questions are required or not; a condition for requiring an answer is not part of \
                          Opros (use relevant to show the question only when it applies)"
                            .into(),
                    },
                );
                false
            }
        }
    }

    pub(super) fn constraint(&mut self, row: &Row, kind: &mut QuestionKind) {
        let source = row.cell(self.cols.constraint).to_owned();
        if source.is_empty() {
            return;
        }
        let fails = match xpath::parse(&source) {
            Ok(e) => translate::constraint(&e, kind),
            Err(why) => vec![Fail {
                what: format!("'{source}' cannot be read"),
                why,
            }],
        };
        for f in fails {
            self.survey_report(row.number, &["constraint"], f);
        }
        let empty = match kind {
            QuestionKind::Number(n) => n.min.zip(n.max).is_some_and(|(a, b)| a > b),
            QuestionKind::Date(d) => d.min.zip(d.max).is_some_and(|(a, b)| a > b),
            QuestionKind::MultipleChoice(m) => {
                let n = m.options.len() + usize::from(m.other.is_some());
                m.max_choices.is_some_and(|x| x == 0 || x > n)
                    || m.min_choices.is_some_and(|x| x > m.max_choices.unwrap_or(n))
            }
            _ => false,
        };
        if empty {
            self.survey_report(row.number, &["constraint"], Fail {
                what: format!("'{source}' allows no answer"),
                why: "its limits contradict each other (or the range parameters, or the number of choices); they are dropped".into(),
            });
            clear_limits(kind);
        }
    }

    // -----------------------------------------------------------------------------------------------------
    // Calculations

    pub(super) fn calculate(&mut self, row: &Row) {
        let name = row.cell(self.cols.name).to_owned();
        let source = row.cell(self.cols.calculation).to_owned();
        let parsed = xpath::parse(&source).map_err(|why| Fail {
            what: format!("'{source}' cannot be read"),
            why,
        });
        let result = parsed.and_then(|e| translate::derived(&e, &self.scope(&name, row.number)));
        let parts = match result {
            Ok(p) => p,
            Err(f) => {
                self.survey_report(row.number, &["calculation"], f);
                return;
            }
        };
        let Some(id) = self.id_for(row) else { return };
        let label = self.texts(&self.book.survey, row, "label");
        let derived = Derived {
            id: id.clone(),
            from: parts.from,
            label,
            rule: parts.rule,
        };
        self.known.insert(
            name,
            Var {
                id,
                kind: VarKind::Choice {
                    codes: derived.codes().into_iter().map(str::to_owned).collect(),
                    scale: false,
                },
            },
        );
        self.derived.push((derived, row.number));
    }
}
