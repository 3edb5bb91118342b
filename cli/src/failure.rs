//! What went wrong with a file (or with the command line), named as the package names its errors.

use std::fmt;
use std::io;

/// An error with one of the package's category names (`DecodeError`, `LimitExceeded`, …), or
/// `IoError` for the file system, which only the CLI touches, or `RuntimeError` for a panic in the
/// core (a bug: the file fails, the batch goes on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub name: &'static str,
    pub message: String,
}

impl Failure {
    pub fn invalid(message: impl Into<String>) -> Self {
        Failure {
            name: "InvalidInput",
            message: message.into(),
        }
    }

    /// A file-system error while doing `what` (e.g. "could not read").
    pub fn io(what: &str, e: &io::Error) -> Self {
        Failure {
            name: "IoError",
            message: format!("{what}: {e}"),
        }
    }

    pub fn with_suffix(mut self, suffix: impl AsRef<str>) -> Self {
        self.message.push_str(suffix.as_ref());
        self
    }
}

impl From<pixsqueeze::Error> for Failure {
    fn from(e: pixsqueeze::Error) -> Self {
        Failure {
            name: e.name(),
            message: e.message().to_string(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}
