//! A wrapper for values that must never be logged or written anywhere but the
//! OS keychain: tokens, client secrets, PKCE verifiers.
//!
//! `Debug` prints `Secret([redacted])`, there is no `Display`, and the type does
//! not implement `Serialize`, so a secret cannot reach a log line, an IPC payload
//! or a JSON file by accident; reading it takes an explicit [`Secret::expose`].

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret value. Call sites are the places to audit.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

/// Reading a secret in (from IPC or a file the user chose) is allowed; writing
/// one out is not: there is no `Serialize`.
impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Secret<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Self)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    #[allow(dead_code)]
    struct Credentials {
        client_id: String,
        client_secret: Secret<String>,
    }

    // Serializing a secret must not even compile.
    static_assertions::assert_not_impl_any!(Secret<String>: serde::Serialize, std::fmt::Display);

    #[test]
    fn debug_never_shows_the_value() {
        let creds = Credentials {
            client_id: "app-123".into(),
            client_secret: Secret::new("s3cr3t-value".into()),
        };
        let printed = format!("{creds:?} {creds:#?}");
        assert!(!printed.contains("s3cr3t-value"), "{printed}");
        assert!(printed.contains("Secret([redacted])"));
        assert!(printed.contains("app-123"));
        assert_eq!(creds.client_secret.expose(), "s3cr3t-value");
    }
}
