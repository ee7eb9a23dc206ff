//! A `constraint` column becomes the limits of the question it belongs to.

use super::*;

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
pub(super) fn against_literal<'a>(op: XOp, l: &'a XExpr, r: &'a XExpr) -> Option<(XOp, &'a XExpr, Lit)> {
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

pub(super) fn visit(e: &XExpr, f: &mut dyn FnMut(&XExpr)) {
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
