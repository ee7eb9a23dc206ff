//! How a survey's respondents were recruited (the definition's `sample:`).

use serde::{Deserialize, Serialize};

/// How the respondents of a survey were recruited. It decides what the intervals are called and what the
/// methodology page says about them (AAPOR, "Opt-in surveys and margin of error"): only a probability
/// sample has confidence intervals with the repeated-sampling meaning; for other samples the intervals are
/// model-based credibility intervals that assume weighting removes the selection bias.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SampleKind {
    /// Drawn at random from a frame, every unit with a known chance of selection.
    Probability,
    /// Personal invitations to a list that is not a probability sample.
    Invited,
    /// Anyone with the public link could answer (self-selection).
    OptIn,
}

impl SampleKind {
    /// The JSON name, also the suffix of the message ids that describe it.
    pub fn name(self) -> &'static str {
        match self {
            SampleKind::Probability => "probability",
            SampleKind::Invited => "invited",
            SampleKind::OptIn => "opt_in",
        }
    }

    /// Whether its intervals have the classical (repeated-sampling) meaning.
    pub fn is_probability(self) -> bool {
        self == SampleKind::Probability
    }
}
