//! When and how long to wait before retrying an idempotent request: 429 and
//! the 5xx codes that mean "try later", connection failures and timeouts;
//! exponential backoff with full jitter, and the server's `Retry-After` wins
//! when it gives one (capped, so a hostile or broken server cannot park us).
//!
//! How long an attempt waits for its answer grows after each attempt that
//! ran out of time (30 s, 60 s, 120 s by default): a folder that takes 45 s
//! is slow, not gone, and asking again with the same 30 s would only lose it
//! four times over.

use std::time::Duration;

/// How long one request waits for its answer at first (tenant APIs and the
/// identity server alike); [`RetryPolicy`] lets later attempts wait longer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a connection may take to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The seconds an answer's `Retry-After` asks for, when it gives a number.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in total, the first included. Six: with one request in ten
    /// failing at random, one in a million is lost after all of them, so a
    /// check of 5,000 connections on a bad day still loses nothing.
    pub attempts: u32,
    /// Attempts that ran out of time after which a request is given up, even
    /// with attempts left: each waited longer than the last, so a tenant that
    /// has not answered by then will not.
    pub max_timeouts: u32,
    pub base: Duration,
    pub max_backoff: Duration,
    /// Longest `Retry-After` honoured.
    pub max_retry_after: Duration,
    /// How long the first attempt waits for an answer.
    pub timeout: Duration,
    /// The longest any attempt waits.
    pub max_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 6,
            max_timeouts: 3,
            base: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            timeout: Duration::from_secs(30),
            max_timeout: Duration::from_secs(120),
        }
    }
}

/// HTTP statuses worth another try.
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1` (attempt counts from 1), given a
    /// `Retry-After` in seconds if the server sent one, and `unit` in [0, 1)
    /// drawn at random for jitter.
    pub fn delay(&self, attempt: u32, retry_after_secs: Option<u64>, unit: f64) -> Duration {
        if let Some(secs) = retry_after_secs {
            return Duration::from_secs(secs).min(self.max_retry_after);
        }
        let exp = self
            .base
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
        exp.min(self.max_backoff).mul_f64(unit.clamp(0.0, 1.0))
    }

    /// How long an attempt waits for an answer, after `timed_out` earlier
    /// attempts of the same request ran out of time.
    pub fn timeout_after(&self, timed_out: u32) -> Duration {
        self.timeout
            .saturating_mul(2u32.saturating_pow(timed_out))
            .min(self.max_timeout.max(self.timeout))
    }

    pub fn jittered(&self, attempt: u32, retry_after_secs: Option<u64>) -> Duration {
        self.delay(attempt, retry_after_secs, rand::random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_then_caps_and_jitter_scales_it() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1, None, 1.0), Duration::from_millis(200));
        assert_eq!(p.delay(2, None, 1.0), Duration::from_millis(400));
        assert_eq!(p.delay(3, None, 1.0), Duration::from_millis(800));
        assert_eq!(p.delay(10, None, 1.0), Duration::from_secs(5));
        assert_eq!(p.delay(3, None, 0.5), Duration::from_millis(400));
        assert_eq!(p.delay(3, None, 0.0), Duration::ZERO);
    }

    #[test]
    fn retry_after_wins_but_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1, Some(2), 0.1), Duration::from_secs(2));
        assert_eq!(p.delay(1, Some(3600), 0.1), Duration::from_secs(30));
    }

    #[test]
    fn each_attempt_that_ran_out_of_time_gives_the_next_one_twice_as_long() {
        let p = RetryPolicy::default();
        assert_eq!(p.timeout_after(0), Duration::from_secs(30));
        assert_eq!(p.timeout_after(1), Duration::from_secs(60));
        assert_eq!(p.timeout_after(2), Duration::from_secs(120));
        assert_eq!(p.timeout_after(40), Duration::from_secs(120));
        let short = RetryPolicy {
            timeout: Duration::from_secs(200),
            ..RetryPolicy::default()
        };
        assert_eq!(short.timeout_after(3), Duration::from_secs(200));
    }

    #[test]
    fn only_try_later_statuses_are_retried() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(retryable_status(s), "{s}");
        }
        for s in [200, 400, 401, 403, 404, 409, 501] {
            assert!(!retryable_status(s), "{s}");
        }
    }
}
