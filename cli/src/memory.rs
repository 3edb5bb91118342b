//! The memory bound. Each file is admitted only when its estimated peak fits in the budget beside the
//! files already in flight, so a folder of 50-megapixel photos runs fewer at once than a folder of
//! thumbnails, and peak memory stays near the budget whatever `--jobs` says. A file whose estimate
//! alone is over the budget still runs, alone.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// Estimated bytes per pixel of one `compress`: the core measures 2.8–3.3x the RGBA8 image at its
/// peak for a 12-megapixel photo (README, "Memory"), taken as 4x to leave room for searches and
/// 16-bit images.
const PER_PIXEL: u64 = 16;
/// Per file, besides the pixels: metric tiles, encoder tables, buffers.
const PER_FILE: u64 = 32 << 20;

/// The default budget: half the memory available when the run starts (2 GiB where that is unknown).
pub fn default_budget() -> u64 {
    available().map_or(2 << 30, |a| a / 2)
}

/// `MemAvailable` from /proc/meminfo, in bytes.
fn available() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The estimated peak of compressing a file, from the width and height in its header (the pixels are
/// not decoded). A header that cannot be read costs only the file's own size: the core will refuse it.
pub fn estimate(bytes: &[u8]) -> u64 {
    let pixels =
        imagesize::blob_size(bytes).map_or(0, |s| (s.width as u64).saturating_mul(s.height as u64));
    pixels
        .saturating_mul(PER_PIXEL)
        .saturating_add(bytes.len() as u64 * 2)
        .saturating_add(PER_FILE)
}

/// A counting semaphore over bytes, first come first served (a large file waiting for room is not
/// overtaken by small ones behind it).
pub struct Budget {
    limit: u64,
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    used: u64,
    next_ticket: u64,
    queue: VecDeque<u64>,
}

/// Room held in a [`Budget`] until dropped.
pub struct Permit<'a> {
    budget: &'a Budget,
    bytes: u64,
}

impl Budget {
    pub fn new(limit: u64) -> Self {
        Budget {
            limit,
            state: Mutex::new(State {
                used: 0,
                next_ticket: 0,
                queue: VecDeque::new(),
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until `bytes` fit beside what is in flight (or nothing is), then holds them.
    pub fn acquire(&self, bytes: u64) -> Permit<'_> {
        let mut s = self.lock();
        let ticket = s.next_ticket;
        s.next_ticket += 1;
        s.queue.push_back(ticket);
        while s.queue.front() != Some(&ticket)
            || (s.used > 0 && s.used.saturating_add(bytes) > self.limit)
        {
            s = self.changed.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
        s.queue.pop_front();
        s.used += bytes;
        drop(s);
        self.changed.notify_all();
        Permit {
            budget: self,
            bytes,
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.budget.lock().used -= self.bytes;
        self.budget.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    #[test]
    fn holds_what_is_in_flight_under_the_limit() {
        let budget = Budget::new(100);
        let in_flight = AtomicU64::new(0);
        let peak = AtomicU64::new(0);
        std::thread::scope(|s| {
            for i in 0..8u64 {
                let (budget, in_flight, peak) = (&budget, &in_flight, &peak);
                s.spawn(move || {
                    let bytes = 30 + i * 5;
                    let _permit = budget.acquire(bytes);
                    let now = in_flight.fetch_add(bytes, Ordering::SeqCst) + bytes;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(5));
                    in_flight.fetch_sub(bytes, Ordering::SeqCst);
                });
            }
        });
        assert!(peak.load(Ordering::SeqCst) <= 100);
        assert_eq!(budget.lock().used, 0);
    }

    #[test]
    fn a_file_over_the_budget_runs_alone() {
        let budget = Budget::new(10);
        let p = budget.acquire(50);
        drop(p);
        let _q = budget.acquire(50);
    }

    #[test]
    fn estimates_from_the_header() {
        // A PNG header declaring 1000 x 1000 (IHDR only: the estimate never decodes).
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&1000u32.to_be_bytes());
        png.extend_from_slice(&1000u32.to_be_bytes());
        png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            estimate(&png),
            1_000_000 * PER_PIXEL + 2 * png.len() as u64 + PER_FILE
        );
        assert_eq!(estimate(b"not an image"), 24 + PER_FILE);
    }
}
