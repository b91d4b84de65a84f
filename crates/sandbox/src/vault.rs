//! Why this exists: a reconnect leaves the sandbox holding a connection's
//! access and refresh tokens, the way Integration Service holds them for a
//! real tenant. They must be usable by the sandbox yet useless to anyone who
//! copies its database, so they are sealed with AES-256-GCM before they are
//! stored.
//!
//! The key is 256 random bits drawn when the sandbox starts and kept only in
//! memory: it is never written anywhere, so tokens stored by an earlier run
//! cannot be opened after a restart (nothing in the sandbox needs them then;
//! a reconnect stores new ones). Every record gets its own random 96-bit
//! nonce, and the record's name is the associated data, so a sealed value
//! moved to another record does not open.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use rand::RngCore;

/// Sealed values start with this, so a format change can be told apart.
const PREFIX: &str = "v1:";
const NONCE_BYTES: usize = 12;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VaultError {
    #[error("the value could not be sealed")]
    Seal,
    /// Tampered with, sealed for another record, or sealed by an earlier run.
    #[error("the sealed value does not open with this sandbox's key")]
    Open,
}

pub struct Vault {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault([key redacted])")
    }
}

impl Default for Vault {
    fn default() -> Self {
        Self::new()
    }
}

impl Vault {
    /// A vault with a fresh random key.
    pub fn new() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        let cipher = Aes256Gcm::new(&key.into());
        key.fill(0);
        Self { cipher }
    }

    /// `v1:` + Base64(nonce ‖ ciphertext ‖ tag), bound to `record`.
    pub fn seal(&self, record: &str, plaintext: &[u8]) -> Result<String, VaultError> {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: record.as_bytes(),
                },
            )
            .map_err(|_| VaultError::Seal)?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", STANDARD_NO_PAD.encode(bytes)))
    }

    pub fn open(&self, record: &str, sealed: &str) -> Result<Vec<u8>, VaultError> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b| STANDARD_NO_PAD.decode(b).ok())
            .filter(|b| b.len() > NONCE_BYTES)
            .ok_or(VaultError::Open)?;
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: record.as_bytes(),
                },
            )
            .map_err(|_| VaultError::Open)
    }

    /// Seals a JSON value.
    pub fn seal_json(&self, record: &str, value: &serde_json::Value) -> Result<String, VaultError> {
        self.seal(record, value.to_string().as_bytes())
    }

    pub fn open_json(&self, record: &str, sealed: &str) -> Result<serde_json::Value, VaultError> {
        serde_json::from_slice(&self.open(record, sealed)?).map_err(|_| VaultError::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_for_its_record_and_key() {
        let vault = Vault::new();
        let sealed = vault.seal("connection/1", b"secret-token").unwrap();
        assert!(!sealed.contains("secret-token"));
        assert_eq!(
            vault.open("connection/1", &sealed).unwrap(),
            b"secret-token"
        );
        assert_eq!(vault.open("connection/2", &sealed), Err(VaultError::Open));
        assert_eq!(
            Vault::new().open("connection/1", &sealed),
            Err(VaultError::Open)
        );
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce_and_tampering_is_caught() {
        let vault = Vault::new();
        let a = vault.seal("r", b"same").unwrap();
        let b = vault.seal("r", b"same").unwrap();
        assert_ne!(a, b);
        let mut bytes = STANDARD_NO_PAD.decode(&a[PREFIX.len()..]).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = format!("{PREFIX}{}", STANDARD_NO_PAD.encode(bytes));
        assert_eq!(vault.open("r", &tampered), Err(VaultError::Open));
        assert_eq!(vault.open("r", "v1:"), Err(VaultError::Open));
        assert_eq!(vault.open("r", "plain"), Err(VaultError::Open));
    }
}
