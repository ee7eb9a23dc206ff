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

mod constraint;
mod derived;

pub(crate) use constraint::constraint;
use constraint::{against_literal, visit};
pub(crate) use derived::derived;

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
        kind.as_type().xlsform_var()
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
