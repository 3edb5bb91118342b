//! Progress on stderr: a bar redrawn in place on a terminal (files done, bytes saved, ETA), one plain
//! line per file otherwise (logs, CI), nothing but errors with `--quiet`.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::args::human_bytes;
use crate::report::{Row, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Bar,
    Lines,
    Quiet,
}

pub struct Progress {
    mode: Mode,
    total: usize,
    /// Input bytes of every file, for the ETA: big files take longer.
    total_bytes: u64,
    start: Instant,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    done: usize,
    failed: usize,
    /// Input bytes of the files done.
    bytes_done: u64,
    original: u64,
    output: u64,
}

impl Progress {
    pub fn new(total: usize, total_bytes: u64, quiet: bool) -> Self {
        let mode = if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines
        };
        Progress {
            mode,
            total,
            total_bytes,
            start: Instant::now(),
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records a finished file (`input_bytes`: its size on disk, read or not).
    pub fn file_done(&self, row: &Row, input_bytes: u64) {
        let mut s = self.lock();
        s.done += 1;
        s.bytes_done += input_bytes;
        if row.status == Status::Failed {
            s.failed += 1;
        } else {
            s.original += row.original_bytes.unwrap_or(0);
            s.output += row.output_bytes.unwrap_or(0);
        }
        let line = self.line(row, s.done);
        let mut err = std::io::stderr().lock();
        match self.mode {
            Mode::Lines => {
                let _ = writeln!(err, "{line}");
            }
            Mode::Quiet if row.status == Status::Failed => {
                let _ = writeln!(err, "{line}");
            }
            Mode::Bar => {
                if row.status == Status::Failed {
                    let _ = writeln!(err, "\r\x1b[2K{line}");
                }
                let _ = write!(err, "\r\x1b[2K{}", self.bar(&s));
            }
            Mode::Quiet => {}
        }
        let _ = err.flush();
    }

    /// Redraws the bar (the ETA moves while files are in flight).
    pub fn tick(&self) {
        if self.mode == Mode::Bar {
            let s = self.lock();
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{}", self.bar(&s));
            let _ = err.flush();
        }
    }

    /// Clears the bar, leaving the terminal for the summary.
    pub fn finish(&self) {
        if self.mode == Mode::Bar {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }

    fn line(&self, r: &Row, done: usize) -> String {
        let n = format!("[{done}/{}]", self.total);
        let input = r.input.display();
        match (&r.error, r.status) {
            (Some(e), _) => format!("{n} {}: {input}: {}", e.name, e.message),
            (None, Status::Kept) => format!(
                "{n} {input}: kept the original ({} compressed to {}, not smaller)",
                human_bytes(r.original_bytes.unwrap_or(0)),
                human_bytes(r.compressed_bytes.unwrap_or(0)),
            ),
            (None, _) => {
                let to = r
                    .output
                    .as_ref()
                    .map(|p| format!(" -> {}", p.display()))
                    .unwrap_or_default();
                let psnr = match r.psnr {
                    Some(p) if p.is_finite() => format!("PSNR {p:.1} dB"),
                    Some(_) => "identical".into(),
                    None => String::new(),
                };
                let score = r
                    .ssimulacra2
                    .map(|s| format!(", SSIMULACRA2 {s:.1}"))
                    .unwrap_or_default();
                format!(
                    "{n} {input}{to}: {} -> {} ({:.2}x), {psnr}{score}, {:.2} s",
                    human_bytes(r.original_bytes.unwrap_or(0)),
                    human_bytes(r.compressed_bytes.unwrap_or(0)),
                    r.ratio.unwrap_or(0.0),
                    r.time_ms / 1000.0
                )
            }
        }
    }

    fn bar(&self, s: &State) -> String {
        const WIDTH: usize = 20;
        let filled = (s.done * WIDTH).checked_div(self.total).unwrap_or(WIDTH);
        let saved = s.original.saturating_sub(s.output);
        let percent = if s.original > 0 {
            100.0 * saved as f64 / s.original as f64
        } else {
            0.0
        };
        let elapsed = self.start.elapsed();
        let eta = if s.bytes_done > 0 && s.done < self.total {
            let left = self.total_bytes.saturating_sub(s.bytes_done) as f64;
            let secs = elapsed.as_secs_f64() * left / s.bytes_done as f64;
            format!("ETA {}", clock(Duration::from_secs_f64(secs)))
        } else {
            format!("{} elapsed", clock(elapsed))
        };
        let failed = if s.failed > 0 {
            format!(", {} failed", s.failed)
        } else {
            String::new()
        };
        format!(
            "[{}{}] {}/{} files{failed}, saved {} ({percent:.0}%), {eta}",
            "#".repeat(filled),
            "-".repeat(WIDTH - filled),
            s.done,
            self.total,
            human_bytes(saved),
        )
    }
}

/// `m:ss`, or `h:mm:ss` past an hour.
fn clock(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks() {
        assert_eq!(clock(Duration::from_secs(5)), "0:05");
        assert_eq!(clock(Duration::from_secs(125)), "2:05");
        assert_eq!(clock(Duration::from_secs(3725)), "1:02:05");
    }
}
