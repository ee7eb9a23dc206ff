//! What is specific to each question type gets its home here, one module per type: its settings, the
//! checks of its definition, how its answer is read from form fields and checked, its view data, its coded
//! slot, its export columns and cells, and its tests. The rest of the code only dispatches to the type's
//! module, with one arm per type in each `match` over [`crate::definition::QuestionKind`].
//!
//! The older types still have their logic spread over `definition`, `form`, `store`, `report` and
//! `export`; new types start here.

// A new variant of an enum these modules match on is noticed here, not swallowed by `_`.
#![warn(clippy::wildcard_enum_match_arm)]

pub mod constant_sum;
