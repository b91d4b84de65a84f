//! Orchestrator's documented rate limit on listing jobs ("Rate limits",
//! Orchestrator API guide): `GET /odata/Jobs` (and `QueueItems`, which the
//! sandbox does not serve) is limited to 100 requests a minute per tenant for
//! non-automation use and 1,000 for automation use, answered with 429. A
//! sliding window of the last minute's requests decides; `Retry-After` says
//! when the oldest one leaves it. Robots count as automation; people and
//! applications do not (the guide's footnotes that define the split are not
//! public: inferred).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const WINDOW: Duration = Duration::from_secs(60);
/// Requests a minute, non-automation use.
pub const PEOPLE_PER_MINUTE: usize = 100;
/// Requests a minute, automation use.
pub const AUTOMATION_PER_MINUTE: usize = 1000;

#[derive(Debug)]
pub struct SlidingWindow {
    limit: usize,
    window: Duration,
    times: Mutex<VecDeque<Instant>>,
}

impl SlidingWindow {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit,
            window,
            times: Mutex::new(VecDeque::new()),
        }
    }

    /// Counts a request, or says how long until one more is allowed.
    pub fn admit(&self, now: Instant) -> Result<(), Duration> {
        let mut times = self.times.lock().unwrap_or_else(|p| p.into_inner());
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
        if times.len() < self.limit {
            times.push_back(now);
            return Ok(());
        }
        let oldest = times.front().copied().unwrap_or(now);
        Err(self.window.saturating_sub(now.duration_since(oldest)))
    }
}

/// The tenant's two windows for listing jobs.
#[derive(Debug)]
pub struct JobsLimit {
    pub people: SlidingWindow,
    pub automation: SlidingWindow,
}

impl Default for JobsLimit {
    fn default() -> Self {
        Self {
            people: SlidingWindow::new(PEOPLE_PER_MINUTE, WINDOW),
            automation: SlidingWindow::new(AUTOMATION_PER_MINUTE, WINDOW),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_101st_request_in_a_minute_waits_for_the_oldest_to_leave() {
        let w = SlidingWindow::new(100, WINDOW);
        let start = Instant::now();
        for i in 0..100 {
            assert!(w.admit(start + Duration::from_millis(i * 10)).is_ok());
        }
        let wait = w.admit(start + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        // Refused requests do not count: at 60 s the first one has left.
        assert!(w.admit(start + Duration::from_secs(60)).is_ok());
        assert!(w.admit(start + Duration::from_secs(60)).is_err());
    }
}
