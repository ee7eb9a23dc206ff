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
// Lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    Op(CmpOp),
    And,
    Or,
    Not,
    In,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Ident(s) => write!(f, "'{s}'"),
            Tok::Str(s) => write!(f, "the text '{s}'"),
            Tok::Num(n) => write!(f, "the number {n}"),
            Tok::Op(op) => write!(f, "'{}'", op.symbol()),
            Tok::And => f.write_str("'and'"),
            Tok::Or => f.write_str("'or'"),
            Tok::Not => f.write_str("'not'"),
            Tok::In => f.write_str("'in'"),
            Tok::LParen => f.write_str("'('"),
            Tok::RParen => f.write_str("')'"),
            Tok::LBracket => f.write_str("'['"),
            Tok::RBracket => f.write_str("']'"),
            Tok::Comma => f.write_str("','"),
        }
    }
}

/// A token with its 1-based column.
type Spanned = (Tok, usize);

fn err<T>(column: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        column,
        message: message.into(),
    })
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn lex(source: &str) -> Result<Vec<Spanned>, ParseError> {
    let chars: Vec<char> = source.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let col = i + 1;
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let (tok, len) = match (c, next) {
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            ('[', _) => (Tok::LBracket, 1),
            (']', _) => (Tok::RBracket, 1),
            (',', _) => (Tok::Comma, 1),
            ('=', Some('=')) => (Tok::Op(CmpOp::Eq), 2),
            ('!', Some('=')) => (Tok::Op(CmpOp::Ne), 2),
            ('<', Some('=')) => (Tok::Op(CmpOp::Le), 2),
            ('>', Some('=')) => (Tok::Op(CmpOp::Ge), 2),
            ('<', Some('>')) => return err(col, "use '!=' for 'not equal'"),
            ('<', _) => (Tok::Op(CmpOp::Lt), 1),
            ('>', _) => (Tok::Op(CmpOp::Gt), 1),
            ('=', _) => return err(col, "use '==' to compare ('=' alone is not an operator)"),
            ('&', _) => return err(col, "use 'and' instead of '&&'"),
            ('|', _) => return err(col, "use 'or' instead of '||'"),
            ('!', _) => return err(col, "use 'not' instead of '!'"),
            ('\'' | '"', _) => {
                let (s, len) = lex_string(&chars, i)?;
                (Tok::Str(s), len)
            }
            _ if c.is_ascii_digit() || (c == '-' && next.is_some_and(|n| n.is_ascii_digit())) => lex_number(&chars, i)?,
            _ if is_ident_start(c) => lex_ident(&chars, i),
            _ => return err(col, format!("unexpected character '{c}'")),
        };
        toks.push((tok, col));
        i += len;
    }
    Ok(toks)
}

fn lex_string(chars: &[char], start: usize) -> Result<(String, usize), ParseError> {
    let quote = chars.get(start).copied().unwrap_or('\'');
    let mut s = String::new();
    let mut i = start + 1;
    loop {
        match chars.get(i) {
            None => return err(start + 1, "this text has no closing quote"),
            Some('\\') => {
                match chars.get(i + 1) {
                    Some(&e @ ('\\' | '\'' | '"')) => s.push(e),
                    _ => return err(i + 1, "only \\', \\\" and \\\\ may follow a backslash"),
                }
                i += 2;
            }
            Some(&c) if c == quote => return Ok((s, i + 1 - start)),
            Some(&c) => {
                s.push(c);
                i += 1;
            }
        }
    }
}

fn lex_number(chars: &[char], start: usize) -> Result<(Tok, usize), ParseError> {
    let mut i = start + 1;
    while chars.get(i).is_some_and(|c| c.is_ascii_digit() || *c == '.') {
        i += 1;
    }
    let text: String = chars.get(start..i).unwrap_or_default().iter().collect();
    let glued = chars.get(i).is_some_and(|c| is_ident_char(*c))
        || (chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()));
    if glued {
        return err(
            start + 1,
            format!("'{text}' runs into the next characters: write codes in quotes, e.g. '18-29'"),
        );
    }
    match text.parse::<f64>() {
        Ok(n) => Ok((Tok::Num(n), i - start)),
        Err(_) => err(start + 1, format!("'{text}' is not a number")),
    }
}

