//! Output codecs: one file per format behind [`encode_rgba`], and the per-format [`FormatMeta`] that
//! drives both the API types and the page's controls.

mod avif;
mod jpeg;
mod png;
mod webp;

#[cfg(feature = "full")]
pub(crate) use webp::decode as decode_webp;
pub(crate) use webp::MAX_SIDE as WEBP_MAX_SIDE;

use crate::error::{Error, Result};
use crate::options::{Format, Settings};
use crate::pixels::Image;

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
    /// A `#rrggbb` colour.
    Color {
        default: &'static str,
    },
    /// Any number of the choices, as a list.
    List {
        choices: &'static [&'static str],
        default: &'static [&'static str],
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
    OptionMeta {
        name: "maxBytes",
        label: "Fit in (bytes)",
        kind: OptionKind::Integer {
            min: 0,
            max: 1_000_000_000,
            default: 0,
        },
        description: "Target size: the best quality whose file fits in this many bytes (0: off).",
    },
    OptionMeta {
        name: "minScore",
        label: "At least SSIMULACRA2",
        kind: OptionKind::Integer {
            min: 0,
            max: 100,
            default: 0,
        },
        description: "Target quality: the smallest file scoring at least this (90 ≈ visually lossless; 0: off).",
    },
    OptionMeta {
        name: "minPsnr",
        label: "At least PSNR (dB)",
        kind: OptionKind::Integer {
            min: 0,
            max: 100,
            default: 0,
        },
        description: "Target quality: the smallest file whose PSNR reaches this (0: off).",
    },
    OptionMeta {
        name: "allowResize",
        label: "Shrink to fit",
        kind: OptionKind::Boolean { default: false },
        description: "Let a size budget shrink the image when even the lowest quality is too big.",
    },
    OptionMeta {
        name: "minWidth",
        label: "Shrink no narrower than",
        kind: OptionKind::Integer {
            min: 1,
            max: 65_535,
            default: 1,
        },
        description: "The smallest width shrinking to fit may reach.",
    },
    OptionMeta {
        name: "minHeight",
        label: "Shrink no shorter than",
        kind: OptionKind::Integer {
            min: 1,
            max: 65_535,
            default: 1,
        },
        description: "The smallest height shrinking to fit may reach.",
    },
];

impl Format {
    /// This format's description.
    pub fn meta(self) -> &'static FormatMeta {
        match self {
            Format::Jpeg => &jpeg::META,
            Format::Png => &png::META,
            Format::PngPalette => &png::PALETTE_META,
            Format::Webp => &webp::META,
            Format::Avif => &avif::META,
            Format::Auto => &AUTO_META,
        }
    }
}

const AUTO_META: FormatMeta = FormatMeta {
    id: "auto",
    label: "Auto (smallest good file)",
    mime_type: "image/*",
    extension: "",
    lossy: true,
    default_quality: None,
    options: &[OptionMeta {
        name: "autoFormats",
        label: "Formats to try",
        kind: OptionKind::List {
            choices: &["jpeg", "png", "png-palette", "webp", "avif"],
            default: &["jpeg", "png", "png-palette", "webp"],
        },
        description:
            "The formats auto may pick; AVIF is slow to search, so it is tried only when listed.",
    }],
};

/// Fails fast when this build cannot write `format`: the core build lacks WebP, and `auto` weighs
/// WebP among its candidates; only the `avif` build writes AVIF.
///
/// # Errors
/// [`Error::NeedsFullModule`] in the core build for `webp` and `auto`, in any build without the
/// `avif` feature for `avif`.
pub fn check_available(format: Format) -> Result<()> {
    match format {
        Format::Avif if cfg!(not(feature = "avif")) => {
            Err(Error::needs_module("avif", "format \"avif\""))
        }
        Format::Webp | Format::Auto if cfg!(not(feature = "full")) => Err(Error::needs_full(
            &format!("format \"{}\"", format.meta().id),
        )),
        _ => Ok(()),
    }
}

/// [`check_available`] for every format a call may write: for `auto`, each it may try.
///
/// # Errors
/// As [`check_available`].
pub fn check_settings(settings: &Settings) -> Result<()> {
    // The formats auto may pick first: the `avif` build, when one needs it, also serves `auto` itself.
    if settings.format == Format::Auto {
        for &f in &settings.auto_formats {
            check_available(f)?;
        }
    }
    check_available(settings.format)
}

/// Metadata an encoder writes beside the pixels, already filtered by the caller's choices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extras<'a> {
    /// An RGB ICC profile describing the pixels.
    pub icc: Option<&'a [u8]>,
    /// An EXIF block (TIFF structure) whose orientation tag says upright.
    pub exif: Option<&'a [u8]>,
}

/// Encodes pixels as `settings` say.
///
/// # Errors
/// [`Error::InvalidInput`](crate::Error::InvalidInput) for dimensions the format cannot hold,
/// [`Error::Encode`](crate::Error::Encode) if an encoder fails.
pub fn encode_image(image: &Image, extras: &Extras, settings: &Settings) -> Result<Vec<u8>> {
    match settings.format {
        Format::Jpeg => jpeg::encode(&image.rgba8(), extras, settings),
        Format::Png => png::encode(image, extras, settings),
        Format::PngPalette => png::encode_palette(&image.rgba8(), extras, settings),
        Format::Webp => webp::encode(&image.rgba8(), extras, settings),
        Format::Avif => avif::encode(image, extras, settings),
        Format::Auto => Err(Error::InvalidInput(
            "format \"auto\" is decided by a search; encode with a concrete format".into(),
        )),
    }
}
