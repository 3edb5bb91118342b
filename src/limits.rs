//! Resource limits for untrusted input, checked from the image header before any pixel buffer exists,
//! and the memory a whole job may take, checked against what the instance can hold before any of it
//! is allocated.

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::options::{OptionKind, OptionMeta};

/// Upper bounds on what a job may cost. The defaults keep a browser tab alive: a 100-megapixel
/// RGBA buffer is 400 MB, about a tenth of the 4 GiB a wasm32 instance can address. Callers override
/// the ones in [`LIMIT_OPTIONS`] per call as `limits: { … }` in the options.
///
/// Metadata has bounds of its own, enforced while it is read (a compressed PNG profile stops
/// inflating at its bound): a profile or EXIF block over its bound is dropped, and the result's
/// notes say so. Start from [`Limits::default`] and change the fields you need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
// Fields that no option sets (the metadata and scan bounds) keep their defaults.
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Limits {
    /// Widest image accepted (default 32,768 pixels).
    pub max_width: u32,
    /// Tallest image accepted (default 32,768 pixels).
    pub max_height: u32,
    /// Most pixels accepted (default 100,000,000).
    pub max_pixels: u64,
    /// Longest file accepted (default 256 MiB).
    pub max_input_bytes: u64,
    /// Largest ICC profile kept, after inflating (default 4 MiB). Display profiles are a few KB and
    /// the largest press (CMYK) profiles about 2 MB; a bigger one is dropped with a note.
    pub max_icc_bytes: u64,
    /// Largest EXIF block kept (default 1 MiB; JPEG's APP1 segment holds 64 KiB at most, so camera
    /// EXIF, thumbnail included, is smaller). A bigger one is dropped with a note.
    pub max_exif_bytes: u64,
    /// Most scans a progressive JPEG may have (default 100; libjpeg's scripts write 10, MozJPEG's
    /// about 20). Each scan is a pass over the whole image, so scan count bounds decoding time.
    pub max_jpeg_scans: u32,
    /// Most frames an animation may have (default 10,000: over 16 minutes at 10 frames a second).
    /// Each frame is decoded, encoded and measured, however small, so frame count bounds the work;
    /// counting them stops one past the bound.
    pub max_frames: u32,
    /// The most memory one job may need, estimated before it starts (decode, resize, encode, decode
    /// the result, measure): by default what the build can address, 4 GiB on wasm32.
    pub max_memory_bytes: u64,
}

/// What this build can address: 4 GiB on wasm32 (a 32-bit linear memory), the address space
/// elsewhere (where the operating system, not the address space, is the real bound).
pub const ADDRESSABLE_BYTES: u64 = if usize::BITS >= 64 {
    u64::MAX
} else {
    1 << usize::BITS
};

/// What a wasm32 instance can hold, the default memory bound of every build: a job the browser
/// cannot run is refused natively too, unless the caller raises the bound.
const WASM_INSTANCE_BYTES: u64 = 1 << 32;

