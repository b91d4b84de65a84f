//! Reading codes out of error bodies in every dialect a connection failure
//! arrives in (Integration Service, Entra/OAuth, Slack, Graph, a redirect
//! query, plain text). Only codes are taken; prose is never matched.

use serde_json::{Map, Value};

use super::{Explanation, Signal, explain};

/// Explains an HTTP error answer: parses a JSON error body of any known shape
/// (`{code, message}` from Integration Service; `{error, error_description,
/// error_codes}` from Entra and OAuth servers; Slack's `{ok: false, error}`;
/// `{error: {code, message}}` as Microsoft Graph sends it), a form-encoded
/// `error=…` redirect query, or plain text, collects every code in it
/// (`AADSTSnnnn`, `CNSnnnn`, `DAP-XX-nnnn` anywhere in the text), adds the
/// HTTP status, and calls [`explain`]. Garbage or an empty body leaves only the
/// status.
pub fn explain_error_body(http_status: Option<u16>, body: &str) -> Explanation {
    let found = BodyCodes::read(body);
    let mut signals: Vec<Signal<'_>> = found.aadsts.iter().map(|&n| Signal::Aadsts(n)).collect();
    if let Some(error) = &found.slack {
        signals.push(Signal::Provider {
            provider: "slack",
            error,
        });
    }
    if let Some(error) = &found.oauth {
        // The description's AADSTS codes are already in `found.aadsts`.
        signals.push(Signal::OAuth {
            error,
            description: None,
        });
    }
    signals.extend(found.codes.iter().map(|code| Signal::Cns { code }));
    if let Some(status) = http_status {
        signals.push(Signal::Http(status));
    }
    explain(&signals)
}

/// Every code found in an error body, most specific kinds apart.
#[derive(Debug, Default)]
struct BodyCodes {
    aadsts: Vec<u32>,
    slack: Option<String>,
    oauth: Option<String>,
    /// `code` fields and `CNS…`/`DAP-…` codes found in the text.
    codes: Vec<String>,
}

impl BodyCodes {
    fn read(body: &str) -> Self {
        let body = body.trim();
        let mut found = Self::default();
        match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(map)) => found.read_json(&map),
            Ok(_) => {}
            Err(_) => found.read_query(body),
        }
        for n in aadsts_codes(body) {
            if !found.aadsts.contains(&n) {
                found.aadsts.push(n);
            }
        }
        for code in tokens(body).filter(|t| is_service_code(t)) {
            found.push_code(code);
        }
        found
    }

    fn read_json(&mut self, map: &Map<String, Value>) {
        if let Some(Value::Array(codes)) = map.get("error_codes") {
            for value in codes {
                let n = match value {
                    Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
                    Value::String(s) => s.trim().parse().ok(),
                    _ => None,
                };
                if let Some(n) = n.filter(|n| !self.aadsts.contains(n)) {
                    self.aadsts.push(n);
                }
            }
        }
        match map.get("error") {
            Some(Value::String(error)) if is_code_like(error) => {
                if map.get("ok") == Some(&Value::Bool(false)) {
                    self.slack = Some(error.clone());
                } else {
                    self.oauth = Some(error.clone());
                }
            }
            // Microsoft Graph and other REST APIs: {"error": {"code": …, "message": …}}.
            Some(Value::Object(inner)) => {
                if let Some(Value::String(code)) = inner.get("code") {
                    self.push_code(code);
                }
            }
            _ => {}
        }
        for field in ["code", "errorCode", "error_code"] {
            if let Some(Value::String(code)) = map.get(field) {
                self.push_code(code);
            }
        }
    }

    /// `error=access_denied&error_description=…`, as a sign-in redirect carries it.
    fn read_query(&mut self, body: &str) {
        let query = body.trim_start_matches(['?', '#']);
        if let Some((_, error)) = url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, value)| key == "error" && is_code_like(value))
        {
            self.oauth = Some(error.into_owned());
        }
    }

    fn push_code(&mut self, code: &str) {
        let code = code.trim();
        if is_code_like(code) && !self.codes.iter().any(|c| c.eq_ignore_ascii_case(code)) {
            self.codes.push(code.to_owned());
        }
    }
}

/// Looks like a code, not prose: short, no spaces.
fn is_code_like(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

/// Words of a text: runs of ASCII letters, digits and dashes.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|t| !t.is_empty())
}

/// Every `AADSTSnnnn` code in a text, in order, without repeats.
pub(crate) fn aadsts_codes(text: &str) -> Vec<u32> {
    let mut codes = Vec::new();
    for token in tokens(text) {
        // `AADSTS700082` alone or glued to what follows (`AADSTS700082-x`).
        let Some(rest) = token.strip_prefix("AADSTS") else {
            continue;
        };
        let digits = rest.split('-').next().unwrap_or_default();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Ok(n) = digits.parse::<u32>()
            && !codes.contains(&n)
        {
            codes.push(n);
        }
    }
    codes
}

/// `CNS1008` or `DAP-GE-3005`.
pub(super) fn is_service_code(token: &str) -> bool {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = token.strip_prefix("CNS") {
        return all_digits(rest);
    }
    let mut parts = token.split('-');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("DAP"), Some(area), Some(number), None)
            if area.len() == 2 && area.bytes().all(|b| b.is_ascii_uppercase()) && all_digits(number)
    )
}
