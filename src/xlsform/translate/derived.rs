//! A `calculate` row of the `if(…)` shape becomes a derived variable (bins or groups).

use super::*;

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
