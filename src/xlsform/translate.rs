//! Translating XLSForm expressions into Opros terms: `relevant` into a `show_if` condition, `constraint`
//! into the limits of a question, `calculation` into a derived variable.
//!
//! # Semantics kept
//! XPath compares an unanswered question as the empty text `''`, which Opros conditions treat as
//! "unanswered: every comparison is false". The two agree on `=`, `<`, `<=`, `>`, `>=`, `selected()` and
//! `count-selected()` (XPath turns `''` into NaN in a numeric comparison, which is false), but not on `!=`:
//! `${q} != 'a'` is true in XPath when `q` is unanswered. So `!=` becomes `not (q == 'a')`, which is true
//! for an unanswered `q` in Opros too. A whole `select_multiple` answer compared with `=` is the
//! space-separated list of codes, so `${m} = 'a'` means "exactly a": `selected(m, 'a') and count(m) == 1`.
//! `${q} = ''` / `${q} != ''` become `not answered(q)` / `answered(q)`, and `string-length(${q})` compared
//! with 0 or 1 does the same. An order comparison of a `select_one` with a number (`${q} > 2`) compares
//! the numeric codes: it becomes `q in [...]` listing the codes for which it holds.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};

use super::sheet::number_text;
use super::xpath::{XExpr, XOp};
use crate::definition::condition::{self, VarType};
use crate::definition::{Bin, DerivedRule, GroupCode, OrderedMap, QuestionKind};

/// A part of an expression that cannot be converted: what it is and why.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fail {
    pub what: String,
    pub why: String,
}

pub(crate) fn fail<T>(what: impl Into<String>, why: impl Into<String>) -> Result<T, Fail> {
    Err(Fail {
        what: what.into(),
        why: why.into(),
    })
}

/// What a question or calculation is, as far as expressions are concerned.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum VarKind {
    /// One code: select_one (`scale: false`), a likert scale (`scale: true`) or a derived variable.
    Choice {
        codes: Vec<String>,
        scale: bool,
    },
    /// Several codes: select_multiple or rank.
    Multi {
        codes: Vec<String>,
    },
    Number {
        integer: bool,
    },
    Text,
    Date,
    Info,
}

impl VarKind {
    pub fn of(kind: &QuestionKind) -> VarKind {
        let codes = |o: &[crate::definition::AnswerOption], extra: Option<&crate::definition::AnswerOption>| {
            o.iter().chain(extra).map(|o| o.code.clone()).collect()
        };
        match kind {
            QuestionKind::SingleChoice(c) => VarKind::Choice {
                codes: codes(&c.options, c.other.as_ref()),
                scale: false,
            },
            QuestionKind::Scale(s) => VarKind::Choice {
                codes: codes(&s.points, s.hard_to_say.as_ref()),
                scale: true,
            },
            QuestionKind::MultipleChoice(c) => VarKind::Multi {
                codes: codes(&c.options, c.other.as_ref()),
            },
            QuestionKind::Ranking(r) => VarKind::Multi {
                codes: codes(&r.options, None),
            },
            QuestionKind::Number(n) => VarKind::Number { integer: n.integer },
            QuestionKind::Text(_) => VarKind::Text,
            QuestionKind::Date(_) => VarKind::Date,
            // No XLSForm type becomes a constant sum; like a matrix it has no single value to compare.
            QuestionKind::Matrix(_) | QuestionKind::ConstantSum(_) | QuestionKind::Info => VarKind::Info,
        }
    }

    /// The type the Opros condition checker gives the same variable.
    pub fn var_type(&self) -> VarType {
        match self {
            VarKind::Choice { codes, scale } => VarType::Codes {
                codes: codes.clone(),
                numeric: *scale,
            },
            VarKind::Multi { codes } => VarType::Multi { codes: codes.clone() },
            VarKind::Number { .. } => VarType::Number,
            VarKind::Text => VarType::Text,
            VarKind::Date => VarType::Date,
            VarKind::Info => VarType::Info,
        }
    }
}

/// A variable an expression may use: its Opros id and kind.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Var {
    pub id: String,
    pub kind: VarKind,
}

/// Resolves `${name}` references (the builder knows the form order and what was imported).
pub(crate) trait Lookup {
    /// The variable `${name}` refers to, or why it cannot be used here.
    fn lookup(&self, name: &str) -> Result<Var, Fail>;
    /// The type of an Opros id (for the final check with the Opros condition checker).
    fn var_type(&self, id: &str) -> Option<VarType>;
}

// ---------------------------------------------------------------------------------------------------------
// Conditions (relevant → show_if)

/// A condition under construction; rendered with the parentheses Opros precedence needs.
#[derive(Debug, Clone)]
enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Atom(String),
}

impl Cond {
    fn not(c: Cond) -> Cond {
        Cond::Not(Box::new(c))
    }

    fn render(&self) -> String {
        match self {
            Cond::Atom(a) => a.clone(),
            Cond::Not(inner) => match inner.as_ref() {
                Cond::Atom(a) if a.ends_with(')') && !a.contains(' ') => format!("not {a}"),
                c => format!("not ({})", c.render()),
            },
            Cond::And(items) => items
                .iter()
                .map(|c| match c {
                    Cond::Or(_) => format!("({})", c.render()),
                    c => c.render(),
                })
                .collect::<Vec<_>>()
                .join(" and "),
            // `and` binds tighter than `or`; the parentheses are for the reader.
            Cond::Or(items) => items
                .iter()
                .map(|c| match c {
                    Cond::And(_) => format!("({})", c.render()),
                    c => c.render(),
                })
                .collect::<Vec<_>>()
                .join(" or "),
        }
    }
}

