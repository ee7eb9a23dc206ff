//! A parser for the XPath 1.0 expressions of XLSForm columns (`relevant`, `constraint`, `calculation`,
//! `choice_filter`), reading the whole grammar that form authors write so that what falls outside the
//! supported subset can be named precisely instead of failing as a syntax error.
//!
//! Precedence (XPath 1.0 §3.4–3.7, lowest first): `or`, `and`, `=` `!=`, `<` `<=` `>` `>=`, `+` `-`,
//! `*` `div` `mod`, unary `-`, `|`. XLSForm adds `${name}` for a reference to a question.

use std::fmt;

/// The syntax tree of an XPath expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum XExpr {
    Or(Box<XExpr>, Box<XExpr>),
    And(Box<XExpr>, Box<XExpr>),
    Cmp(XOp, Box<XExpr>, Box<XExpr>),
    /// `+ - * div mod |` (outside the subset, kept to name it in messages).
    Arith(String, Box<XExpr>, Box<XExpr>),
    Neg(Box<XExpr>),
    Call(String, Vec<XExpr>),
    /// `${name}`.
    Ref(String),
    /// `.`, the question itself (constraints).
    Dot,
    Str(String),
    Num(f64),
    /// A bare name or path (`district`, `/data/age`, `..`): in a `choice_filter`, a column of the choices
    /// sheet.
    Path(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl XOp {
    pub fn symbol(self) -> &'static str {
        match self {
            XOp::Eq => "=",
            XOp::Ne => "!=",
            XOp::Lt => "<",
            XOp::Le => "<=",
            XOp::Gt => ">",
            XOp::Ge => ">=",
        }
    }

    /// The operator with its sides swapped (`18 <= x` is `x >= 18`).
    pub fn flipped(self) -> XOp {
        match self {
            XOp::Lt => XOp::Gt,
            XOp::Le => XOp::Ge,
            XOp::Gt => XOp::Lt,
            XOp::Ge => XOp::Le,
            other => other,
        }
    }

    /// Whether `a op b` holds for an ordering of `a` against `b`.
    pub fn test(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            XOp::Eq => ord == Equal,
            XOp::Ne => ord != Equal,
            XOp::Lt => ord == Less,
            XOp::Le => ord != Greater,
            XOp::Gt => ord == Greater,
            XOp::Ge => ord != Less,
        }
    }
}

impl fmt::Display for XExpr {
    /// Writes the expression back in XPath syntax (for messages).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XExpr::Or(a, b) => write!(f, "{a} or {b}"),
            XExpr::And(a, b) => write!(f, "{} and {}", Paren(a), Paren(b)),
            XExpr::Cmp(op, a, b) => write!(f, "{a} {} {b}", op.symbol()),
            XExpr::Arith(op, a, b) => write!(f, "{a} {op} {b}"),
            XExpr::Neg(a) => write!(f, "-{a}"),
            XExpr::Call(name, args) => {
                write!(f, "{name}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
            XExpr::Ref(n) => write!(f, "${{{n}}}"),
            XExpr::Dot => f.write_str("."),
            XExpr::Str(s) => write!(f, "'{s}'"),
            XExpr::Num(n) => write!(f, "{n}"),
            XExpr::Path(p) => f.write_str(p),
        }
    }
}

/// Parenthesizes an `or` inside an `and`.
struct Paren<'a>(&'a XExpr);

impl fmt::Display for Paren<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            XExpr::Or(..) => write!(f, "({})", self.0),
            e => write!(f, "{e}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ref(String),
    Str(String),
    Num(f64),
    Name(String),
    Dot,
    Op(XOp),
    Arith(String),
    LParen,
    RParen,
    Comma,
}

/// Nesting deeper than this is refused rather than risking the stack on hostile input.
const MAX_DEPTH: usize = 64;

/// Longer expressions are refused for the same reason (real ones have a few dozen tokens).
const MAX_TOKENS: usize = 1000;

/// Parses an expression; the error says what is wrong in words.
pub(crate) fn parse(source: &str) -> Result<XExpr, String> {
    let toks = lex(source)?;
    if toks.is_empty() {
        return Err("the expression is empty".into());
    }
    // `a and b and c …` builds a tree as deep as it is long; every walk over it recurses.
    if toks.len() > MAX_TOKENS {
        return Err(format!(
            "the expression is too long (more than {MAX_TOKENS} names, values and operators)"
        ));
    }
    let mut p = Parser { toks, pos: 0, depth: 0 };
    let e = p.or()?;
    match p.toks.get(p.pos) {
        None => Ok(e),
        Some(t) => Err(format!("unexpected {} after a complete expression", show(t))),
    }
}

