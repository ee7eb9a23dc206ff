//! The lexer and the recursive-descent parser of the condition language.

use super::*;

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