fn lex_ident(chars: &[char], start: usize) -> (Tok, usize) {
    let mut i = start;
    while chars.get(i).is_some_and(|c| is_ident_char(*c)) {
        i += 1;
    }
    // `matrix.row`: the row part is an option code, which may contain '-'.
    if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(|c| is_ident_char(*c)) {
        i += 1;
        while chars.get(i).is_some_and(|c| is_ident_char(*c) || *c == '-') {
            i += 1;
        }
    }
    let word: String = chars.get(start..i).unwrap_or_default().iter().collect();
    let tok = match word.as_str() {
        "and" => Tok::And,
        "or" => Tok::Or,
        "not" => Tok::Not,
        "in" => Tok::In,
        _ => Tok::Ident(word),
    };
    (tok, i - start)
}

// ---------------------------------------------------------------------------------------------------------
// Parser (recursive descent)

/// Nesting deeper than this is refused rather than risking the stack on hostile input.
const MAX_DEPTH: usize = 64;

/// Parses a condition into its syntax tree.
pub fn parse(source: &str) -> Result<Expr, ParseError> {
    let toks = lex(source)?;
    if toks.is_empty() {
        return err(1, "the condition is empty");
    }
    let mut p = Parser {
        toks,
        pos: 0,
        end_col: source.chars().count() + 1,
        depth: 0,
    };
    let expr = p.or()?;
    match p.peek() {
        None => Ok(expr),
        Some((t, col)) => err(col, format!("unexpected {t}; expected 'and', 'or' or the end")),
    }
}

struct Parser {
    toks: Vec<Spanned>,
    pos: usize,
    end_col: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<(Tok, usize)> {
        self.toks.get(self.pos).cloned()
    }

    fn next(&mut self) -> Option<(Tok, usize)> {
        let t = self.peek();
        self.pos += 1;
        t
    }

