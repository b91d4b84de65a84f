//! Fault injection (`--faults`), reproducible from a seed: answers that real
//! tenants give on bad days, so clients can be tested against them. A spec is
//! comma-separated `key=value` pairs:
//!
//! - `rate=0.2`: the share of API requests (identity excluded) that fail;
//! - `kinds=429+503+500+truncated+timeout`: which failures to draw from;
//! - `seed=7`: the random sequence (same seed and requests, same faults);
//! - `forbid=Finance`: every request scoped to that folder (path or key) gets 403,
//!   whatever the rate, as when a folder permission is removed;
//! - `hang-ms=2000`: how long a `timeout` fault holds the answer back.

use std::sync::Mutex;
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    RateLimited,
    Unavailable,
    Internal,
    Truncated,
    Timeout,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FaultSpec {
    pub rate: f64,
    pub kinds: Vec<Fault>,
    pub seed: u64,
    pub forbid: Option<String>,
    pub hang: Duration,
}

impl Default for FaultSpec {
    fn default() -> Self {
        Self {
            rate: 0.0,
            kinds: vec![],
            seed: 1,
            forbid: None,
            hang: Duration::from_secs(2),
        }
    }
}

impl FaultSpec {
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut out = FaultSpec::default();
        for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("{pair:?} is not key=value"))?;
            match key {
                "rate" => {
                    out.rate = value
                        .parse()
                        .ok()
                        .filter(|r| (0.0..=1.0).contains(r))
                        .ok_or_else(|| format!("rate must be between 0 and 1, not {value:?}"))?;
                }
                "seed" => {
                    out.seed = value
                        .parse()
                        .map_err(|_| format!("seed must be a whole number, not {value:?}"))?
                }
                "forbid" => out.forbid = Some(value.to_owned()),
                "hang-ms" => {
                    out.hang =
                        Duration::from_millis(value.parse().map_err(|_| {
                            format!("hang-ms must be a whole number, not {value:?}")
                        })?)
                }
                "kinds" => {
                    out.kinds = value
                        .split('+')
                        .map(|k| match k {
                            "429" => Ok(Fault::RateLimited),
                            "503" => Ok(Fault::Unavailable),
                            "500" => Ok(Fault::Internal),
                            "truncated" => Ok(Fault::Truncated),
                            "timeout" => Ok(Fault::Timeout),
                            other => Err(format!("unknown fault kind {other:?}; the kinds are 429, 503, 500, truncated, timeout")),
                        })
                        .collect::<Result<_, _>>()?;
                }
                other => {
                    return Err(format!(
                        "unknown fault setting {other:?}; the settings are rate, kinds, seed, forbid, hang-ms"
                    ));
                }
            }
        }
        if out.rate > 0.0 && out.kinds.is_empty() {
            out.kinds = vec![Fault::RateLimited, Fault::Unavailable];
        }
        Ok(out)
    }
}

#[derive(Debug)]
pub struct Injector {
    spec: FaultSpec,
    rng: Mutex<StdRng>,
}

impl Injector {
    pub fn new(spec: FaultSpec) -> Self {
        let rng = Mutex::new(StdRng::seed_from_u64(spec.seed));
        Self { spec, rng }
    }

    pub fn spec(&self) -> &FaultSpec {
        &self.spec
    }

    /// The fault to inject on the next API request, if any.
    pub fn draw(&self) -> Option<Fault> {
        if self.spec.rate <= 0.0 || self.spec.kinds.is_empty() {
            return None;
        }
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        if rng.random::<f64>() >= self.spec.rate {
            return None;
        }
        let i = rng.random_range(0..self.spec.kinds.len());
        self.spec.kinds.get(i).copied()
    }
}

/// The answer a drawn fault gives instead of the real one (`Truncated` and
/// `Timeout` wrap the real answer, see `http::faults`).
pub fn error_response(fault: Fault) -> Option<Response> {
    let (status, body) = match fault {
        Fault::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            r#"{"message":"Too many requests.","errorCode":0}"#,
        ),
        Fault::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            r#"{"message":"The service is temporarily unavailable.","errorCode":0}"#,
        ),
        Fault::Internal => (
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"message":"An unexpected error occurred.","errorCode":0}"#,
        ),
        Fault::Truncated | Fault::Timeout => return None,
    };
    let mut response = (status, [("content-type", "application/json")], body).into_response();
    if fault == Fault::RateLimited {
        response
            .headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
    }
    Some(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_explain_mistakes() {
        let s = FaultSpec::parse("rate=0.25,kinds=429+truncated,seed=9,forbid=Finance,hang-ms=50")
            .unwrap();
        assert_eq!(s.kinds, vec![Fault::RateLimited, Fault::Truncated]);
        assert_eq!(
            (s.rate, s.seed, s.forbid.as_deref(), s.hang),
            (0.25, 9, Some("Finance"), Duration::from_millis(50))
        );
        assert!(
            FaultSpec::parse("rate=2")
                .unwrap_err()
                .contains("between 0 and 1")
        );
        assert!(
            FaultSpec::parse("kinds=418")
                .unwrap_err()
                .contains("the kinds are")
        );
        assert!(
            FaultSpec::parse("bogus=1")
                .unwrap_err()
                .contains("the settings are")
        );
    }

    #[test]
    fn the_same_seed_draws_the_same_faults() {
        let spec = FaultSpec::parse("rate=0.5,kinds=429+503+500,seed=42").unwrap();
        let draws = |i: &Injector| (0..200).map(|_| i.draw()).collect::<Vec<_>>();
        let (a, b) = (Injector::new(spec.clone()), Injector::new(spec));
        let (da, db) = (draws(&a), draws(&b));
        assert_eq!(da, db);
        let failed = da.iter().filter(|d| d.is_some()).count();
        assert!(
            (60..140).contains(&failed),
            "about half of 200 fail: {failed}"
        );
    }
}
