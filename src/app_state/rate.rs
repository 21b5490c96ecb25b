//! Rate limits: a token bucket, and a set of them keyed by who is asking.
//!
//! The websocket hub limits each connection's commands and presence updates with a
//! [`RateLimit`] of its own; the HTTP API limits each account's (or token's) commands with a
//! [`RateLimits`] shared by all requests, since HTTP requests have no connection to hang a
//! bucket on. One bucket type serves both, so the two limits behave the same.

use crate::sync::locked;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Above this many keys, [`RateLimits`] forgets the buckets that have refilled (they would
/// behave the same as new ones), so the map stays as small as the set of active callers.
const FORGET_ABOVE: usize = 4096;

/// A token bucket: `rate` per second, bursts of `rate`.
#[derive(Debug, Clone)]
pub struct RateLimit {
    rate: f64,
    tokens: f64,
    updated: Instant,
}

impl RateLimit {
    /// A full bucket of `rate` per second (at least 1).
    pub fn new(rate: u32) -> Self {
        RateLimit {
            rate: f64::from(rate.max(1)),
            tokens: f64::from(rate.max(1)),
            updated: Instant::now(),
        }
    }

    /// Takes one token if there is one.
    pub fn take(&mut self) -> bool {
        self.refill(Instant::now());
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    fn refill(&mut self, now: Instant) {
        self.tokens = (self.tokens + now.duration_since(self.updated).as_secs_f64() * self.rate)
            .min(self.rate);
        self.updated = now;
    }

    /// Whether the bucket is full again (as good as a new one).
    fn is_full(&mut self, now: Instant) -> bool {
        self.refill(now);
        self.tokens >= self.rate
    }
}

/// One [`RateLimit`] per key (an account or token), created full on first use.
#[derive(Debug)]
pub struct RateLimits {
    rate: u32,
    buckets: Mutex<HashMap<String, RateLimit>>,
}

impl RateLimits {
    /// Buckets of `rate` per second for every key.
    pub fn new(rate: u32) -> Self {
        RateLimits {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token from `key`'s bucket if there is one.
    pub fn take(&self, key: &str) -> bool {
        let mut buckets = locked(&self.buckets);
        if buckets.len() > FORGET_ABOVE {
            let now = Instant::now();
            buckets.retain(|_, bucket| !bucket.is_full(now));
        }
        match buckets.get_mut(key) {
            Some(bucket) => bucket.take(),
            None => {
                let mut bucket = RateLimit::new(self.rate);
                let taken = bucket.take();
                buckets.insert(key.to_owned(), bucket);
                taken
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_the_rate_passes_and_the_next_is_refused() {
        let mut limit = RateLimit::new(3);
        assert!(limit.take() && limit.take() && limit.take());
        assert!(!limit.take());
    }

    #[test]
    fn each_key_has_its_own_bucket() {
        let limits = RateLimits::new(2);
        assert!(limits.take("anna") && limits.take("anna"));
        assert!(!limits.take("anna"));
        assert!(limits.take("jens"), "another caller is not limited by anna");
    }

    #[test]
    fn refilled_buckets_are_forgotten_when_there_are_many() {
        let limits = RateLimits::new(1_000_000);
        for key in 0..=FORGET_ABOVE {
            assert!(limits.take(&key.to_string()));
        }
        // A million per second refill within the microseconds this takes: every bucket is full.
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(limits.take("one more"));
        let held = limits
            .buckets
            .lock()
            .map(|buckets| buckets.len())
            .unwrap_or(0);
        assert!(held <= 2, "{held} buckets kept");
    }
}
