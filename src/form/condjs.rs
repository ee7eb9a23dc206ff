//! Conditions and answers as JSON for `static/form.js`, which shows and hides questions at once when a
//! condition depends on answers given on the same page. The script mirrors
//! [`crate::definition::condition::eval`] (same rules for unanswered questions and code equality); the
//! server re-checks every condition on submit, so the script only affects what is displayed.

use serde_json::{json, Value};

use crate::definition::condition::{CmpOp, Literal, Operand, Var};
use crate::definition::Expr;
pub use crate::question::answers::answer_json;

fn var(v: &Var) -> Value {
    json!({"q": v.question, "row": v.row})
}

fn lit(l: &Literal) -> Value {
    match l {
        Literal::Str(s) => json!({"s": s}),
        Literal::Num(n) => json!({"n": n}),
    }
}

fn operand(o: &Operand) -> Value {
    match o {
        Operand::Var(v) => json!({"var": var(v)}),
        Operand::Count(v) => json!({"count": var(v)}),
        Operand::Lit(l) => json!({"lit": lit(l)}),
    }
}

fn op(o: CmpOp) -> &'static str {
    match o {
        CmpOp::Eq => "==",
        CmpOp::Ne => "!=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
    }
}

/// The syntax tree as JSON: `{"and": [a, b]}`, `{"or": [a, b]}`, `{"not": a}`,
/// `{"cmp": op, "l": operand, "r": operand}`, `{"in": operand, "list": [lit], "neg": bool}`,
/// `{"answered": var}`, `{"selected": var, "code": lit}`.
pub fn expr_json(e: &Expr) -> Value {
    match e {
        Expr::And(a, b) => json!({"and": [expr_json(a), expr_json(b)]}),
        Expr::Or(a, b) => json!({"or": [expr_json(a), expr_json(b)]}),
        Expr::Not(a) => json!({"not": expr_json(a)}),
        Expr::Compare { left, op: o, right } => json!({"cmp": op(*o), "l": operand(left), "r": operand(right)}),
        Expr::In {
            operand: o,
            list,
            negated,
        } => {
            json!({"in": operand(o), "list": list.iter().map(lit).collect::<Vec<_>>(), "neg": negated})
        }
        Expr::Answered(v) => json!({"answered": var(v)}),
        Expr::Selected(v, l) => json!({"selected": var(v), "code": lit(l)}),
    }
}
