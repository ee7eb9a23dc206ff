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

/// Hex digits of the creation time that lead a [`new_token`].
const TIME_DIGITS: usize = 11;

/// A fresh respondent (or invitation) token: its creation time in milliseconds as 11 hex digits, then 128
/// random bits as 32 hex digits. The random part is the secret; the time prefix only orders the keys
/// derived from tokens ([`key_hash`]), so that the database appends new respondents to its index instead
/// of writing into random pages of it (measured with the load example: random keys made the SQLite writer ~3× slower per row
/// and wrote one index page per response to the WAL). The time says when the form was first opened,
/// which the response records anyway.
pub fn new_token() -> String {
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    let millis = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
    format!("{millis:0w$x}{}", hex(&b), w = TIME_DIGITS)
}

/// The time prefix of a token made by [`new_token`] (43 lowercase hex digits); None for older tokens
/// (32 digits) and any other form.
fn time_prefix(token: &str) -> Option<&str> {
    let timed = token.len() == TIME_DIGITS + 32 && token.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    timed.then(|| &token[..TIME_DIGITS])
}

/// Whether `s` looks like a token we issue (cookie and URL values are checked before use).
pub fn is_token(s: &str) -> bool {
    (16..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The respondent key stored in the database: SHA-256 of the token, hex, led by the token's time prefix
/// when it has one (`<11 hex digits>-<64 hex digits>`), so that keys of new respondents sort after older
/// ones. Tokens issued before the prefix existed keep their plain SHA-256 key.
pub fn key_hash(token: &str) -> String {
    let digest = hex(&Sha256::digest(token.as_bytes()));
    match time_prefix(token) {
        Some(prefix) => format!("{prefix}-{digest}"),
        None => digest,
    }
}

/// The seed of a new respondent's random orders (pages, questions, options), derived from the token so
/// that the orders are the same on every page view before the response is first stored (they are then
/// stored with it).
pub fn order_seed(survey_id: &str, token: &str) -> String {
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

/// A new response id: a UUIDv7, which starts with its creation time, so new rows are appended to the
/// primary-key index (form submissions and imports).
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
    /// A respondent's fingerprint for duplicate screening: HMAC-SHA-256, under the instance secret, of the
    /// network address and the browser's User-Agent, truncated to 128 bits. Without the secret it cannot be
    /// turned back into an address by trying every address.
    pub fn fingerprint(&self, address: &str, user_agent: &str) -> String {
        let mac = hmac_sha256(&self.secret, format!("fingerprint\0{address}\0{user_agent}").as_bytes());
        hex(&mac[..16])
    }

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
    fn keys_of_new_tokens_sort_by_creation_time_and_older_tokens_keep_their_key() {
        let first = new_token();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = new_token();
        assert!(is_token(&first) && first.len() == 43);
        assert!(key_hash(&first) < key_hash(&second), "{first} {second}");
        let key = key_hash(&first);
        assert_eq!(&key[..12], &format!("{}-", &first[..11]));
        assert_eq!(&key[12..], hex(&Sha256::digest(first.as_bytes())));
        // A token issued before the time prefix (32 hex digits), and other forms, hash as before.
        let legacy = "0123456789abcdef0123456789abcdef";
        assert_eq!(key_hash(legacy), hex(&Sha256::digest(legacy.as_bytes())));
        let upper = "0123456789ABCDEF0123456789abcdef0123456789a";
        assert_eq!(key_hash(upper), hex(&Sha256::digest(upper.as_bytes())));
        // Distinct tokens with one creation time keep distinct keys.
        let twin = format!("{}{}", &first[..11], "f".repeat(32));
        assert_ne!(key_hash(&twin), key_hash(&first));
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
        assert_ne!(order_seed("s", &t), order_seed("s2", &t));
        assert_eq!(order_seed("s", &t), order_seed("s", &t));
    }
}