    fn col(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end_col, |t| t.1)
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<(), ParseError> {
        match self.next() {
            Some((t, _)) if t == want => Ok(()),
            Some((t, col)) => err(col, format!("expected {what}, found {t}")),
            None => err(self.end_col, format!("expected {what} before the end")),
        }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while matches!(self.peek(), Some((Tok::Or, _))) {
            self.pos += 1;
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.not()?;
        while matches!(self.peek(), Some((Tok::And, _))) {
            self.pos += 1;
            let right = self.not()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(self.col(), "the condition is nested too deeply");
        }
        let result = if matches!(self.peek(), Some((Tok::Not, _))) {
            self.pos += 1;
            self.not().map(|e| Expr::Not(Box::new(e)))
        } else if matches!(self.peek(), Some((Tok::LParen, _))) {
            self.pos += 1;
            let inner = self.or()?;
            self.expect(Tok::RParen, "')'")?;
            Ok(inner)
        } else {
            self.comparison()
        };
        self.depth -= 1;
        result
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let start = self.col();
        let left = match self.operand()? {
            Primary::Bool(e) => return Ok(e),
            Primary::Operand(o) => o,
        };
        match self.peek() {
            Some((Tok::Op(op), _)) => {
                self.pos += 1;
                match self.operand()? {
                    Primary::Operand(right) => Ok(Expr::Compare { left, op, right }),
                    Primary::Bool(_) => err(start, "cannot compare a yes/no function with a value"),
                }
            }
            Some((Tok::In, _)) => {
                self.pos += 1;
                self.in_list(left, false)
            }
            Some((Tok::Not, _)) if matches!(self.toks.get(self.pos + 1), Some((Tok::In, _))) => {
                self.pos += 2;
                self.in_list(left, true)
            }
            _ => match left {
                Operand::Var(v) => err(
                    start,
                    format!("'{v}' alone is not a condition: compare it (e.g. {v} == 'code') or use answered({v})"),
                ),
                _ => err(self.col(), "expected a comparison such as '==' or 'in' here"),
            },
        }
    }

    fn in_list(&mut self, operand: Operand, negated: bool) -> Result<Expr, ParseError> {
        self.expect(Tok::LBracket, "'[' starting a list of values")?;
        let mut list = Vec::new();
        loop {
            match self.next() {
                Some((Tok::Str(s), _)) => list.push(Literal::Str(s)),
                Some((Tok::Num(n), _)) => list.push(Literal::Num(n)),
                Some((Tok::RBracket, _)) if list.is_empty() => break,
                Some((t, col)) => return err(col, format!("expected a value in the list, found {t}")),
                None => return err(self.end_col, "the list has no closing ']'"),
            }
            match self.next() {
                Some((Tok::Comma, _)) => continue,
                Some((Tok::RBracket, _)) => break,
                Some((t, col)) => return err(col, format!("expected ',' or ']', found {t}")),
                None => return err(self.end_col, "the list has no closing ']'"),
            }
        }
        Ok(Expr::In { operand, list, negated })
    }

    fn operand(&mut self) -> Result<Primary, ParseError> {
        match self.next() {
            Some((Tok::Str(s), _)) => Ok(Primary::Operand(Operand::Lit(Literal::Str(s)))),
            Some((Tok::Num(n), _)) => Ok(Primary::Operand(Operand::Lit(Literal::Num(n)))),
            Some((Tok::Ident(name), col)) => {
                if matches!(self.peek(), Some((Tok::LParen, _))) {
                    self.pos += 1;
                    self.call(&name, col)
                } else {
                    Ok(Primary::Operand(Operand::Var(var(&name))))
                }
            }
            Some((t, col)) => err(col, format!("expected a question id or a value, found {t}")),
            None => err(self.end_col, "the condition ends too early"),
        }
    }

    fn call(&mut self, name: &str, col: usize) -> Result<Primary, ParseError> {
        let arg = match self.next() {
            Some((Tok::Ident(q), _)) => var(&q),
            Some((t, c)) => return err(c, format!("{name}(...) takes a question id, found {t}")),
            None => return err(self.end_col, "the condition ends too early"),
        };
        let result = match name {
            "answered" => Primary::Bool(Expr::Answered(arg)),
            "count" => Primary::Operand(Operand::Count(arg)),
            "selected" => {
                self.expect(Tok::Comma, "',' and an option code")?;
                let code = match self.next() {
                    Some((Tok::Str(s), _)) => Literal::Str(s),
                    Some((Tok::Num(n), _)) => Literal::Num(n),
                    Some((t, c)) => return err(c, format!("expected an option code in quotes, found {t}")),
                    None => return err(self.end_col, "the condition ends too early"),
                };
                Primary::Bool(Expr::Selected(arg, code))
            }
            _ => {
                return err(
                    col,
                    format!("unknown function '{name}' (known: answered(q), count(q), selected(q, 'code'))"),
                )
            }
        };
        self.expect(Tok::RParen, "')'")?;
        Ok(result)
    }
}

enum Primary {
    Operand(Operand),
    Bool(Expr),
}

fn var(name: &str) -> Var {
    match name.split_once('.') {
        Some((q, row)) => Var {
            question: q.to_owned(),
            row: Some(row.to_owned()),
        },
        None => Var {
            question: name.to_owned(),
            row: None,
        },
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

// ---------------------------------------------------------------------------------------------------------
// Evaluation

/// The value of an operand for one respondent.
enum Val<'a> {
    Code(&'a str),
    Num(f64),
    Text(&'a str),
    Date(NaiveDate),
    Lit(&'a Literal),
    /// Unanswered, or not comparable (a whole multiple choice).
    Missing,
}

/// Evaluates a condition against one respondent's answers (see the module docs for unanswered questions).
///
/// Derived variables are read from `answers` like questions (as `Answer::Choice`); use
/// [`crate::definition::Definition::holds`] or `visible`, which add them.
pub fn eval(expr: &Expr, answers: &Answers) -> bool {
    match expr {
        Expr::And(a, b) => eval(a, answers) && eval(b, answers),
        Expr::Or(a, b) => eval(a, answers) || eval(b, answers),
        Expr::Not(e) => !eval(e, answers),
        Expr::Answered(v) => match (answers.get(&v.question), &v.row) {
            (Some(Answer::Matrix(rows)), Some(row)) => rows.contains_key(row),
            (Some(_), None) => true,
            _ => false,
        },
        Expr::Selected(v, lit) => {
            let code = lit.as_code();
            match answers.get(&v.question) {
                Some(Answer::Choices { codes, .. } | Answer::Ranking(codes)) => {
                    codes.iter().any(|c| codes_equal(c, &code))
                }
                Some(Answer::Choice { code: c, .. }) => codes_equal(c, &code),
                _ => false,
            }
        }
        Expr::In { operand, list, negated } => {
            let value = value_of(operand, answers);
            if matches!(value, Val::Missing) {
                return false;
            }
            let found = list.iter().any(|lit| compare(&value, CmpOp::Eq, &Val::Lit(lit)));
            found != *negated
        }
        Expr::Compare { left, op, right } => {
            let (l, r) = (value_of(left, answers), value_of(right, answers));
            match (&l, &r) {
                (Val::Lit(_), Val::Lit(_)) => compare(&l, *op, &r),
                (Val::Lit(_), _) => compare(&r, op.flipped(), &l),
                _ => compare(&l, *op, &r),
            }
        }
    }
}

fn value_of<'a>(o: &'a Operand, answers: &'a Answers) -> Val<'a> {
    match o {
        Operand::Lit(l) => Val::Lit(l),
        // Unanswered counts as 0 chosen.
        Operand::Count(v) => Val::Num(
            answers
                .get(&v.question)
                .map_or(0.0, |a| u32::try_from(a.count()).map_or(f64::MAX, f64::from)),
        ),
        Operand::Var(v) => match (answers.get(&v.question), &v.row) {
            (Some(Answer::Matrix(rows)), Some(row)) => rows.get(row).map_or(Val::Missing, |c| Val::Code(c)),
            (_, Some(_)) => Val::Missing,
            (Some(Answer::Choice { code, .. } | Answer::Scale(code)), None) => Val::Code(code),
            (Some(Answer::Number(x)), None) => Val::Num(*x),
            (Some(Answer::Text(t)), None) => Val::Text(t),
            (Some(Answer::Date(d)), None) => Val::Date(*d),
            _ => Val::Missing,
        },
    }
}

fn num_of(v: &Val) -> Option<f64> {
    match v {
        Val::Num(x) => Some(*x),
        Val::Code(c) => c.trim().parse().ok(),
        Val::Lit(Literal::Num(x)) => Some(*x),
        Val::Lit(Literal::Str(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Compares two values; false whenever either is missing or they cannot be compared.
fn compare(l: &Val, op: CmpOp, r: &Val) -> bool {
    use std::cmp::Ordering;
    let by_num = || -> Option<Ordering> { num_of(l)?.partial_cmp(&num_of(r)?) };
    match (l, r) {
        (Val::Missing, _) | (_, Val::Missing) => false,
        (Val::Code(c), Val::Lit(lit)) => {
            if op.is_order() {
                by_num().is_some_and(|o| op.test(o))
            } else {
                let eq = codes_equal(c, &lit.as_code());
                if op == CmpOp::Eq {
                    eq
                } else {
                    !eq
                }
            }
        }
        (Val::Text(t), Val::Lit(Literal::Str(s))) if !op.is_order() => op.test(t.cmp(&s.as_str())),
        (Val::Date(d), Val::Lit(Literal::Str(s))) => {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok_and(|lit| op.test(d.cmp(&lit)))
        }
        (Val::Date(a), Val::Date(b)) => op.test(a.cmp(b)),
        (Val::Num(_), Val::Num(_) | Val::Lit(Literal::Num(_))) | (Val::Lit(_), Val::Lit(_)) => {
            by_num().is_some_and(|o| op.test(o))
        }
        _ => false,
    }
}