fn show(t: &Tok) -> String {
    match t {
        Tok::Ref(n) => format!("${{{n}}}"),
        Tok::Str(s) => format!("'{s}'"),
        Tok::Num(n) => format!("{n}"),
        Tok::Name(n) => format!("'{n}'"),
        Tok::Dot => "'.'".into(),
        Tok::Op(op) => format!("'{}'", op.symbol()),
        Tok::Arith(a) => format!("'{a}'"),
        Tok::LParen => "'('".into(),
        Tok::RParen => "')'".into(),
        Tok::Comma => "','".into(),
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '/')
}

fn lex(source: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = source.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        let (tok, len) = match (c, next) {
            (c, _) if c.is_whitespace() => {
                i += 1;
                continue;
            }
            ('$', Some('{')) => {
                let end = chars
                    .iter()
                    .skip(i + 2)
                    .position(|&c| c == '}')
                    .ok_or("a '${' has no closing '}'")?;
                let name: String = chars.iter().skip(i + 2).take(end).collect();
                (Tok::Ref(name.trim().to_owned()), end + 3)
            }
            ('\'' | '"' | '‘' | '’' | '“' | '”', _) => {
                let closing: &[char] = match c {
                    '\'' => &['\''],
                    '"' => &['"'],
                    _ => &['‘', '’', '“', '”'],
                };
                let end = chars
                    .iter()
                    .skip(i + 1)
                    .position(|c| closing.contains(c))
                    .ok_or("a text in quotes has no closing quote")?;
                let s: String = chars.iter().skip(i + 1).take(end).collect();
                (Tok::Str(s), end + 2)
            }
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            (',', _) => (Tok::Comma, 1),
            ('=', _) => (Tok::Op(XOp::Eq), 1),
            ('!', Some('=')) => (Tok::Op(XOp::Ne), 2),
            ('<', Some('=')) => (Tok::Op(XOp::Le), 2),
            ('>', Some('=')) => (Tok::Op(XOp::Ge), 2),
            ('<', _) => (Tok::Op(XOp::Lt), 1),
            ('>', _) => (Tok::Op(XOp::Gt), 1),
            ('+' | '-' | '*' | '|', _) => (Tok::Arith(c.to_string()), 1),
            ('.', n) if !n.is_some_and(|n| n.is_ascii_digit() || n == '.') => (Tok::Dot, 1),
            (c, _) if c.is_ascii_digit() || c == '.' => {
                let len = chars
                    .iter()
                    .skip(i)
                    .take_while(|c| c.is_ascii_digit() || **c == '.')
                    .count();
                let text: String = chars.iter().skip(i).take(len).collect();
                if text == ".." {
                    (Tok::Name(text), len)
                } else {
                    let n = text.parse::<f64>().map_err(|_| format!("'{text}' is not a number"))?;
                    (Tok::Num(n), len)
                }
            }
            (c, _) if c.is_alphabetic() || c == '_' || c == '/' || c == '@' => {
                let len = 1 + chars.iter().skip(i + 1).take_while(|c| is_name_char(**c)).count();
                let word: String = chars.iter().skip(i).take(len).collect();
                let tok = match word.as_str() {
                    "div" | "mod" => Tok::Arith(word),
                    _ => Tok::Name(word),
                };
                (tok, len)
            }
            (c, _) => return Err(format!("unexpected character '{c}'")),
        };
        toks.push(tok);
        i += len;
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Name(n)) if n == word)
    }

    fn or(&mut self) -> Result<XExpr, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("the expression is nested too deeply".into());
        }
        let mut left = self.and()?;
        while self.is_word("or") {
            self.pos += 1;
            left = XExpr::Or(Box::new(left), Box::new(self.and()?));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn and(&mut self) -> Result<XExpr, String> {
        let mut left = self.equality()?;
        while self.is_word("and") {
            self.pos += 1;
            left = XExpr::And(Box::new(left), Box::new(self.equality()?));
        }
        Ok(left)
    }

    fn equality(&mut self) -> Result<XExpr, String> {
        let mut left = self.relational()?;
        while let Some(Tok::Op(op @ (XOp::Eq | XOp::Ne))) = self.peek().cloned() {
            self.pos += 1;
            left = XExpr::Cmp(op, Box::new(left), Box::new(self.relational()?));
        }
        Ok(left)
    }

    fn relational(&mut self) -> Result<XExpr, String> {
        let mut left = self.additive()?;
        while let Some(Tok::Op(op @ (XOp::Lt | XOp::Le | XOp::Gt | XOp::Ge))) = self.peek().cloned() {
            self.pos += 1;
            left = XExpr::Cmp(op, Box::new(left), Box::new(self.additive()?));
        }
        Ok(left)
    }

    fn additive(&mut self) -> Result<XExpr, String> {
        let mut left = self.multiplicative()?;
        while let Some(Tok::Arith(op)) = self.peek().cloned() {
            if op != "+" && op != "-" {
                break;
            }
            self.pos += 1;
            left = XExpr::Arith(op, Box::new(left), Box::new(self.multiplicative()?));
        }
        Ok(left)
    }

    fn multiplicative(&mut self) -> Result<XExpr, String> {
        let mut left = self.unary()?;
        while let Some(Tok::Arith(op)) = self.peek().cloned() {
            if !matches!(op.as_str(), "*" | "div" | "mod" | "|") {
                break;
            }
            self.pos += 1;
            left = XExpr::Arith(op, Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<XExpr, String> {
        // Counted rather than recursive, so a long run of '-' cannot exhaust the stack.
        let mut minus = 0usize;
        while matches!(self.peek(), Some(Tok::Arith(op)) if op == "-") {
            self.pos += 1;
            minus += 1;
        }
        let mut e = self.primary()?;
        for _ in 0..minus {
            e = match e {
                XExpr::Num(n) => XExpr::Num(-n),
                e => XExpr::Neg(Box::new(e)),
            };
        }
        Ok(e)
    }

    fn primary(&mut self) -> Result<XExpr, String> {
        let tok = self.peek().cloned();
        self.pos += 1;
        match tok {
            None => Err("the expression ends too early".into()),
            Some(Tok::Ref(n)) => Ok(XExpr::Ref(n)),
            Some(Tok::Str(s)) => Ok(XExpr::Str(s)),
            Some(Tok::Num(n)) => Ok(XExpr::Num(n)),
            Some(Tok::Dot) => Ok(XExpr::Dot),
            Some(Tok::LParen) => {
                let e = self.or()?;
                self.expect_rparen()?;
                Ok(e)
            }
            Some(Tok::Name(name)) => {
                if matches!(self.peek(), Some(Tok::LParen)) {
                    self.pos += 1;
                    self.call(name)
                } else {
                    Ok(XExpr::Path(name))
                }
            }
            Some(t) => Err(format!("unexpected {}", show(&t))),
        }
    }

    fn call(&mut self, name: String) -> Result<XExpr, String> {
        let mut args = Vec::new();
        if matches!(self.peek(), Some(Tok::RParen)) {
            self.pos += 1;
            return Ok(XExpr::Call(name, args));
        }
        loop {
            args.push(self.or()?);
            match self.peek() {
                Some(Tok::Comma) => self.pos += 1,
                Some(Tok::RParen) => {
                    self.pos += 1;
                    return Ok(XExpr::Call(name, args));
                }
                Some(t) => return Err(format!("expected ',' or ')' in {name}(), found {}", show(t))),
                None => return Err(format!("{name}( has no closing ')'")),
            }
        }
    }

    fn expect_rparen(&mut self) -> Result<(), String> {
        match self.peek() {
            Some(Tok::RParen) => {
                self.pos += 1;
                Ok(())
            }
            Some(t) => Err(format!("expected ')', found {}", show(t))),
            None => Err("a '(' has no closing ')'".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_follows_xpath() {
        let e = parse("${a} = 'x' or ${b} > 2 and not(${c} != '')").unwrap_or(XExpr::Dot);
        let XExpr::Or(_, right) = e else {
            panic!("or should be on top")
        };
        assert!(matches!(*right, XExpr::And(..)));
    }

    #[test]
    fn names_with_colons_and_dashes_are_functions() {
        assert_eq!(
            parse("jr:choice-name(${a}, '${a}')"),
            Ok(XExpr::Call(
                "jr:choice-name".into(),
                vec![XExpr::Ref("a".into()), XExpr::Str("${a}".into())]
            ))
        );
        assert_eq!(
            parse("count-selected(.) <= 3"),
            Ok(XExpr::Cmp(
                XOp::Le,
                Box::new(XExpr::Call("count-selected".into(), vec![XExpr::Dot])),
                Box::new(XExpr::Num(3.0))
            ))
        );
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        for s in ["", "(", "${a", "'abc", "a ==", "1 2", "((((", "$", ")"] {
            assert!(parse(s).is_err(), "{s}");
        }
        let deep = "(".repeat(10_000);
        assert!(parse(&deep).is_err());
        let long = vec!["${a} = 1"; 5_000].join(" and ");
        assert!(parse(&long).is_err_and(|e| e.contains("too long")));
        let minus = format!("{}1", "-".repeat(100_000));
        assert!(parse(&minus).is_err());
    }
}
