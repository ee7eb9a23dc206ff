//! Writing the converted form as Opros YAML, in the style of the hand-written definitions in `surveys/`
//! (options in flow style, one per line), with the survey row of each question as a comment so that the
//! YAML can be checked against the spreadsheet.
//!
//! Texts are written as JSON strings, which YAML reads as double-quoted scalars: any text is safe.

use std::fmt::Write as _;

use super::build::Form;
use super::error::Unsupported;
use crate::definition::{AnswerOption, Derived, DerivedRule, Question, QuestionKind, Texts};

/// The YAML text of a converted form.
///
/// What was left out (lenient mode) is listed in comments at the top, so that whoever edits the YAML
/// sees what to add by hand.
pub(crate) fn write(form: &Form, file: &str, left_out: &[Unsupported]) -> String {
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# Converted from {} by the Opros XLSForm importer; \"row\" comments are rows of its survey sheet.",
        one_line(file)
    );
    if !left_out.is_empty() {
        y.push_str("# Left out:\n");
        for item in left_out {
            let _ = writeln!(y, "#   {}", one_line(&item.to_string()));
        }
    }
    let _ = writeln!(y, "slug: {}", scalar(&form.slug));
    let _ = writeln!(y, "title: {}", texts(&form.title));
    let _ = writeln!(y, "topic: {}", scalar(&form.topic));
    let langs: Vec<String> = form.languages.iter().map(|l| scalar(l)).collect();
    let _ = writeln!(y, "languages: [{}]", langs.join(", "));
    y.push_str("pages:\n");
    for page in &form.pages {
        let _ = writeln!(y, "  - id: {}", scalar(&page.id));
        if let Some(t) = &page.title {
            let _ = writeln!(y, "    title: {}", texts(t));
        }
        y.push_str("    questions:\n");
        for (q, row) in &page.questions {
            question(&mut y, q, *row);
        }
    }
    if !form.derived.is_empty() {
        y.push_str("derived:\n");
        for (d, row) in &form.derived {
            derived(&mut y, d, *row);
        }
    }
    y
}

/// Keeps a file name from breaking out of its comment line.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// A code or id: bare when it is a plain word YAML cannot mistake for anything else, else quoted.
fn scalar(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(
            s.to_lowercase().as_str(),
            "y" | "yes" | "n" | "no" | "true" | "false" | "on" | "off" | "null"
        );
    if plain {
        s.to_owned()
    } else {
        quoted(s)
    }
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

fn texts(t: &Texts) -> String {
    let parts: Vec<String> = t
        .languages()
        .map(|l| format!("{}: {}", scalar(l), quoted(t.exact(l).unwrap_or(""))))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

fn option(o: &AnswerOption) -> String {
    let mut s = format!("{{code: {}, label: {}", scalar(&o.code), texts(&o.label));
    if o.anchored {
        s.push_str(", anchored: true");
    }
    if o.exclusive {
        s.push_str(", exclusive: true");
    }
    s.push('}');
    s
}

fn options(y: &mut String, key: &str, opts: &[AnswerOption]) {
    let _ = writeln!(y, "        {key}:");
    for o in opts {
        let _ = writeln!(y, "          - {}", option(o));
    }
}

fn number(x: f64) -> String {
    super::sheet::number_text(x)
}

fn question(y: &mut String, q: &Question, row: usize) {
    let _ = writeln!(y, "      - id: {}  # row {row}", scalar(&q.id));
    let _ = writeln!(y, "        type: {}", q.kind.name());
    let _ = writeln!(y, "        text: {}", texts(&q.text));
    if let Some(h) = &q.hint {
        let _ = writeln!(y, "        hint: {}", texts(h));
    }
    if q.required {
        y.push_str("        required: true\n");
    }
    kind(y, &q.kind);
    if let Some(c) = &q.show_if {
        let _ = writeln!(y, "        show_if: {}", quoted(c.source()));
    }
}

fn flag(y: &mut String, key: &str, on: bool) {
    if on {
        let _ = writeln!(y, "        {key}: true");
    }
}

fn kind(y: &mut String, k: &QuestionKind) {
    k.as_type().write_yaml(&mut SettingsYaml(y));
}

/// Writes one question's settings (see [`crate::question::QuestionType::write_yaml`]), eight spaces in.
pub(crate) struct SettingsYaml<'a>(&'a mut String);

impl SettingsYaml<'_> {
    /// `key: true`, only when on.
    pub fn flag(&mut self, key: &str, on: bool) {
        flag(self.0, key, on);
    }

    /// A list of options, one per line.
    pub fn options(&mut self, key: &str, opts: &[AnswerOption]) {
        options(self.0, key, opts);
    }

    /// One option (`other`, `hard_to_say`).
    pub fn option(&mut self, key: &str, o: &AnswerOption) {
        let _ = writeln!(self.0, "        {key}: {}", option(o));
    }

    /// A value written as it prints (whole numbers, dates).
    pub fn value(&mut self, key: &str, v: impl std::fmt::Display) {
        let _ = writeln!(self.0, "        {key}: {v}");
    }

    /// A number written as XLSForm sheets write it.
    pub fn number(&mut self, key: &str, x: f64) {
        self.value(key, number(x));
    }

    /// Texts in every language.
    pub fn texts(&mut self, key: &str, t: &Texts) {
        self.value(key, texts(t));
    }
}

fn derived(y: &mut String, d: &Derived, row: usize) {
    let _ = writeln!(y, "  - id: {}  # row {row}", scalar(&d.id));
    let _ = writeln!(y, "    from: {}", scalar(&d.from));
    if let Some(l) = &d.label {
        let _ = writeln!(y, "    label: {}", texts(l));
    }
    match &d.rule {
        DerivedRule::Bins(bins) => {
            y.push_str("    bins:\n");
            for b in bins {
                let mut s = format!("{{code: {}", scalar(&b.code));
                if let Some(x) = b.min {
                    let _ = write!(s, ", min: {}", number(x));
                }
                if let Some(x) = b.max {
                    let _ = write!(s, ", max: {}", number(x));
                }
                if let Some(l) = &b.label {
                    let _ = write!(s, ", label: {}", texts(l));
                }
                let _ = writeln!(y, "      - {s}}}");
            }
        }
        DerivedRule::Groups(groups) => {
            y.push_str("    groups:\n");
            for (name, codes) in groups.iter() {
                let codes: Vec<String> = codes.iter().map(|c| scalar(&c.0)).collect();
                let _ = writeln!(y, "      {}: [{}]", scalar(name), codes.join(", "));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_that_yaml_would_misread_are_quoted() {
        assert_eq!(scalar("sex"), "sex");
        assert_eq!(scalar("18-29"), "\"18-29\"");
        assert_eq!(scalar("1"), "\"1\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("No"), "\"No\"");
        assert_eq!(scalar("a b"), "\"a b\"");
        assert_eq!(scalar(""), "\"\"");
    }
}
