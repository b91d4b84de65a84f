//! Staying inside a tenant's documented rate limits rather than running into
//! them. Orchestrator allows 100 filtered `GET /odata/Jobs` requests a minute
//! per tenant for non-automation use ("Rate limits", Orchestrator API guide);
//! a run that shares one [`RateBudget`] of 90 a minute leaves room for the
//! people using the tenant meanwhile and never sees a 429 of its own making.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Filtered `Jobs` requests a whole run may send per minute.
pub const JOBS_PER_MINUTE: usize = 90;

/// At most `limit` requests in any `window`, shared by whoever holds it.
#[derive(Debug)]
pub struct RateBudget {
    limit: usize,
    window: Duration,
    sent: Mutex<VecDeque<Instant>>,
    granted: std::sync::atomic::AtomicUsize,
}

impl RateBudget {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit: limit.max(1),
            window,
            sent: Mutex::new(VecDeque::new()),
            granted: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Requests let through so far.
    pub fn granted(&self) -> usize {
        self.granted.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The audit's budget for listing jobs.
    pub fn jobs() -> Self {
        Self::new(JOBS_PER_MINUTE, Duration::from_secs(60))
    }

    /// Waits until one more request fits in the window, and counts it.
    pub async fn acquire(&self) {
        let mut sent = self.sent.lock().await;
        loop {
            let now = Instant::now();
            while sent
                .front()
                .is_some_and(|t| now.duration_since(*t) >= self.window)
            {
                sent.pop_front();
            }
            if sent.len() < self.limit {
                sent.push_back(now);
                self.granted
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return;
            }
            // Held while waiting: requests go out in order, one slot at a time.
            let oldest = sent.front().copied().unwrap_or(now);
            tokio::time::sleep_until(oldest + self.window).await;
        }
    }

    /// The least time `requests` requests take under this budget.
    pub fn least_time(&self, requests: usize) -> Duration {
        let rounds = requests.saturating_sub(1) / self.limit;
        self.window * u32::try_from(rounds).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn no_more_than_the_limit_goes_out_in_any_window() {
        let budget = RateBudget::new(3, Duration::from_secs(60));
        let start = Instant::now();
        let mut at = vec![];
        for _ in 0..7 {
            budget.acquire().await;
            at.push(start.elapsed().as_secs());
        }
        assert_eq!(at, [0, 0, 0, 60, 60, 60, 120]);
        assert_eq!(budget.least_time(7), Duration::from_secs(120));
        assert_eq!(budget.least_time(3), Duration::ZERO);
    }
}
