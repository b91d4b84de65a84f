//! Why this exists: a certificate connection is created from PEM text a
//! person pasted, and what goes wrong with that text is common and specific:
//! the key was left out, a private key without its certificate, a certificate
//! that already expired, text that is not PEM at all. The sandbox checks it as
//! Integration Service must before sealing it, so each mistake gets its own
//! message; what it keeps is the subject (the connection's identity) and the
//! expiry (for early warnings).
//!
//! Not checked: that the private key belongs to the certificate (that needs
//! the key's algorithm and a signature), and the chain of trust (the provider
//! trusts the certificate because it was uploaded to the app registration,
//! not because of who issued it).

use chrono::{DateTime, Utc};
use x509_parser::pem::Pem;

/// What a pasted PEM holds that the connection keeps in the clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    /// The subject's common name (else the whole subject).
    pub subject: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
}

/// Why a pasted PEM cannot be used; each message says what to paste instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error(
        "The certificate is not PEM text ({0}). Paste the certificate and its private key as text, each between its -----BEGIN …----- and -----END …----- lines."
    )]
    NotPem(String),
    #[error(
        "The PEM holds no CERTIFICATE block. Paste the certificate (-----BEGIN CERTIFICATE-----) together with its private key."
    )]
    NoCertificate,
    #[error(
        "The PEM holds no PRIVATE KEY block. Paste the certificate together with its private key (-----BEGIN PRIVATE KEY-----); without the key the connection cannot sign in."
    )]
    NoPrivateKey,
    #[error("The certificate cannot be read ({0}). Export it again in PEM form and paste it.")]
    Unreadable(String),
    #[error(
        "The certificate expired on {0}. Create a new certificate, upload it to the app registration, and paste the new one with its key."
    )]
    Expired(String),
    #[error(
        "The certificate is not valid before {0}. Wait until then, or paste a certificate that is valid now."
    )]
    NotYetValid(String),
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn time(t: &x509_parser::time::ASN1Time) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Checks `pem` (a certificate and its private key) at `now`.
pub fn inspect(pem: &str, now: DateTime<Utc>) -> Result<CertificateInfo, CertificateError> {
    // Pasted text is often indented or has Windows line ends.
    let normalized: String = pem
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    let mut certificate = None;
    let mut key = false;
    for block in Pem::iter_from_buffer(normalized.as_bytes()) {
        let block = block.map_err(|e| CertificateError::NotPem(e.to_string()))?;
        if block.label == "CERTIFICATE" {
            if certificate.is_none() {
                certificate = Some(block);
            }
        } else if block.label.ends_with("PRIVATE KEY") && !block.contents.is_empty() {
            key = true;
        }
    }
    let certificate = certificate.ok_or(CertificateError::NoCertificate)?;
    if !key {
        return Err(CertificateError::NoPrivateKey);
    }
    let parsed = certificate
        .parse_x509()
        .map_err(|e| CertificateError::Unreadable(e.to_string()))?;
    let validity = parsed.validity();
    let (not_before, not_after) = (time(&validity.not_before), time(&validity.not_after));
    if not_after <= now {
        return Err(CertificateError::Expired(day(not_after)));
    }
    if not_before > now {
        return Err(CertificateError::NotYetValid(day(not_before)));
    }
    let subject = parsed
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map_or_else(|| parsed.subject().to_string(), str::to_owned);
    Ok(CertificateInfo {
        subject,
        not_before,
        not_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_is_not_a_certificate_and_key_is_named() {
        let now = Utc::now();
        assert_eq!(inspect("hello", now), Err(CertificateError::NoCertificate));
        assert_eq!(
            inspect(
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                now
            ),
            Err(CertificateError::NoCertificate)
        );
        assert!(matches!(
            inspect(
                "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
                now
            ),
            Err(CertificateError::NotPem(_))
        ));
        assert_eq!(
            inspect(
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                now
            ),
            Err(CertificateError::NoPrivateKey)
        );
        assert!(matches!(
            inspect(
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                now
            ),
            Err(CertificateError::Unreadable(_))
        ));
    }
}
