//! Fault injection (`--faults`), reproducible from a seed: answers that real
//! tenants give on bad days, so clients can be tested against them. A spec is
//! comma-separated `key=value` pairs:
//!
//! - `rate=0.2`: the share of API requests (identity excluded) that fail;
//! - `kinds=429+503+500+truncated+timeout+reset+malformed`: which failures to
//!   draw from (`hang` is another name for `timeout`);
//! - `seed=7`: the random sequence (same seed and requests, same faults);
//! - `forbid=Finance`: every request scoped to that folder (path or key) gets 403,
//!   whatever the rate, as when a folder permission is removed;
//! - `slow=Finance`: every request scoped to that folder answers only after
//!   `slow-ms` (default 45 s), whatever the rate: one overloaded folder;
//! - `hang-ms=2000`: how long a `timeout` fault holds the answer back;
//! - `on=api|identity|all`: which requests the drawn faults hit (default
//!   `api`: the identity server is spared so sign-in works; `identity` tests a
//!   client's token requests).
//!
//! `reset` drops the connection without an answer (what a proxy or a
//! restarting server does); `malformed` answers 200 with a page that is not
//! JSON (a captive portal, a proxy's error page); `truncated` cuts the real
//! answer in half.

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
    Reset,
    Malformed,
}

/// Which requests the drawn faults hit (`on=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultTarget {
    /// Orchestrator and Integration Service; identity is spared.
    Api,
    /// Only the identity server (`/identity_`).
    Identity,
    Both,
}

impl FaultTarget {
    /// Whether a request to the identity server (`identity`) or to an API is hit.
    pub fn hits(self, identity: bool) -> bool {
        match self {
            Self::Api => !identity,
            Self::Identity => identity,
            Self::Both => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FaultSpec {
    pub rate: f64,
    pub kinds: Vec<Fault>,
    pub seed: u64,
    pub forbid: Option<String>,
    pub hang: Duration,
    /// A folder (path or key) that always answers after `slow_by`.
    pub slow: Option<String>,
    pub slow_by: Duration,
    pub on: FaultTarget,
}

impl Default for FaultSpec {
    fn default() -> Self {
        Self {
            rate: 0.0,
            kinds: vec![],
            seed: 1,
            forbid: None,
            hang: Duration::from_secs(2),
            slow: None,
            slow_by: Duration::from_secs(45),
            on: FaultTarget::Api,
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
                "slow" => out.slow = Some(value.to_owned()),
                "hang-ms" => out.hang = millis("hang-ms", value)?,
                "slow-ms" => out.slow_by = millis("slow-ms", value)?,
                "on" => {
                    out.on = match value {
                        "api" => FaultTarget::Api,
                        "identity" => FaultTarget::Identity,
                        "all" => FaultTarget::Both,
                        other => {
                            return Err(format!("on must be api, identity or all, not {other:?}"));
                        }
                    }
                }
                "kinds" => {
                    out.kinds = value
                        .split('+')
                        .map(|k| match k {
                            "429" => Ok(Fault::RateLimited),
                            "503" => Ok(Fault::Unavailable),
                            "500" => Ok(Fault::Internal),
                            "truncated" => Ok(Fault::Truncated),
                            "timeout" | "hang" => Ok(Fault::Timeout),
                            "reset" => Ok(Fault::Reset),
                            "malformed" => Ok(Fault::Malformed),
                            other => Err(format!("unknown fault kind {other:?}; the kinds are 429, 503, 500, truncated, timeout (or hang), reset, malformed")),
                        })
                        .collect::<Result<_, _>>()?;
                }
                other => {
                    return Err(format!(
                        "unknown fault setting {other:?}; the settings are rate, kinds, seed, forbid, slow, hang-ms, slow-ms, on"
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

/// A duration in milliseconds, at most an hour (a longer hold is a hang
/// nobody waits for, and would overflow timers).
fn millis(name: &str, value: &str) -> Result<Duration, String> {
    value
        .parse::<u64>()
        .ok()
        .filter(|ms| *ms <= 3_600_000)
        .map(Duration::from_millis)
        .ok_or_else(|| {
            format!("{name} must be a whole number of milliseconds up to 3600000, not {value:?}")
        })
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
/// `Timeout` wrap the real answer, see `http::latency_and_faults`).
pub fn error_response(fault: Fault) -> Option<Response> {
    if fault == Fault::Reset {
        return Some(reset());
    }
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
        Fault::Malformed => {
            return Some(
                (
                    StatusCode::OK,
                    [("content-type", "text/html")],
                    "<html><body><h1>Please sign in to the network</h1></body></html>",
                )
                    .into_response(),
            );
        }
        Fault::Truncated | Fault::Timeout | Fault::Reset => return None,
    };
    let mut response = (status, [("content-type", "application/json")], body).into_response();
    if fault == Fault::RateLimited {
        response
            .headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
    }
    Some(response)
}

/// A connection dropped without an answer: the body fails before its first
/// byte, so the server closes the connection instead of finishing the reply.
fn reset() -> Response {
    let broken = futures::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected fault: connection reset",
        ))
    });
    Response::new(axum::body::Body::from_stream(broken))
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
        let s = FaultSpec::parse(
            "rate=0.5,kinds=reset+malformed+hang,on=identity,slow=Shared,slow-ms=1500",
        )
        .unwrap();
        assert_eq!(
            s.kinds,
            vec![Fault::Reset, Fault::Malformed, Fault::Timeout]
        );
        assert_eq!(s.on, FaultTarget::Identity);
        assert_eq!(
            (s.slow.as_deref(), s.slow_by),
            (Some("Shared"), Duration::from_millis(1500))
        );
        assert!(
            FaultSpec::parse("on=moon")
                .unwrap_err()
                .contains("api, identity or all")
        );
        assert!(
            FaultSpec::parse("hang-ms=18446744073709551615")
                .unwrap_err()
                .contains("up to 3600000")
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
