//! The condition language of `show_if` and quota `when`.
//!
//! ```text
//! uses_transport == 'yes' and age >= 18
//! district in ['d1', 'd2'] or not answered(income)
//! count(modes) >= 2 and selected(modes, 'bus')
//! aspects.punctuality <= 2          # one row of a matrix
//! last_trip >= '2026-01-01'         # dates as 'YYYY-MM-DD'
//! ```
//! - identifiers: question ids and derived variable ids; a matrix row is `matrix_id.row_code`;
//! - literals: strings in single or double quotes (`\'`, `\"`, `\\` escape), numbers (`18`, `-2`, `4.5`);
//! - comparisons `== != < <= > >=`, `x in [...]`, `x not in [...]`;
//! - `and`, `or`, `not`, parentheses; `not` binds tighter than `and`, which binds tighter than `or`;
//! - functions: `answered(q)`, `count(q)` (number of choices of a multiple choice or ranking, rows of a
//!   matrix), `selected(q, 'code')` (a multiple choice, ranking or single choice includes the code).
//!
//! The type checker ([`check`]) rejects comparisons that cannot be meant: an unknown option code, `<` on a
//! text or a choice, a string compared with a number question, a multiple choice compared with `==`.
//!
//! **Unanswered questions** (absent from the answers, e.g. skipped or hidden): every comparison and `in` /
//! `not in` involving them is **false** (so `x != 'a'` is false too), `selected` is false, `answered` is
//! false and `count` is 0. `not` simply negates: `not (x == 'a')` is **true** when `x` is unanswered. Write
//! `answered(x) and x != 'a'` or `not (x == 'a')` to say which one you mean. A "hard to say" scale answer
//! is an answer: it equals its own code and every numeric comparison with it is false.

mod eval;
mod parse;

pub use eval::eval;
pub use parse::parse;

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::answer::{Answer, Answers};

/// A condition as written, with its parsed form (parse errors are kept and reported by validation, so one
/// bad condition does not hide the other problems of a definition).
#[derive(Debug, Clone)]
pub struct Condition {
    source: String,
    parsed: Result<Expr, ParseError>,
}

impl Condition {
    /// Parses `source`; a syntax error is kept inside (see [`Condition::error`]).
    pub fn new(source: &str) -> Self {
        Condition {
            source: source.to_owned(),
            parsed: parse(source),
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The syntax tree; `None` when the text did not parse.
    pub fn expr(&self) -> Option<&Expr> {
        self.parsed.as_ref().ok()
    }

    pub fn error(&self) -> Option<&ParseError> {
        self.parsed.as_ref().err()
    }
}

impl PartialEq for Condition {
    /// The parsed form is a function of the text, so the text decides.
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.source)
    }
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Condition::new(&s))
    }
}

/// A syntax error, with the 1-based character column where it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at column {}: {}", self.column, self.message)
    }
}

/// The syntax tree of a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare {
        left: Operand,
        op: CmpOp,
        right: Operand,
    },
    /// `operand in [..]`, or `not in` when `negated`.
    In {
        operand: Operand,
        list: Vec<Literal>,
        negated: bool,
    },
    Answered(Var),
    Selected(Var, Literal),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Var(Var),
    Count(Var),
    Lit(Literal),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Num(f64),
}

impl Literal {
    /// The literal as an option code: numbers print without a trailing `.0` (`2` → "2").
    pub fn as_code(&self) -> String {
        match self {
            Literal::Str(s) => s.clone(),
            Literal::Num(n) => format!("{n}"),
        }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Str(s) => write!(f, "'{s}'"),
            Literal::Num(n) => write!(f, "{n}"),
        }
    }
}

/// A reference to a question or derived variable, or to one row of a matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    pub question: String,
    pub row: Option<String>,
}

impl fmt::Display for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.row {
            Some(r) => write!(f, "{}.{r}", self.question),
            None => f.write_str(&self.question),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// The operator with its sides swapped (`3 < x` is `x > 3`).
    fn flipped(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            other => other,
        }
    }

    fn is_order(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }

    fn test(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
        }
    }
}

impl Expr {
    /// Every variable the expression refers to, in order of appearance.
    pub fn variables(&self) -> Vec<&Var> {
        let mut out = Vec::new();
        self.collect_vars(&mut out);
        out
    }

