//! Coding of open answers: codebooks, search by word stems, suggested codes, agreement between coders,
//! and masking of personal details in published quotes. Pure: no I/O (the store keeps codebook versions,
//! codings and quotes; the web workbench drives them).

pub mod agreement;
pub mod codebook;
pub mod mask;
pub mod model_cache;
pub mod stem;
pub mod suggest;

pub use agreement::{codebook_agreement, cohen_kappa, krippendorff_alpha, CodebookAgreement, DoubleCoded, Undefined};
pub use codebook::{AssignError, Change, ChangeKind, Code, Codebook, Net};
pub use mask::{mask, Masked};
pub use model_cache::ModelCache;
pub use stem::{Search, Stems};
pub use suggest::{accuracy, Accuracy, Features, Model, Suggestion};

#[cfg(test)]
mod reference_tests;
