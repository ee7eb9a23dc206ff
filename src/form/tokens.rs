//! Respondent tokens and the signed values of the form, all stateless so that any app instance can check
//! what another issued (design.md §6: no session state in process memory).
//!
//! - The respondent token (128 random bits, hex) lives in a per-survey cookie (or is an invitation token);
//!   the database keeps only SHA-256(token) as the respondent key.
//! - CSRF: a token bound to the respondent, HMAC-SHA256(secret, "csrf" ‖ token): a page of another site
//!   can neither read the cookie nor compute the HMAC.
//! - Page time: "ms.sig" with sig = HMAC(secret, "shown" ‖ token ‖ ms), for the minimum time per page and
//!   the response's duration.
//!
//! HMAC follows RFC 2104 (checked against the RFC 4231 test vectors in the tests below).

use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

const BLOCK: usize = 64;

/// HMAC-SHA256 (RFC 2104): H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), keys longer than a block hashed first.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(msg);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// Lower-case hex; by table, since it runs several times per form request (a `format!` per byte showed
/// in profiles of the load example).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Equality that takes the same time wherever the first difference is.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fresh respondent (or invitation) token: 128 random bits as 32 hex digits.
pub fn new_token() -> String {
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    hex(&b)
}

/// Whether `s` looks like a token we issue (cookie and URL values are checked before use).
pub fn is_token(s: &str) -> bool {
    (16..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The respondent key stored in the database: SHA-256 of the token, hex.
pub fn key_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The response id of a respondent in a survey, derived from the token so that randomization (seeded by it)
/// is the same before and after the response is first stored.
pub fn response_id(survey_id: &str, token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"response\0");
    h.update(survey_id.as_bytes());
    h.update([0u8]);
    h.update(token.as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    uuid::Builder::from_random_bytes(b).into_uuid().to_string()
}

/// A random response id (imports).
pub fn random_response_id() -> String {
    Uuid::now_v7().to_string()
}

/// Signs form values with a secret shared by all instances.
#[derive(Clone)]
pub struct Signer {
    secret: Vec<u8>,
}

impl Signer {
    pub fn new(secret: &[u8]) -> Self {
        Signer {
            secret: secret.to_vec(),
        }
    }

    fn mac(&self, parts: &[&str]) -> String {
        hex(&hmac_sha256(&self.secret, parts.join("\0").as_bytes()))
    }

    /// The CSRF token of a respondent.
    pub fn csrf(&self, token: &str) -> String {
        self.mac(&["csrf", token])[..32].to_owned()
    }

    pub fn check_csrf(&self, token: &str, sent: &str) -> bool {
        same(&self.csrf(token), sent)
    }

    /// "ms.sig": the time (Unix ms) a page was shown to the respondent.
    pub fn shown(&self, token: &str, ms: i64) -> String {
        let ms = ms.to_string();
        format!("{ms}.{}", &self.mac(&["shown", token, &ms])[..20])
    }

    /// The time a page was shown, if the value is one this secret signed for this respondent.
    pub fn check_shown(&self, token: &str, sent: &str) -> Option<i64> {
        let (ms, sig) = sent.split_once('.')?;
        let expected = &self.mac(&["shown", token, ms])[..20];
        if same(expected, sig) {
            ms.parse().ok()
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 1.
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        // Test case 2.
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block.
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
        assert_eq!(unhex("0b0c"), vec![11, 12]);
    }

    #[test]
    fn signed_values_check_only_for_their_respondent() {
        let s = Signer::new(b"secret");
        let t = new_token();
        assert!(is_token(&t));
        assert!(s.check_csrf(&t, &s.csrf(&t)));
        assert!(!s.check_csrf(&new_token(), &s.csrf(&t)));
        let shown = s.shown(&t, 1_700_000_000_000);
        assert_eq!(s.check_shown(&t, &shown), Some(1_700_000_000_000));
        assert_eq!(s.check_shown(&new_token(), &shown), None);
        assert_eq!(s.check_shown(&t, "1700000000001.00"), None);
        assert_ne!(response_id("s", &t), response_id("s2", &t));
        assert_eq!(response_id("s", &t), response_id("s", &t));
    }
}
