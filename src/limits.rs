//! Resource limits for untrusted input, checked from the image header before any pixel buffer exists.

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::options::{OptionKind, OptionMeta};

/// Upper bounds on what a decode may cost. The defaults keep a browser tab alive: a 100-megapixel
/// RGBA buffer is 400 MB, about a tenth of the 4 GiB a wasm32 instance can address. Callers override
/// them per call as `limits: { … }` in the options, checked against [`LIMIT_OPTIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Limits {
    pub max_width: u32,
    pub max_height: u32,
    pub max_pixels: u64,
    pub max_input_bytes: u64,
}

impl Limits {
    /// The defaults, also the defaults of [`LIMIT_OPTIONS`].
    pub const DEFAULT: Limits = Limits {
        max_width: 32_768,
        max_height: 32_768,
        max_pixels: 100_000_000,
        max_input_bytes: 256 * 1024 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// The largest integer a JS number holds exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The options object's `limits: { … }`, one entry per [`Limits`] field.
pub const LIMIT_OPTIONS: &[OptionMeta] = &[
    OptionMeta {
        name: "maxWidth",
        label: "Widest input",
        kind: OptionKind::Integer {
            min: 1,
            max: u32::MAX as u64,
            default: Limits::DEFAULT.max_width as u64,
        },
        description: "The widest image accepted, in pixels.",
    },
    OptionMeta {
        name: "maxHeight",
        label: "Tallest input",
        kind: OptionKind::Integer {
            min: 1,
            max: u32::MAX as u64,
            default: Limits::DEFAULT.max_height as u64,
        },
        description: "The tallest image accepted, in pixels.",
    },
    OptionMeta {
        name: "maxPixels",
        label: "Most pixels",
        kind: OptionKind::Integer {
            min: 1,
            max: MAX_SAFE_INTEGER,
            default: Limits::DEFAULT.max_pixels,
        },
        description: "The most pixels (width x height) an image accepted may have.",
    },
    OptionMeta {
        name: "maxInputBytes",
        label: "Largest file",
        kind: OptionKind::Integer {
            min: 1,
            max: MAX_SAFE_INTEGER,
            default: Limits::DEFAULT.max_input_bytes,
        },
        description: "The largest file accepted, in bytes.",
    },
];

impl Limits {
    /// # Errors
    /// [`Error::LimitExceeded`] when the input is longer than `max_input_bytes`.
    pub fn check_input_len(&self, len: usize) -> Result<()> {
        let len = len as u64;
        if len > self.max_input_bytes {
            return Err(Error::LimitExceeded(format!(
                "the file is {len} bytes; the limit is {} bytes",
                self.max_input_bytes
            )));
        }
        Ok(())
    }

    /// # Errors
    /// [`Error::LimitExceeded`] when either side or the pixel count is over its limit.
    pub fn check_dimensions(&self, width: u32, height: u32) -> Result<()> {
        let pixels = u64::from(width) * u64::from(height);
        if width > self.max_width || height > self.max_height || pixels > self.max_pixels {
            return Err(Error::LimitExceeded(format!(
                "the image is {width} x {height} ({:.1} megapixels, {} MB as RGBA); the limits are \
                 {} x {} and {:.1} megapixels",
                pixels as f64 / 1e6,
                pixels.saturating_mul(4) / 1_000_000,
                self.max_width,
                self.max_height,
                self.max_pixels as f64 / 1e6,
            )));
        }
        Ok(())
    }
}

/// Bytes of an RGBA8 buffer of `width` x `height`, or an error if that does not fit in memory at all.
///
/// # Errors
/// [`Error::LimitExceeded`] on overflow of `usize` (possible on wasm32).
pub fn rgba_len(width: u32, height: u32) -> Result<usize> {
    (width as usize)
        .checked_mul(height as usize)
        .and_then(|p| p.checked_mul(4))
        .ok_or_else(|| {
            Error::LimitExceeded(format!(
                "a {width} x {height} RGBA image does not fit in memory"
            ))
        })
}