    fn collect_vars<'a>(&'a self, out: &mut Vec<&'a Var>) {
        let operand = |o: &'a Operand, out: &mut Vec<&'a Var>| {
            if let Operand::Var(v) | Operand::Count(v) = o {
                out.push(v);
            }
        };
        match self {
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.collect_vars(out);
                b.collect_vars(out);
            }
            Expr::Not(e) => e.collect_vars(out),
            Expr::Compare { left, right, .. } => {
                operand(left, out);
                operand(right, out);
            }
            Expr::In { operand: o, .. } => operand(o, out),
            Expr::Answered(v) | Expr::Selected(v, _) => out.push(v),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Type checking

/// What a referenced variable is, for the type checker.
#[derive(Debug, Clone, PartialEq)]
pub enum VarType {
    /// One code per answer: single choice or derived variable (`numeric: false`), scale (`numeric: true`:
    /// its point codes are numbers and may be compared with `<`).
    Codes {
        codes: Vec<String>,
        numeric: bool,
    },
    /// Several codes per answer: multiple choice or ranking.
    Multi {
        codes: Vec<String>,
    },
    /// Rows rated on one scale.
    Matrix {
        rows: Vec<String>,
        codes: Vec<String>,
    },
    Number,
    Text,
    Date,
    /// An info text: no answer.
    Info,
    /// A question a condition can only ask `answered(q)` of; `hint` says so.
    AnsweredOnly {
        hint: String,
    },
}

/// What kind of value an operand has after resolution.
enum Ty {
    Codes(Vec<String>, bool),
    Number,
    Text,
    Date,
    Lit(Literal),
}

/// Checks every reference and comparison of `expr`; returns one message per problem (empty when fine).
/// `resolve` gives the type of a question or derived id, `None` for unknown ids.
pub fn check(expr: &Expr, resolve: &dyn Fn(&str) -> Option<VarType>) -> Vec<String> {
    let mut problems = Vec::new();
    check_into(expr, resolve, &mut problems);
    problems
}

fn check_into(expr: &Expr, resolve: &dyn Fn(&str) -> Option<VarType>, out: &mut Vec<String>) {
    match expr {
        Expr::And(a, b) | Expr::Or(a, b) => {
            check_into(a, resolve, out);
            check_into(b, resolve, out);
        }
        Expr::Not(e) => check_into(e, resolve, out),
        Expr::Answered(v) => {
            let _ = resolve_var(v, resolve, true, out);
        }
        Expr::Selected(v, lit) => check_selected(v, lit, resolve, out),
        Expr::In { operand, list, .. } => {
            let ty = operand_ty(operand, resolve, out);
            for lit in list {
                check_pair(&ty, CmpOp::Eq, &Ty::Lit(lit.clone()), operand, out);
            }
        }
        Expr::Compare { left, op, right } => {
            let (l, r) = (operand_ty(left, resolve, out), operand_ty(right, resolve, out));
            match (&l, &r) {
                (Some(Ty::Lit(_)), Some(Ty::Lit(_))) => {
                    out.push(format!(
                        "'{}' compares two fixed values and does not depend on any answer",
                        describe(left, *op, right)
                    ));
                }
                (Some(Ty::Lit(lit)), _) => check_pair(&r, op.flipped(), &Ty::Lit(lit.clone()), right, out),
                (_, Some(r_ty)) => check_side(&l, *op, r_ty, left, right, out),
                _ => {}
            }
        }
    }
}

fn describe(left: &Operand, op: CmpOp, right: &Operand) -> String {
    let show = |o: &Operand| match o {
        Operand::Var(v) => v.to_string(),
        Operand::Count(v) => format!("count({v})"),
        Operand::Lit(l) => l.to_string(),
    };
    format!("{} {} {}", show(left), op.symbol(), show(right))
}

fn check_side(l: &Option<Ty>, op: CmpOp, r: &Ty, left: &Operand, right: &Operand, out: &mut Vec<String>) {
    match (l, r) {
        (Some(_), Ty::Lit(_)) => check_pair(l, op, r, left, out),
        (Some(Ty::Number), Ty::Number) | (Some(Ty::Date), Ty::Date) => {}
        (Some(_), _) => out.push(format!(
            "'{}' compares two questions of different kinds; compare a question with a value",
            describe(left, op, right)
        )),
        (None, _) => {}
    }
}

fn resolve_var(
    v: &Var,
    resolve: &dyn Fn(&str) -> Option<VarType>,
    whole_ok: bool,
    out: &mut Vec<String>,
) -> Option<VarType> {
    let Some(ty) = resolve(&v.question) else {
        out.push(format!(
            "refers to '{}', which is not a question or derived variable",
            v.question
        ));
        return None;
    };
    match (ty, &v.row) {
        (VarType::Info, _) => {
            out.push(format!("'{}' is an info text and has no answer", v.question));
            None
        }
        (VarType::Matrix { rows, codes }, Some(row)) => {
            if rows.contains(row) {
                Some(VarType::Codes { codes, numeric: true })
            } else {
                out.push(format!(
                    "matrix '{}' has no row '{row}' (rows: {})",
                    v.question,
                    rows.join(", ")
                ));
                None
            }
        }
        (ty @ VarType::Matrix { .. }, None) if whole_ok => Some(ty),
        (ty @ VarType::AnsweredOnly { .. }, None) if whole_ok => Some(ty),
        (VarType::AnsweredOnly { hint }, _) => {
            out.push(hint);
            None
        }
        (VarType::Matrix { rows, .. }, None) => {
            let example = rows.first().map_or("row", String::as_str);
            out.push(format!(
                "'{}' is a matrix: name one row, e.g. {}.{example}",
                v.question, v.question
            ));
            None
        }
        (_, Some(row)) => {
            out.push(format!(
                "'{}' is not a matrix, so '{}.{row}' means nothing",
                v.question, v.question
            ));
            None
        }
        (ty, None) => Some(ty),
    }
}

fn operand_ty(o: &Operand, resolve: &dyn Fn(&str) -> Option<VarType>, out: &mut Vec<String>) -> Option<Ty> {
    match o {
        Operand::Lit(l) => Some(Ty::Lit(l.clone())),
        Operand::Count(v) => match resolve_var(v, resolve, true, out)? {
            VarType::Multi { .. } | VarType::Matrix { .. } => Some(Ty::Number),
            _ => {
                out.push(format!(
                    "count({v}) counts the choices of a multiple choice, ranking or matrix; '{v}' is none of these"
                ));
                None
            }
        },
        Operand::Var(v) => match resolve_var(v, resolve, false, out)? {
            VarType::Codes { codes, numeric } => Some(Ty::Codes(codes, numeric)),
            VarType::Multi { codes } => {
                let example = codes.first().map_or("code", String::as_str);
                out.push(format!(
                    "'{v}' allows several answers: use selected({v}, '{example}') or count({v})"
                ));
                None
            }
            VarType::Number => Some(Ty::Number),
            VarType::Text => Some(Ty::Text),
            VarType::Date => Some(Ty::Date),
            VarType::Matrix { .. } | VarType::Info | VarType::AnsweredOnly { .. } => None,
        },
    }
}

fn codes_equal(a: &str, b: &str) -> bool {
    a == b || matches!((a.trim().parse::<f64>(), b.trim().parse::<f64>()), (Ok(x), Ok(y)) if x == y)
}

/// Checks `var op literal` (`ty` is the variable's side; `r` the literal).
fn check_pair(ty: &Option<Ty>, op: CmpOp, r: &Ty, var: &Operand, out: &mut Vec<String>) {
    let (Some(ty), Ty::Lit(lit)) = (ty, r) else {
        return;
    };
    let name = match var {
        Operand::Var(v) => v.to_string(),
        Operand::Count(v) => format!("count({v})"),
        Operand::Lit(l) => l.to_string(),
    };
    match (ty, lit) {
        (Ty::Codes(codes, numeric), _) => {
            let known = codes.iter().any(|c| codes_equal(c, &lit.as_code()));
            if op.is_order() {
                if !numeric {
                    out.push(format!(
                        "'{}' cannot be used with '{name}', which is a choice: use == or in [...]",
                        op.symbol()
                    ));
                } else if !matches!(lit, Literal::Num(_)) && lit.as_code().trim().parse::<f64>().is_err() {
                    out.push(format!(
                        "'{name}' {} {lit}: compare scale points with a number",
                        op.symbol()
                    ));
                }
            } else if !known {
                out.push(format!("'{name}' has no option {lit} (options: {})", codes.join(", ")));
            }
        }
        (Ty::Number, Literal::Num(_)) => {}
        (Ty::Number, Literal::Str(_)) => out.push(format!(
            "'{name}' is a number: compare it with a number without quotes, not with {lit}"
        )),
        (Ty::Text, Literal::Str(_)) if !op.is_order() => {}
        (Ty::Text, _) if op.is_order() => out.push(format!(
            "'{}' cannot compare the text answer '{name}'; use == or !=",
            op.symbol()
        )),
        (Ty::Text, Literal::Num(_)) => out.push(format!(
            "'{name}' is a text: compare it with a text in quotes, not with {lit}"
        )),
        (Ty::Date, Literal::Str(s)) if NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => {}
        (Ty::Date, _) => out.push(format!(
            "'{name}' is a date: compare it with a date written 'YYYY-MM-DD', not with {lit}"
        )),
        (Ty::Lit(_), _) => {}
        (Ty::Text, Literal::Str(_)) => {}
    }
}

fn check_selected(v: &Var, lit: &Literal, resolve: &dyn Fn(&str) -> Option<VarType>, out: &mut Vec<String>) {
    let codes = match resolve_var(v, resolve, false, out) {
        Some(VarType::Multi { codes }) | Some(VarType::Codes { codes, numeric: false }) => codes,
        Some(_) => {
            out.push(format!(
                "selected({v}, ...) needs a choice or ranking question; '{v}' is not one"
            ));
            return;
        }
        None => return,
    };
    if !codes.iter().any(|c| codes_equal(c, &lit.as_code())) {
        out.push(format!("'{v}' has no option {lit} (options: {})", codes.join(", ")));
    }
}