impl Limits {
    /// The defaults, also the defaults of [`LIMIT_OPTIONS`].
    pub const DEFAULT: Limits = Limits {
        max_width: 32_768,
        max_height: 32_768,
        max_pixels: 100_000_000,
        max_input_bytes: 256 * 1024 * 1024,
        max_icc_bytes: 4 * 1024 * 1024,
        max_exif_bytes: 1024 * 1024,
        max_jpeg_scans: 100,
        max_frames: 10_000,
        max_memory_bytes: WASM_INSTANCE_BYTES,
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
    OptionMeta {
        name: "maxMemoryBytes",
        label: "Most memory",
        kind: OptionKind::Integer {
            min: 1,
            max: MAX_SAFE_INTEGER,
            default: Limits::DEFAULT.max_memory_bytes,
        },
        description: "The most memory one job may need at its peak, estimated from the header \
                      before anything is allocated (decode, resize, encode, measure), in bytes. \
                      Never more than the build can address: 4 GiB in wasm.",
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
        self.check_size("the image", width, height)
    }

    /// [`Limits::check_dimensions`] for a part of a file (`what`, e.g. "the first frame") that is
    /// decoded at its own size.
    pub(crate) fn check_size(&self, what: &str, width: u32, height: u32) -> Result<()> {
        let pixels = u64::from(width) * u64::from(height);
        if width > self.max_width || height > self.max_height || pixels > self.max_pixels {
            return Err(Error::LimitExceeded(format!(
                "{what} is {width} x {height} ({:.1} megapixels, {} MB as RGBA); the limits are \
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

    /// # Errors
    /// [`Error::LimitExceeded`] when a job estimated to need `needed` bytes at its peak (`job`
    /// says what it is) cannot fit in `max_memory_bytes`.
    pub(crate) fn check_memory(&self, needed: u64, job: &str) -> Result<()> {
        if needed > self.max_memory_bytes {
            let holds = if self.max_memory_bytes == Limits::DEFAULT.max_memory_bytes {
                "a wasm instance can hold"
            } else {
                "limits.maxMemoryBytes allows"
            };
            return Err(Error::LimitExceeded(format!(
                "{job} needs about {} MB of memory at its peak; {holds} {} MB",
                needed.div_ceil(1_000_000),
                self.max_memory_bytes / 1_000_000,
            )));
        }
        Ok(())
    }
}

impl Limits {
    /// The most one buffer may take: half of `max_memory_bytes`, and never more than this build's
    /// `isize::MAX`. On wasm32 that is 2 GiB − 1 by default: Rust cannot allocate more in one piece
    /// there (a larger `Vec` panics with "capacity overflow", which traps the instance), even when
    /// the whole job fits in the instance's 4 GiB.
    pub(crate) fn max_buffer_bytes(&self) -> u64 {
        (self.max_memory_bytes / 2).min(isize::MAX as u64)
    }

    /// # Errors
    /// [`Error::LimitExceeded`] when one buffer of `bytes` (`what` it holds) is over
    /// [`Limits::max_buffer_bytes`].
    pub(crate) fn check_buffer(&self, bytes: u64, what: &str) -> Result<()> {
        let max = self.max_buffer_bytes();
        if bytes > max {
            return Err(Error::LimitExceeded(format!(
                "{what} needs one buffer of {} MB; the most one buffer may take is {} MB (half \
                 of {})",
                bytes.div_ceil(1_000_000),
                max / 1_000_000,
                if self.max_memory_bytes == Limits::DEFAULT.max_memory_bytes {
                    "what a wasm instance can hold"
                } else {
                    "limits.maxMemoryBytes"
                },
            )));
        }
        Ok(())
    }

    /// [`Limits::check_buffer`] for `what`, an RGBA8 image of `width` x `height`.
    ///
    /// # Errors
    /// As [`Limits::check_buffer`].
    #[cfg(feature = "full")]
    pub(crate) fn check_rgba(&self, what: &str, width: u32, height: u32) -> Result<()> {
        let bytes = u64::from(width) * u64::from(height) * 4;
        self.check_buffer(bytes, &format!("{what} ({width} x {height})"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_buffer_may_take_half_the_memory_bound_and_never_more_than_isize_max() {
        let limits = Limits::default();
        // On wasm32 that is isize::MAX (2 GiB - 1), the largest Vec the target can allocate at all;
        // natively 2 GiB, so a job refused in the browser is refused natively by default too.
        assert_eq!(
            limits.max_buffer_bytes(),
            (1u64 << 31).min(isize::MAX as u64)
        );
        // A 24000-square RGBA frame (2304 MB) is over it; a 23000-square one (2116 MB) is not.
        assert!(matches!(
            limits.check_buffer(24_000 * 24_000 * 4, "a frame"),
            Err(Error::LimitExceeded(m)) if m.contains("one buffer of 2304 MB")
        ));
        assert!(limits.check_buffer(23_000 * 23_000 * 4, "a frame").is_ok());
        let mut raised = limits;
        raised.max_memory_bytes = 1 << 36;
        assert_eq!(
            raised.max_buffer_bytes(),
            (1u64 << 35).min(isize::MAX as u64)
        );
    }
}
