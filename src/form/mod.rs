//! Respondent forms, as pure logic (no I/O): submitted fields → typed answers with per-field problems
//! ([`parse`]), which page comes next ([`flow`]), one step through the form — the page sent, checked and
//! merged into the answers so far ([`step`], shared by the respondent form and the staff preview) — what
//! a sent page writes ([`submission`]), per-respondent random orders ([`random`]), what the templates
//! receive ([`view`]), signed tokens ([`tokens`]) and the CSV form of responses ([`csvio`]).
//! The HTTP side is `web::form`; persistence is `store::responses` and `store::writer`.

pub mod channel;
pub mod condjs;
pub mod csvio;
pub mod fields;
pub mod flow;
pub mod messages;
pub mod parse;
pub mod random;
pub mod step;
pub mod submission;
pub mod tokens;
pub mod view;

#[cfg(test)]
mod view_tests;

pub use fields::Fields;
pub use flow::{Flow, Meta};
pub use messages::Problem;
pub use parse::{parse_all, parse_page, prune, FieldError, Parsed};
pub use random::{draw, Orders};
pub use step::{place, sent_position, take_page, wants_back, Place, Taken};
