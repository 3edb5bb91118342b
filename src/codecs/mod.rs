//! Output codecs: one file per format behind [`encode_rgba`], and the per-format [`FormatMeta`] that
//! drives both the API types and the page's controls.

mod jpeg;
mod png;

use crate::error::Result;
use crate::options::{Format, Options};
use crate::pixels::Rgba8;

/// What a UI or an API binding needs to know about a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatMeta {
    /// The `format` value in options.
    pub id: &'static str,
    /// A human label.
    pub label: &'static str,
    pub mime_type: &'static str,
    /// File extension without the dot.
    pub extension: &'static str,
    /// Whether the format throws information away (and so takes a quality).
    pub lossy: bool,
    /// The quality used when none is given (lossy formats only).
    pub default_quality: Option<u8>,
}

impl Format {
    /// This format's description.
    pub fn meta(self) -> &'static FormatMeta {
        match self {
            Format::Jpeg => &jpeg::META,
            Format::Png => &png::META,
        }
    }
}

/// Encodes validated RGBA8 pixels in the format `options` names.
///
/// # Errors
/// [`Error::InvalidInput`](crate::Error::InvalidInput) for bad options or dimensions the format
/// cannot hold, [`Error::Encode`](crate::Error::Encode) if the encoder fails.
pub fn encode_rgba(image: &Rgba8, options: &Options) -> Result<Vec<u8>> {
    options.validate()?;
    match options.format {
        Format::Jpeg => jpeg::encode(image, options.quality()?),
        Format::Png => png::encode(image),
    }
}
