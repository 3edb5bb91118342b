//! Output codecs: one file per format behind [`encode_rgba`], and the per-format [`FormatMeta`] that
//! drives both the API types and the page's controls.

mod jpeg;
mod png;

use crate::error::{Error, Result};
use crate::options::{Format, Settings};
use crate::pixels::Rgba8;

/// What a UI or an API binding needs to know about a format.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FormatMeta {
    /// The `format` value in options.
    pub id: &'static str,
    /// A human label.
    pub label: &'static str,
    pub mime_type: &'static str,
    /// File extension without the dot.
    pub extension: &'static str,
    /// Whether the format throws information away.
    pub lossy: bool,
    /// The quality used when none is given (formats that take a quality only).
    pub default_quality: Option<u8>,
    /// The options this format reads besides the common ones ([`COMMON_OPTIONS`]).
    pub options: &'static [OptionMeta],
}

/// One option a format reads: enough for a UI to build a control and for typings to name it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptionMeta {
    /// The field name in the options object.
    pub name: &'static str,
    pub label: &'static str,
    pub kind: OptionKind,
    /// One sentence for a tooltip or a doc comment.
    pub description: &'static str,
}

/// The type, range and default of an option.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OptionKind {
    Integer {
        min: u32,
        max: u32,
        default: u32,
    },
    Choice {
        choices: &'static [&'static str],
        default: &'static str,
    },
    Boolean {
        default: bool,
    },
}

/// Options every format reads.
pub const COMMON_OPTIONS: &[OptionMeta] = &[
    OptionMeta {
        name: "maxWidth",
        label: "Max width",
        kind: OptionKind::Integer {
            min: 0,
            max: 65_535,
            default: 0,
        },
        description:
            "Shrink to at most this many pixels wide, keeping the aspect ratio (0: no limit).",
    },
    OptionMeta {
        name: "maxHeight",
        label: "Max height",
        kind: OptionKind::Integer {
            min: 0,
            max: 65_535,
            default: 0,
        },
        description:
            "Shrink to at most this many pixels high, keeping the aspect ratio (0: no limit).",
    },
    OptionMeta {
        name: "linearResize",
        label: "Resize in linear light",
        kind: OptionKind::Boolean { default: true },
        description: "Average light rather than sRGB values when shrinking: truer fine detail.",
    },
    OptionMeta {
        name: "colorProfile",
        label: "Colour profile",
        kind: OptionKind::Choice {
            choices: &["keep", "srgb"],
            default: "keep",
        },
        description: "Keep the photo's embedded ICC profile, or convert the pixels to sRGB.",
    },
];

impl Format {
    /// This format's description.
    pub fn meta(self) -> &'static FormatMeta {
        match self {
            Format::Jpeg => &jpeg::META,
            Format::Png => &png::META,
            Format::PngPalette => &png::PALETTE_META,
            Format::Webp => &WEBP_META,
        }
    }
}

const WEBP_META: FormatMeta = FormatMeta {
    id: "webp",
    label: "WebP (lossless)",
    mime_type: "image/webp",
    extension: "webp",
    lossy: false,
    default_quality: None,
    options: &[],
};

/// Encodes RGBA8 pixels as `settings` say.
///
/// # Errors
/// [`Error::InvalidInput`] for dimensions the format cannot hold, [`Error::Encode`] if the encoder
/// fails.
pub fn encode_rgba(image: &Rgba8, settings: &Settings) -> Result<Vec<u8>> {
    match settings.format {
        Format::Jpeg => jpeg::encode(image, settings),
        Format::Png => png::encode(image, settings),
        Format::PngPalette | Format::Webp => Err(Error::Unsupported(format!(
            "{} output is not built yet",
            settings.format.meta().label
        ))),
    }
}
