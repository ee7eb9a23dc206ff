//! Evaluating a condition against one respondent's answers.

use super::*;

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
