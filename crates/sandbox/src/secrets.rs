//! Random tokens, and what the sandbox stores instead of secrets: SHA-256 of
//! codes and tokens (high-entropy, so a plain hash is enough to make a stolen
//! database useless), salted hashes of passwords and client secrets, and the
//! PKCE S256 transform (RFC 7636).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 256 random bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `salt$sha256(salt + secret)`.
pub fn hash_secret(secret: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = URL_SAFE_NO_PAD.encode(salt);
    format!("{salt}${}", sha256_hex(&format!("{salt}{secret}")))
}

pub fn verify_secret(secret: &str, stored: &str) -> bool {
    match stored.split_once('$') {
        Some((salt, hash)) => constant_time_eq(&sha256_hex(&format!("{salt}{secret}")), hash),
        None => false,
    }
}

/// `BASE64URL(SHA256(verifier))`, the S256 code challenge.
pub fn pkce_s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_the_rfc_7636_example() {
        // RFC 7636, appendix B.
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn secrets_verify_only_with_the_right_value() {
        let stored = hash_secret("s3cret");
        assert!(!stored.contains("s3cret"));
        assert!(verify_secret("s3cret", &stored));
        assert!(!verify_secret("s3cret ", &stored));
        assert!(!verify_secret("s3cret", "garbage"));
        assert_ne!(hash_secret("s3cret"), stored, "salted");
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
    }
}
