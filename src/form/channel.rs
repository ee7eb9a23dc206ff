//! The channel a respondent came from: `?src=CODE` on the survey link (`vk`, `telegram`, `gosuslugi`, …).
//! A code is 1 to 32 letters, digits, `-` and `_`; anything else, and a link without one, is recorded as
//! [`OTHER`]. The code is never echoed into a page.

/// The channel of links without a valid `src`.
pub const OTHER: &str = "other";
/// Longest channel code.
pub const MAX_LEN: usize = 32;

/// The channel to record for a link's `src` value.
pub fn channel_code(src: Option<&str>) -> String {
    match src {
        Some(s) if is_code(s) => s.to_owned(),
        _ => OTHER.to_owned(),
    }
}

/// Whether `s` is a valid channel code.
pub fn is_code(s: &str) -> bool {
    (1..=MAX_LEN).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_codes_are_kept_and_everything_else_is_other() {
        for ok in ["vk", "telegram", "gosuslugi", "Q1_2026-mail", &"a".repeat(32)] {
            assert_eq!(channel_code(Some(ok)), ok);
        }
        for bad in [
            None,
            Some(""),
            Some("вк"),
            Some("a b"),
            Some("<script>"),
            Some("vk.com"),
            Some(&"a".repeat(33)[..]),
        ] {
            assert_eq!(channel_code(bad), OTHER, "{bad:?}");
        }
    }
}
