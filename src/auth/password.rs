//! Password hashing with Argon2id (RFC 9106), in the PHC string format (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`)
//! so parameters can be raised later without invalidating stored hashes. Parameters: the `argon2` crate's
//! defaults (m = 19 MiB, t = 2, p = 1), the OWASP Password Storage Cheat Sheet's first recommendation.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;

use super::AuthError;

/// Shortest accepted password (NIST SP 800-63B: at least 8 characters).
pub const MIN_LENGTH: usize = 10;
/// Longest accepted password (bounds the hashing cost of one request).
pub const MAX_LENGTH: usize = 256;

/// Checks a new password's length (in characters).
pub fn check_new(password: &str) -> Result<(), AuthError> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        return Err(AuthError::WeakPassword);
    }
    if n > MAX_LENGTH {
        return Err(AuthError::LongPassword);
    }
    Ok(())
}

/// Hashes a password with a fresh 128-bit random salt.
pub fn hash(password: &str) -> Result<String, AuthError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| AuthError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// Whether `password` matches the stored PHC string. A malformed stored hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    if password.len() > MAX_LENGTH * 4 {
        return false;
    }
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Verifies against a fixed hash: used for unknown logins so that they take as long as a wrong password
/// and the answer time does not tell whether an account exists.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("dummy password for timing").unwrap_or_default());
    let _ = verify(password, stored);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_and_is_argon2id_salted() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert_ne!(h, hash("correct horse battery").unwrap(), "salts differ");
        assert!(!verify("x", "not a phc string"));
    }

    /// A hash made by the reference C implementation (Debian `argon2` 0~20190702:
    /// `echo -n "correct horse battery" | argon2 opros-salt-16b -id -t 2 -m 15 -p 1 -e`) verifies, so
    /// hashes are interchangeable with other Argon2id tools.
    #[test]
    fn verifies_reference_implementation_hash() {
        let reference =
            "$argon2id$v=19$m=32768,t=2,p=1$b3Byb3Mtc2FsdC0xNmI$O0zQG0aKwWRQjXnR3oAU7ISilqvRxhBZfI9pSD+0g/0";
        assert!(verify("correct horse battery", reference));
        assert!(!verify("correct horse battery ", reference));
    }

    #[test]
    fn lengths_are_checked() {
        assert!(check_new("short").is_err());
        assert!(check_new("long enough pw").is_ok());
        assert!(check_new(&"x".repeat(MAX_LENGTH + 1)).is_err());
    }
}
