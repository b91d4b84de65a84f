//! Staying inside a tenant's documented rate limits rather than running into
//! them. Orchestrator allows 100 filtered `GET /odata/Jobs` requests a minute
//! per tenant for non-automation use ("Rate limits", Orchestrator API guide);
//! a run that shares one [`RateBudget`] of 90 a minute leaves room for the
//! people using the tenant meanwhile and never sees a 429 of its own making.
//!
//! A request counts from when its [`Slot`] is taken until a window after its
//! answer came back: the server saw it somewhere in between, and a request
//! that waits for a connection or a concurrency permit after taking its slot
//! must not let the next minute's requests in early.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Mutex, Notify};
use tokio::time::Instant;

/// Filtered `Jobs` requests a whole run may send per minute.
pub const JOBS_PER_MINUTE: usize = 90;

#[derive(Debug, Default)]
struct Counted {
    /// Slots taken whose request has not finished.
    in_flight: usize,
    /// When finished requests finished, oldest first.
    finished: VecDeque<Instant>,
}

/// At most `limit` requests in any `window`, shared by whoever holds it.
#[derive(Debug)]
pub struct RateBudget {
    limit: usize,
    window: Duration,
    /// Taken by the one caller waiting for a slot, so slots go out in order.
    queue: Mutex<()>,
    counted: std::sync::Mutex<Counted>,
    finished: Notify,
    granted: AtomicUsize,
}

/// One request's place in the budget; dropping it marks the request finished.
#[must_use = "the slot counts as in flight until it is dropped"]
#[derive(Debug)]
pub struct Slot<'a> {
    budget: &'a RateBudget,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut counted = self.budget.counted();
        counted.in_flight = counted.in_flight.saturating_sub(1);
        counted.finished.push_back(Instant::now());
        drop(counted);
        self.budget.finished.notify_one();
    }
}

impl RateBudget {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit: limit.max(1),
            window,
            queue: Mutex::new(()),
            counted: std::sync::Mutex::new(Counted::default()),
            finished: Notify::new(),
            granted: AtomicUsize::new(0),
        }
    }

    /// The audit's budget for listing jobs.
    pub fn jobs() -> Self {
        Self::new(JOBS_PER_MINUTE, Duration::from_secs(60))
    }

    /// Requests let through so far.
    pub fn granted(&self) -> usize {
        self.granted.load(Ordering::Relaxed)
    }

    fn counted(&self) -> std::sync::MutexGuard<'_, Counted> {
        // The counts stay consistent whatever panicked while holding them.
        self.counted.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until one more request fits in the window and counts it; hold
    /// the slot until the request's answer is back.
    pub async fn acquire(&self) -> Slot<'_> {
        let _turn = self.queue.lock().await;
        loop {
            let wake_at = {
                let now = Instant::now();
                let mut counted = self.counted();
                while counted
                    .finished
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= self.window)
                {
                    counted.finished.pop_front();
                }
                if counted.in_flight + counted.finished.len() < self.limit {
                    counted.in_flight += 1;
                    self.granted.fetch_add(1, Ordering::Relaxed);
                    return Slot { budget: self };
                }
                counted.finished.front().map(|t| *t + self.window)
            };
            match wake_at {
                Some(at) => tokio::time::sleep_until(at).await,
                // Every slot is in flight: the first to finish starts its window.
                None => self.finished.notified().await,
            }
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
            drop(budget.acquire().await);
            at.push(start.elapsed().as_secs());
        }
        assert_eq!(at, [0, 0, 0, 60, 60, 60, 120]);
        assert_eq!(budget.least_time(7), Duration::from_secs(120));
        assert_eq!(budget.least_time(3), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_request_counts_from_when_its_answer_came() {
        let budget = RateBudget::new(2, Duration::from_secs(60));
        let start = Instant::now();
        let first = budget.acquire().await;
        drop(budget.acquire().await);
        // The first request waits 30 s for a connection before it is answered:
        // the server may have seen it at 30 s, so the third waits until 90 s.
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(first);
        let _third = budget.acquire().await;
        assert_eq!(start.elapsed().as_secs(), 60);
        let _fourth = budget.acquire().await;
        assert_eq!(start.elapsed().as_secs(), 90);
    }
}
