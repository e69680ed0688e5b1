//! Exponential backoff with full jitter (AWS "Exponential Backoff And Jitter"): the n-th retry
//! waits a random time between half and all of `initial × 2^(n-1)`, capped, so that jobs that
//! failed together (a receiver down) do not come back together.

use std::time::Duration;

/// The first retry's delay when a handler sets none.
pub const DEFAULT_INITIAL: Duration = Duration::from_secs(5);

/// No retry waits longer than this.
pub const MAX_DELAY: Duration = Duration::from_secs(6 * 3600);

/// The delay before retry number `retry` (1 for the first retry) from `initial`.
pub fn delay(initial: Duration, retry: u32) -> Duration {
    let exponent = retry.saturating_sub(1).min(20);
    let full = initial.saturating_mul(1u32 << exponent).min(MAX_DELAY);
    // Between half and all of it: never much sooner than the policy says.
    let jitter = f64::from(random_u32()) / f64::from(u32::MAX);
    full.mul_f64(0.5 + 0.5 * jitter)
}

fn random_u32() -> u32 {
    let mut bytes = [0u8; 4];
    // Without randomness the delay is the policy's upper bound: still a valid backoff.
    if getrandom::fill(&mut bytes).is_err() {
        return u32::MAX;
    }
    u32::from_le_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_within_their_jitter_and_stop_at_the_cap() {
        let initial = Duration::from_secs(2);
        for retry in 1..=5u32 {
            let full = initial * 2u32.pow(retry - 1);
            for _ in 0..50 {
                let d = delay(initial, retry);
                assert!(
                    d >= full / 2 && d <= full,
                    "retry {retry}: {d:?} outside {full:?}"
                );
            }
        }
        assert!(delay(Duration::from_secs(3600), 40) <= MAX_DELAY);
    }

    #[test]
    fn jitter_spreads_retries() {
        let delays: std::collections::HashSet<_> =
            (0..20).map(|_| delay(Duration::from_secs(10), 3)).collect();
        assert!(delays.len() > 10, "{delays:?}");
    }
}
