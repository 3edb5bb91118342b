//! What a caller asks for, with documented defaults and validation before any work starts.
//!
//! The structs derive `Deserialize` so that any front end (the JS options object in `wasm.rs`, JSON in
//! the fuzz targets) parses into the same types with the same messages.

use serde::Deserialize;

use crate::error::{Error, Result};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Lossy JPEG.
    Jpeg,
    /// Lossless PNG.
    Png,
}

impl Format {
    /// Every output format, in the order a UI lists them.
    pub const ALL: [Format; 2] = [Format::Jpeg, Format::Png];
}

/// Default JPEG quality: the one Squoosh and MozJPEG users know.
pub const DEFAULT_QUALITY: u8 = 75;

/// Options for [`encode`](crate::encode) and [`compress`](crate::compress).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Options {
    /// The output format.
    pub format: Format,
    /// Quality 1–100 for lossy formats (default 75); ignored by lossless ones.
    #[serde(default)]
    pub quality: Option<f64>,
}

impl Options {
    /// Options for `format` with every default.
    pub fn new(format: Format) -> Self {
        Options {
            format,
            quality: None,
        }
    }

    /// Sets the quality (validated when used).
    pub fn with_quality(mut self, quality: u8) -> Self {
        self.quality = Some(f64::from(quality));
        self
    }

    /// The quality to encode with.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] unless the quality is a whole number from 1 to 100.
    pub fn quality(&self) -> Result<u8> {
        match self.quality {
            None => Ok(DEFAULT_QUALITY),
            Some(q) if q.fract() == 0.0 && (1.0..=100.0).contains(&q) => Ok(q as u8),
            Some(q) => Err(Error::InvalidInput(format!(
                "quality must be a whole number from 1 to 100, got {q}"
            ))),
        }
    }

    /// Checks every field, so that errors surface before any decoding or encoding starts.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the first bad field.
    pub fn validate(&self) -> Result<()> {
        self.quality().map(|_| ())
    }
}