/// A text literal in Opros syntax.
pub(crate) fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn opros_op(op: XOp) -> &'static str {
    match op {
        XOp::Eq => "==",
        other => other.symbol(),
    }
}

/// Translates a `relevant` expression into an Opros condition, checked with the Opros condition checker.
pub(crate) fn condition(e: &XExpr, cx: &dyn Lookup) -> Result<String, Fail> {
    let text = boolean(e, cx)?.render();
    let checked = condition::parse(&text).map_err(|err| err.to_string()).and_then(|expr| {
        let problems = condition::check(&expr, &|id| cx.var_type(id));
        match problems.is_empty() {
            true => Ok(()),
            false => Err(problems.join("; ")),
        }
    });
    match checked {
        Ok(()) => Ok(text),
        Err(why) => fail(format!("'{e}' (as '{text}') is not accepted"), why),
    }
}

/// Concatenates the conditions of enclosing groups and a question (each already rendered).
pub(crate) fn all_of(conds: &[String]) -> Option<String> {
    match conds {
        [] => None,
        [one] => Some(one.clone()),
        many => Some(
            many.iter()
                .map(|c| {
                    // `or` binds looser than `and`: keep each part whole.
                    if condition::parse(c).is_ok_and(|e| matches!(e, condition::Expr::Or(..))) {
                        format!("({c})")
                    } else {
                        c.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" and "),
        ),
    }
}

fn boolean(e: &XExpr, cx: &dyn Lookup) -> Result<Cond, Fail> {
    match e {
        XExpr::Or(a, b) => Ok(flatten(Cond::Or(vec![boolean(a, cx)?, boolean(b, cx)?]))),
        XExpr::And(a, b) => Ok(flatten(Cond::And(vec![boolean(a, cx)?, boolean(b, cx)?]))),
        XExpr::Cmp(op, a, b) => compare(*op, a, b, cx),
        XExpr::Call(name, args) => match (name.as_str(), args.as_slice()) {
            ("not", [inner]) => Ok(Cond::not(boolean(inner, cx)?)),
            ("selected", [target, code]) => selected(target, code, cx),
            _ => Err(unsupported_call(name)),
        },
        XExpr::Ref(n) => fail(
            format!("'${{{n}}}' alone is not supported"),
            format!("compare it with a value, e.g. ${{{n}}} = 'yes' or ${{{n}}} != ''"),
        ),
        other => Err(unsupported_operand(other)),
    }
}

/// Merges nested `and`s (and nested `or`s) into one list.
fn flatten(c: Cond) -> Cond {
    match c {
        Cond::And(items) => Cond::And(
            items
                .into_iter()
                .flat_map(|i| match i {
                    Cond::And(inner) => inner,
                    other => vec![other],
                })
                .collect(),
        ),
        Cond::Or(items) => Cond::Or(
            items
                .into_iter()
                .flat_map(|i| match i {
                    Cond::Or(inner) => inner,
                    other => vec![other],
                })
                .collect(),
        ),
        other => other,
    }
}

/// Why a function is outside the supported subset.
pub(crate) fn unsupported_call(name: &str) -> Fail {
    let why = match name {
        "pulldata" => "it reads values from a CSV file attached to the form; Opros forms have no attached files",
        "once" => "it freezes a calculated value; Opros has no calculated answers",
        "jr:choice-name" => "it gives the label of an option; Opros conditions compare option codes",
        "today" | "now" => "conditions and limits on the current date or time are not part of Opros",
        "indexed-repeat" | "position" | "count" | "sum" | "max" | "min" => {
            "it works on repeat groups, which are not part of Opros"
        }
        "regex" => "Opros has no pattern checks for texts",
        "true" | "false" => "a condition that is always true or always false: remove it, or remove the question",
        "instance" => "it reads a secondary instance (an attached file or a choice list); Opros conditions use answers only",
        _ => "Opros conditions have comparisons, and, or, not(), selected(), count-selected() and string-length() compared with 0; nothing else",
    };
    Fail {
        what: format!("'{name}()' is not supported"),
        why: why.to_owned(),
    }
}

fn unsupported_operand(e: &XExpr) -> Fail {
    let why = match e {
        XExpr::Arith(..) | XExpr::Neg(_) => "Opros conditions have no arithmetic (+, -, *, div, mod) and no '|'",
        XExpr::Dot => "'.' (the question itself) only has a meaning in a constraint",
        XExpr::Path(_) => "refer to questions as ${name}; XPath paths are not supported",
        XExpr::Call(name, _) => return unsupported_call(name),
        _ => "it is not a condition: compare a question with a value",
    };
    Fail {
        what: format!("'{e}' is not supported"),
        why: why.to_owned(),
    }
}

/// A literal value: text (also `date('…')`) or number.
#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Str(String),
    Num(f64),
}

impl Lit {
    fn number(&self) -> Option<f64> {
        match self {
            Lit::Num(n) => Some(*n),
            Lit::Str(s) => s.trim().parse().ok().filter(|n: &f64| n.is_finite()),
        }
    }

    fn code(&self) -> String {
        match self {
            Lit::Num(n) => number_text(*n),
            Lit::Str(s) => s.clone(),
        }
    }

    fn date(&self) -> Option<NaiveDate> {
        match self {
            Lit::Str(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
            Lit::Num(_) => None,
        }
    }
}

fn literal(e: &XExpr) -> Option<Lit> {
    match e {
        XExpr::Str(s) => Some(Lit::Str(s.clone())),
        XExpr::Num(n) => Some(Lit::Num(*n)),
        XExpr::Call(name, args) if name == "date" => match args.as_slice() {
            [XExpr::Str(s)] => Some(Lit::Str(s.clone())),
            _ => None,
        },
        _ => None,
    }
}

/// One side of a comparison.
enum Side {
    Var(Var),
    /// `count-selected(${q})`.
    Count(Var),
    /// `string-length(${q})`.
    Len(Var),
    Lit(Lit),
}

fn side(e: &XExpr, cx: &dyn Lookup) -> Result<Side, Fail> {
    if let Some(lit) = literal(e) {
        return Ok(Side::Lit(lit));
    }
    match e {
        XExpr::Ref(n) => Ok(Side::Var(cx.lookup(n)?)),
        XExpr::Call(name, args) => match (name.as_str(), args.as_slice()) {
            ("count-selected", [XExpr::Ref(n)]) => {
                let v = cx.lookup(n)?;
                match v.kind {
                    VarKind::Multi { .. } => Ok(Side::Count(v)),
                    _ => fail(
                        format!("'{e}' is not supported"),
                        format!("count-selected() needs a select_multiple or rank question; ${{{n}}} is not one"),
                    ),
                }
            }
            ("string-length", [XExpr::Ref(n)]) => Ok(Side::Len(cx.lookup(n)?)),
            _ => Err(unsupported_call(name)),
        },
        other => Err(unsupported_operand(other)),
    }
}

fn compare(op: XOp, l: &XExpr, r: &XExpr, cx: &dyn Lookup) -> Result<Cond, Fail> {
    let whole = XExpr::Cmp(op, Box::new(l.clone()), Box::new(r.clone()));
    let (ls, rs) = (side(l, cx)?, side(r, cx)?);
    let (op, var, other) = match (ls, rs) {
        (Side::Lit(_), Side::Lit(_)) => {
            return fail(
                format!("'{whole}' is not supported"),
                "it compares two fixed values and does not depend on any answer",
            )
        }
        (Side::Lit(lit), v) => (op.flipped(), v, Side::Lit(lit)),
        (v, o) => (op, v, o),
    };
    match (var, other) {
        (Side::Var(v), Side::Lit(Lit::Str(s))) if s.is_empty() => empty_test(op, &v, &whole),
        (Side::Len(v), Side::Lit(lit)) => length_test(op, &v, &lit, &whole),
        (Side::Count(v), Side::Lit(lit)) => match lit.number() {
            Some(n) => Ok(Cond::Atom(format!(
                "count({}) {} {}",
                v.id,
                opros_op(op),
                number_text(n)
            ))),
            None => fail(
                format!("'{whole}' is not supported"),
                "count-selected() is a number: compare it with a number",
            ),
        },
        (Side::Var(v), Side::Lit(lit)) => var_lit(op, &v, &lit, &whole),
        (Side::Var(a), Side::Var(b)) => var_var(op, &a, &b, &whole),
        _ => fail(
            format!("'{whole}' is not supported"),
            "Opros conditions compare one question with a value (or two numbers, or two dates)",
        ),
    }
}

fn eq_or_not(op: XOp, eq: Cond) -> Cond {
    match op {
        XOp::Ne => Cond::not(eq),
        _ => eq,
    }
}

/// `${q} = ''` and `${q} != ''`.
fn empty_test(op: XOp, v: &Var, whole: &XExpr) -> Result<Cond, Fail> {
    let answered = Cond::Atom(format!("answered({})", v.id));
    match op {
        XOp::Eq => Ok(Cond::not(answered)),
        XOp::Ne => Ok(answered),
        _ => fail(
            format!("'{whole}' is not supported"),
            "an order comparison with an empty text is always false",
        ),
    }
}

/// `string-length(${q})` against a number: only "empty or not" is expressible (answers are never empty).
fn length_test(op: XOp, v: &Var, lit: &Lit, whole: &XExpr) -> Result<Cond, Fail> {
    let no = || {
        fail(
            format!("'{whole}' is not supported"),
            "Opros conditions cannot measure the length of a text; only string-length(…) > 0 (answered) and \
             string-length(…) = 0 (unanswered) can be converted",
        )
    };
    let Some(n) = lit.number() else { return no() };
    let holds = |len: f64| op.test(len.total_cmp(&n));
    let (at_zero, at_one) = (holds(0.0), holds(1.0));
    // The result must be the same for every length >= 1 (an answer is never empty).
    if n > 1.0 || at_one != holds(2.0) || at_one != holds(1e12) || at_zero == at_one {
        return no();
    }
    let answered = Cond::Atom(format!("answered({})", v.id));
    Ok(if at_one { answered } else { Cond::not(answered) })
}

fn find_code(codes: &[String], lit: &Lit) -> Option<String> {
    let wanted = lit.code();
    codes.iter().find(|c| **c == wanted).cloned().or_else(|| {
        let n = lit.number()?;
        codes
            .iter()
            .find(|c| c.trim().parse::<f64>().is_ok_and(|x| x == n))
            .cloned()
    })
}

fn no_choice(v: &Var, lit: &Lit, codes: &[String], whole: &XExpr) -> Fail {
    Fail {
        what: format!("'{whole}' is not supported"),
        why: format!(
            "'{}' is not a choice of ${{{}}} (choices: {})",
            lit.code(),
            v.id,
            codes.join(", ")
        ),
    }
}

fn var_lit(op: XOp, v: &Var, lit: &Lit, whole: &XExpr) -> Result<Cond, Fail> {
    let id = &v.id;
    let bad = |why: &str| fail(format!("'{whole}' is not supported"), why);
    match &v.kind {
        VarKind::Choice { codes, scale } => match op {
            XOp::Eq | XOp::Ne => {
                let code = find_code(codes, lit).ok_or_else(|| no_choice(v, lit, codes, whole))?;
                Ok(eq_or_not(op, Cond::Atom(format!("{id} == {}", quote(&code)))))
            }
            _ => {
                let Some(n) = lit.number() else {
                    return bad("an order comparison with a text is always false in XLSForm");
                };
                if *scale {
                    return Ok(Cond::Atom(format!("{id} {} {}", opros_op(op), number_text(n))));
                }
                // XPath compares the codes as numbers; codes that are not numbers never match.
                let matching: Vec<String> = codes
                    .iter()
                    .filter(|c| c.trim().parse::<f64>().is_ok_and(|x| op.test(x.total_cmp(&n))))
                    .map(|c| quote(c))
                    .collect();
                Ok(Cond::Atom(format!("{id} in [{}]", matching.join(", "))))
            }
        },
        VarKind::Multi { codes } => {
            if !matches!(op, XOp::Eq | XOp::Ne) {
                return bad("a select_multiple answer is a list: use selected() or count-selected()");
            }
            let mut parts = Vec::new();
            let text = lit.code();
            let items: Vec<&str> = text.split_whitespace().collect();
            for item in &items {
                let code = find_code(codes, &Lit::Str((*item).to_owned()))
                    .ok_or_else(|| no_choice(v, &Lit::Str((*item).to_owned()), codes, whole))?;
                parts.push(Cond::Atom(format!("selected({id}, {})", quote(&code))));
            }
            parts.push(Cond::Atom(format!("count({id}) == {}", items.len())));
            Ok(eq_or_not(op, Cond::And(parts)))
        }
        VarKind::Number { .. } => match lit.number() {
            Some(n) => Ok(ordered(op, id, &number_text(n))),
            None => bad("it compares a number question with a text"),
        },
        VarKind::Text => match (op, lit) {
            (XOp::Eq | XOp::Ne, Lit::Str(s)) => Ok(eq_or_not(op, Cond::Atom(format!("{id} == {}", quote(s))))),
            _ => bad("a text answer can only be compared with a text using = or !="),
        },
        VarKind::Date => match lit.date() {
            Some(d) => Ok(ordered(op, id, &quote(&d.to_string()))),
            None => bad("a date question is compared with a date written 'YYYY-MM-DD' or date('YYYY-MM-DD')"),
        },
        VarKind::Info => bad("a note has no answer"),
    }
}

/// `id op value`, with `!=` as `not (id == value)` (see the module docs).
fn ordered(op: XOp, id: &str, value: &str) -> Cond {
    match op {
        XOp::Ne => Cond::not(Cond::Atom(format!("{id} == {value}"))),
        _ => Cond::Atom(format!("{id} {} {value}", opros_op(op))),
    }
}

fn var_var(op: XOp, a: &Var, b: &Var, whole: &XExpr) -> Result<Cond, Fail> {
    match (&a.kind, &b.kind) {
        (VarKind::Number { .. }, VarKind::Number { .. }) | (VarKind::Date, VarKind::Date) => {
            Ok(ordered(op, &a.id, &b.id))
        }
        _ => fail(
            format!("'{whole}' is not supported"),
            "Opros compares a question with a value; two questions only when both are numbers or both dates",
        ),
    }
}

fn selected(target: &XExpr, code: &XExpr, cx: &dyn Lookup) -> Result<Cond, Fail> {
    let whole = XExpr::Call("selected".into(), vec![target.clone(), code.clone()]);
    let (XExpr::Ref(name), Some(lit)) = (target, literal(code)) else {
        return fail(
            format!("'{whole}' is not supported"),
            "selected() is converted when written selected(${question}, 'code')",
        );
    };
    let v = cx.lookup(name)?;
    match &v.kind {
        VarKind::Multi { codes } => {
            let c = find_code(codes, &lit).ok_or_else(|| no_choice(&v, &lit, codes, &whole))?;
            Ok(Cond::Atom(format!("selected({}, {})", v.id, quote(&c))))
        }
        VarKind::Choice { codes, .. } => {
            let c = find_code(codes, &lit).ok_or_else(|| no_choice(&v, &lit, codes, &whole))?;
            Ok(Cond::Atom(format!("{} == {}", v.id, quote(&c))))
        }
        _ => fail(
            format!("'{whole}' is not supported"),
            format!("selected() needs a choice question; ${{{name}}} is not one"),
        ),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Constraints

/// The `and`-ed parts of an expression.
fn conjuncts(e: &XExpr) -> Vec<&XExpr> {
    match e {
        XExpr::And(a, b) => {
            let mut out = conjuncts(a);
            out.extend(conjuncts(b));
            out
        }
        other => vec![other],
    }
}

/// Applies each `and`-ed part of a constraint that Opros can express to the question's limits; returns
/// the parts it cannot express. Supported: `. >= n`, `. <= n` (also `>`/`<` for whole numbers and dates,
/// `=` for both bounds), `string-length(.) <= n`, `count-selected(.) <= n` / `>= n`, and the
/// "none of these" pattern `not(selected(., 'c') and count-selected(.) > 1)` (option `c` exclusive).
pub(crate) fn constraint(e: &XExpr, kind: &mut QuestionKind) -> Vec<Fail> {
    conjuncts(e)
        .into_iter()
        .filter_map(|c| constraint_part(c, kind).err())
        .collect()
}

/// Normalizes `n op .` to `. op' n`.
fn against_literal<'a>(op: XOp, l: &'a XExpr, r: &'a XExpr) -> Option<(XOp, &'a XExpr, Lit)> {
    match (literal(l), literal(r)) {
        (None, Some(lit)) => Some((op, l, lit)),
        (Some(lit), None) => Some((op.flipped(), r, lit)),
        _ => None,
    }
}

fn constraint_part(c: &XExpr, kind: &mut QuestionKind) -> Result<(), Fail> {
    let no = |why: &str| fail(format!("'{c}' is not supported"), why);
    if let Some(why) = constraint_obstacle(c) {
        return no(&why);
    }
    if let Some(code) = exclusive_pattern(c) {
        if let QuestionKind::MultipleChoice(m) = kind {
            if let Some(o) = m.options.iter_mut().find(|o| o.code == code) {
                o.exclusive = true;
                return Ok(());
            }
            return no(&format!("'{code}' is not an option of this question"));
        }
    }
    let XExpr::Cmp(op, l, r) = c else {
        return no(GENERIC_CONSTRAINT);
    };
    let Some((op, subject, lit)) = against_literal(*op, l, r) else {
        return no(GENERIC_CONSTRAINT);
    };
    match (subject, kind) {
        (XExpr::Dot, QuestionKind::Number(n)) => {
            let Some(x) = lit.number() else {
                return no("a number is compared with a number");
            };
            let (lo, hi) = number_bounds(op, x, n.integer).map_err(|why| Fail {
                what: format!("'{c}' is not supported"),
                why,
            })?;
            n.min = tighter(n.min, lo, f64::max);
            n.max = tighter(n.max, hi, f64::min);
            Ok(())
        }
        (XExpr::Dot, QuestionKind::Date(d)) => {
            let Some(x) = lit.date() else {
                return no("a date is compared with a date written date('YYYY-MM-DD')");
            };
            let day = Duration::days(1);
            let (lo, hi) = match op {
                XOp::Ge => (Some(x), None),
                XOp::Gt => (x.checked_add_signed(day), None),
                XOp::Le => (None, Some(x)),
                XOp::Lt => (None, x.checked_sub_signed(day)),
                XOp::Eq => (Some(x), Some(x)),
                XOp::Ne => return no("Opros date limits are a first and a last day"),
            };
            d.min = tighter(d.min, lo, std::cmp::max);
            d.max = tighter(d.max, hi, std::cmp::min);
            Ok(())
        }
        (XExpr::Call(f, args), QuestionKind::Text(t))
            if f == "string-length" && matches!(args.as_slice(), [XExpr::Dot]) =>
        {
            let max = match (op, lit.number()) {
                (XOp::Le, Some(x)) if x >= 1.0 => x.floor(),
                (XOp::Lt, Some(x)) if x > 1.0 => x.ceil() - 1.0,
                _ => return no("Opros limits only the greatest length of a text: string-length(.) <= n"),
            };
            t.max_length = tighter(t.max_length, Some(max as usize), std::cmp::min);
            Ok(())
        }
        (XExpr::Call(f, args), QuestionKind::MultipleChoice(m))
            if f == "count-selected" && matches!(args.as_slice(), [XExpr::Dot]) =>
        {
            let Some(x) = lit.number() else {
                return no("count-selected(.) is compared with a number");
            };
            let (lo, hi) = number_bounds(op, x, true).map_err(|why| Fail {
                what: format!("'{c}' is not supported"),
                why,
            })?;
            let to_count = |v: f64| v.max(0.0) as usize;
            m.min_choices = tighter(m.min_choices, lo.map(to_count), std::cmp::max);
            m.max_choices = tighter(m.max_choices, hi.map(to_count), std::cmp::min);
            Ok(())
        }
        _ => no(GENERIC_CONSTRAINT),
    }
}

const GENERIC_CONSTRAINT: &str = "Opros can check limits of the answer itself: . >= n and . <= n for numbers and \
     dates, string-length(.) <= n for texts, count-selected(.) <= n for select_multiple";

/// A reason that applies whatever the shape of the constraint part.
fn constraint_obstacle(c: &XExpr) -> Option<String> {
    let mut found = None;
    visit(c, &mut |e| {
        if found.is_some() {
            return;
        }
        found = match e {
            XExpr::Ref(n) => Some(format!(
                "Opros limits are fixed values; a limit that depends on another answer (${{{n}}}) is not \
                 supported"
            )),
            XExpr::Or(..) => Some("Opros limits cannot be combined with 'or'".to_owned()),
            XExpr::Call(name, _)
                if !matches!(
                    name.as_str(),
                    "string-length" | "count-selected" | "date" | "not" | "selected"
                ) =>
            {
                Some(unsupported_call(name).why)
            }
            _ => None,
        };
    });
    found
}

fn visit(e: &XExpr, f: &mut dyn FnMut(&XExpr)) {
    f(e);
    match e {
        XExpr::Or(a, b) | XExpr::And(a, b) | XExpr::Cmp(_, a, b) | XExpr::Arith(_, a, b) => {
            visit(a, f);
            visit(b, f);
        }
        XExpr::Neg(a) => visit(a, f),
        XExpr::Call(_, args) => args.iter().for_each(|a| visit(a, f)),
        _ => {}
    }
}

/// `not(selected(., 'c') and count-selected(.) > 1)` (either order, `>= 2` too) → `c`.
fn exclusive_pattern(c: &XExpr) -> Option<String> {
    let XExpr::Call(not, args) = c else {
        return None;
    };
    let ([XExpr::And(a, b)], "not") = (args.as_slice(), not.as_str()) else {
        return None;
    };
    let code = |e: &XExpr| match e {
        XExpr::Call(f, args) if f == "selected" => match args.as_slice() {
            [XExpr::Dot, lit] => literal(lit).map(|l| l.code()),
            _ => None,
        },
        _ => None,
    };
    let more_than_one = |e: &XExpr| match e {
        XExpr::Cmp(op, l, r) => match against_literal(*op, l, r) {
            Some((op, XExpr::Call(f, args), lit)) if f == "count-selected" => {
                matches!(args.as_slice(), [XExpr::Dot]) && matches!((op, lit.number()), (XOp::Gt, Some(x)) if x == 1.0)
                    || matches!((op, lit.number()), (XOp::Ge, Some(x)) if x == 2.0)
            }
            _ => false,
        },
        _ => false,
    };
    match (code(a), code(b)) {
        (Some(c), None) if more_than_one(b) => Some(c),
        (None, Some(c)) if more_than_one(a) => Some(c),
        _ => None,
    }
}

/// Inclusive bounds for `. op x`; `>` and `<` only for whole numbers (Opros limits include their bounds).
fn number_bounds(op: XOp, x: f64, integer: bool) -> Result<(Option<f64>, Option<f64>), String> {
    let strict = "Opros limits include their bounds: write >= or <= (strict limits are converted for \
                  whole numbers only)";
    Ok(match (op, integer) {
        (XOp::Ge, true) => (Some(x.ceil()), None),
        (XOp::Ge, false) => (Some(x), None),
        (XOp::Le, true) => (None, Some(x.floor())),
        (XOp::Le, false) => (None, Some(x)),
        (XOp::Gt, true) => (Some(x.floor() + 1.0), None),
        (XOp::Lt, true) => (None, Some(x.ceil() - 1.0)),
        (XOp::Gt | XOp::Lt, false) => return Err(strict.to_owned()),
        (XOp::Eq, _) => (Some(x), Some(x)),
        (XOp::Ne, _) => return Err("Opros limits are a least and a greatest value".to_owned()),
    })
}

fn tighter<T>(old: Option<T>, new: Option<T>, pick: impl Fn(T, T) -> T) -> Option<T> {
    match (old, new) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Calculations → derived variables

/// A derived variable read from a calculation: its source and rule.
pub(crate) struct DerivedParts {
    pub from: String,
    pub rule: DerivedRule,
}

/// Converts `if(cond, 'code', if(cond2, 'code2', 'else'))` on one whole-number question (→ bins) or one
/// choice question or derived variable (→ groups).
///
/// An XPath `if` chain takes the first branch whose condition holds, so each code gets the values of its
/// condition minus those of earlier branches; the last value (`''` for none) gets the rest. One
/// difference: Opros gives no category when the source question is unanswered, where XPath would take the
/// last branch.
pub(crate) fn derived(e: &XExpr, cx: &dyn Lookup) -> Result<DerivedParts, Fail> {
    let shape = || Fail {
        what: format!("'{e}' is not supported"),
        why: "a calculation becomes a derived variable when it is if(condition, 'code', …) on one \
              whole-number question (bins) or one select_one (groups)"
            .to_owned(),
    };
    let (branches, rest) = if_chain(e).ok_or_else(shape)?;
    let mut names = BTreeSet::new();
    for (cond, _) in &branches {
        visit(cond, &mut |x| {
            if let XExpr::Ref(n) = x {
                names.insert(n.clone());
            }
        });
    }
    let [name] = &names.into_iter().collect::<Vec<_>>()[..] else {
        return Err(shape());
    };
    let source = cx.lookup(name)?;
    let rule = match &source.kind {
        VarKind::Number { integer: true } => bins(&branches, rest.as_deref(), e)?,
        VarKind::Number { integer: false } => {
            return fail(
                format!("'{e}' is not supported"),
                "bins are converted for whole-number (integer) questions only: with decimals, '<' cannot be \
                 written as an inclusive bound",
            )
        }
        VarKind::Choice { codes, .. } => groups(&branches, rest.as_deref(), codes, e)?,
        _ => return Err(shape()),
    };
    Ok(DerivedParts { from: source.id, rule })
}

type Branches<'a> = Vec<(&'a XExpr, String)>;

/// The branches of an `if` chain and its last value (`None` for `''`).
fn if_chain(e: &XExpr) -> Option<(Branches<'_>, Option<String>)> {
    match e {
        XExpr::Call(f, args) if f == "if" => {
            let [cond, then, otherwise] = args.as_slice() else {
                return None;
            };
            let code = literal(then)?.code();
            let (mut rest, last) = if_chain(otherwise)?;
            rest.insert(0, (cond, code));
            Some((rest, last))
        }
        other => {
            let code = literal(other)?.code();
            Some((Vec::new(), Some(code).filter(|c| !c.is_empty())))
        }
    }
}

/// Sets of whole numbers as sorted, disjoint, inclusive intervals.
#[derive(Debug, Clone, PartialEq)]
struct IntSet(Vec<(i64, i64)>);

impl IntSet {
    fn all() -> IntSet {
        IntSet(vec![(i64::MIN, i64::MAX)])
    }

    fn range(lo: i64, hi: i64) -> IntSet {
        IntSet(if lo <= hi { vec![(lo, hi)] } else { Vec::new() })
    }

    fn union(&self, other: &IntSet) -> IntSet {
        let mut all: Vec<(i64, i64)> = self.0.iter().chain(&other.0).copied().collect();
        all.sort_unstable();
        let mut out: Vec<(i64, i64)> = Vec::new();
        for (lo, hi) in all {
            match out.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => out.push((lo, hi)),
            }
        }
        IntSet(out)
    }

    fn complement(&self) -> IntSet {
        let mut out = Vec::new();
        let mut next = Some(i64::MIN);
        for &(lo, hi) in &self.0 {
            if let Some(start) = next {
                if lo > start {
                    out.push((start, lo - 1));
                }
            }
            next = hi.checked_add(1);
        }
        if let Some(start) = next {
            out.push((start, i64::MAX));
        }
        IntSet(out)
    }

    fn intersect(&self, other: &IntSet) -> IntSet {
        self.complement().union(&other.complement()).complement()
    }

    fn minus(&self, other: &IntSet) -> IntSet {
        self.intersect(&other.complement())
    }
}

/// The whole numbers for which a condition on the source holds.
fn int_set(c: &XExpr) -> Option<IntSet> {
    match c {
        XExpr::And(a, b) => Some(int_set(a)?.intersect(&int_set(b)?)),
        XExpr::Or(a, b) => Some(int_set(a)?.union(&int_set(b)?)),
        XExpr::Call(f, args) if f == "not" => match args.as_slice() {
            [inner] => Some(int_set(inner)?.complement()),
            _ => None,
        },
        XExpr::Cmp(op, l, r) => {
            let (op, XExpr::Ref(_), lit) = against_literal(*op, l, r)? else {
                return None;
            };
            let x = lit.number()?;
            // Float-to-int `as` saturates, which is what open bounds need.
            Some(match op {
                XOp::Ge => IntSet::range(x.ceil() as i64, i64::MAX),
                XOp::Gt => IntSet::range((x.floor() as i64).saturating_add(1), i64::MAX),
                XOp::Le => IntSet::range(i64::MIN, x.floor() as i64),
                XOp::Lt => IntSet::range(i64::MIN, (x.ceil() as i64).saturating_sub(1)),
                XOp::Eq if x.fract() == 0.0 => IntSet::range(x as i64, x as i64),
                XOp::Eq => IntSet(Vec::new()),
                XOp::Ne if x.fract() == 0.0 => IntSet::range(x as i64, x as i64).complement(),
                XOp::Ne => IntSet::all(),
            })
        }
        _ => None,
    }
}

/// Accumulates the values of each code, codes in order of first appearance.
fn assign<T: Clone>(
    branches: &[(&XExpr, String)],
    rest: Option<&str>,
    set_of: &dyn Fn(&XExpr) -> Option<T>,
    union: &dyn Fn(&T, &T) -> T,
    minus: &dyn Fn(&T, &T) -> T,
    everything: T,
    nothing: T,
) -> Option<Vec<(String, T)>> {
    let mut taken = nothing.clone();
    let mut out: Vec<(String, T)> = Vec::new();
    let add = |code: &str, set: T, out: &mut Vec<(String, T)>| match out.iter_mut().find(|(c, _)| c == code) {
        Some(slot) => slot.1 = union(&slot.1, &set),
        None => out.push((code.to_owned(), set)),
    };
    for (cond, code) in branches {
        let set = set_of(cond)?;
        let own = minus(&set, &taken);
        taken = union(&taken, &set);
        add(code, own, &mut out);
    }
    if let Some(code) = rest {
        add(code, minus(&everything, &taken), &mut out);
    }
    Some(out)
}

fn bins(branches: &[(&XExpr, String)], rest: Option<&str>, e: &XExpr) -> Result<DerivedRule, Fail> {
    let parts = assign(
        branches,
        rest,
        &int_set,
        &|a, b| a.union(b),
        &|a, b| a.minus(b),
        IntSet::all(),
        IntSet(Vec::new()),
    );
    let Some(parts) = parts else {
        return fail(
            format!("'{e}' is not supported"),
            "bins are converted from comparisons of the question with numbers (<, <=, >, >=, =, and, or)",
        );
    };
    let mut bins = Vec::new();
    for (code, set) in parts {
        match set.0.as_slice() {
            [] => {}
            [(lo, hi)] => bins.push(Bin {
                code,
                min: (*lo != i64::MIN).then_some(*lo as f64),
                max: (*hi != i64::MAX).then_some(*hi as f64),
                label: None,
            }),
            _ => {
                return fail(
                    format!("'{e}' is not supported"),
                    format!("'{code}' covers values that are not one interval; an Opros bin is one interval"),
                )
            }
        }
    }
    bins.sort_by(|a, b| {
        a.min
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&b.min.unwrap_or(f64::NEG_INFINITY))
    });
    Ok(DerivedRule::Bins(bins))
}

/// The codes of the source for which a condition holds (in the source's order).
fn code_set(c: &XExpr, codes: &[String]) -> Option<Vec<String>> {
    let all: Vec<String> = codes.to_vec();
    let keep = |f: &dyn Fn(&String) -> bool| all.iter().filter(|c| f(c)).cloned().collect();
    match c {
        XExpr::Or(a, b) => {
            let (x, y) = (code_set(a, codes)?, code_set(b, codes)?);
            Some(keep(&|c| x.contains(c) || y.contains(c)))
        }
        XExpr::And(a, b) => {
            let (x, y) = (code_set(a, codes)?, code_set(b, codes)?);
            Some(keep(&|c| x.contains(c) && y.contains(c)))
        }
        XExpr::Call(f, args) => match (f.as_str(), args.as_slice()) {
            ("not", [inner]) => {
                let x = code_set(inner, codes)?;
                Some(keep(&|c| !x.contains(c)))
            }
            ("selected", [XExpr::Ref(_), lit]) => {
                let code = find_code(codes, &literal(lit)?)?;
                Some(vec![code])
            }
            _ => None,
        },
        XExpr::Cmp(op, l, r) => {
            let (op, XExpr::Ref(_), lit) = against_literal(*op, l, r)? else {
                return None;
            };
            match op {
                XOp::Eq | XOp::Ne => {
                    let code = find_code(codes, &lit)?;
                    Some(keep(&|c| (*c == code) == (op == XOp::Eq)))
                }
                _ => {
                    let n = lit.number()?;
                    Some(keep(&|c| {
                        c.trim().parse::<f64>().is_ok_and(|x| op.test(x.total_cmp(&n)))
                    }))
                }
            }
        }
        _ => None,
    }
}

fn groups(branches: &[(&XExpr, String)], rest: Option<&str>, codes: &[String], e: &XExpr) -> Result<DerivedRule, Fail> {
    let ordered = |set: Vec<String>| -> Vec<String> { codes.iter().filter(|c| set.contains(c)).cloned().collect() };
    let parts = assign(
        branches,
        rest,
        &|c| code_set(c, codes),
        &|a: &Vec<String>, b: &Vec<String>| ordered(a.iter().chain(b).cloned().collect()),
        &|a: &Vec<String>, b: &Vec<String>| a.iter().filter(|c| !b.contains(c)).cloned().collect(),
        codes.to_vec(),
        Vec::new(),
    );
    let Some(parts) = parts else {
        return fail(
            format!("'{e}' is not supported"),
            "groups are converted from comparisons of the question with its codes (=, !=, selected(), and, or, \
             not())",
        );
    };
    let map: OrderedMap<Vec<GroupCode>> = parts
        .into_iter()
        .filter(|(_, set)| !set.is_empty())
        .map(|(name, set)| (name, set.into_iter().map(GroupCode).collect()))
        .collect();
    Ok(DerivedRule::Groups(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_sets_subtract_and_complement() {
        let a = IntSet::range(i64::MIN, 29);
        let b = IntSet::range(i64::MIN, 59);
        assert_eq!(b.minus(&a), IntSet::range(30, 59));
        assert_eq!(
            a.union(&IntSet::range(60, i64::MAX)).complement(),
            IntSet::range(30, 59)
        );
        assert_eq!(IntSet::all().complement(), IntSet(Vec::new()));
        assert_eq!(IntSet(Vec::new()).complement(), IntSet::all());
    }

    #[test]
    fn rendering_keeps_or_inside_and() {
        let c = Cond::And(vec![
            Cond::Or(vec![Cond::Atom("a == 'x'".into()), Cond::Atom("b > 1".into())]),
            Cond::not(Cond::Atom("answered(c)".into())),
        ]);
        assert_eq!(c.render(), "(a == 'x' or b > 1) and not answered(c)");
    }
}
