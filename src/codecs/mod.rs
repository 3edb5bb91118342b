//! Output codecs: one file per format behind [`encode_image`], and the per-format [`FormatMeta`]: the
//! options each format reads, the source of the validator, the API types and the page's controls.

mod avif;
mod jpeg;
mod png;
mod webp;

pub(crate) use png::zlib_alone;
#[cfg(feature = "full")]
pub(crate) use webp::decode as decode_webp;
pub(crate) use webp::MAX_SIDE as WEBP_MAX_SIDE;

use crate::error::{Error, Result};
pub use crate::options::{Choice, OptionKind, OptionMeta};
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
    /// The options this format reads besides the common ones ([`COMMON_OPTIONS`]).
    pub options: &'static [OptionMeta],
}

impl FormatMeta {
    /// The option `name` as this format reads it (its own or a common one).
    pub fn option(&self, name: &str) -> Option<&'static OptionMeta> {
        self.options
            .iter()
            .chain(COMMON_OPTIONS)
            .find(|o| o.name == name)
    }

    /// The default of this format's `quality` option, for formats that read one.
    pub fn default_quality(&self) -> Option<u64> {
        match self.option("quality")?.kind {
            OptionKind::Integer { default, .. } => Some(default),
            _ => None,
        }
    }
}

/// `{ id, label, mimeType, extension, lossy, defaultQuality, options }`, the shape `formats()` gives,
/// with `options` every option the format reads: its own, then the common ones.
impl serde::Serialize for FormatMeta {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let options: Vec<&OptionMeta> = self.options.iter().chain(COMMON_OPTIONS).collect();
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("id", self.id)?;
        m.serialize_entry("label", self.label)?;
        m.serialize_entry("mimeType", self.mime_type)?;
        m.serialize_entry("extension", self.extension)?;
        m.serialize_entry("lossy", &self.lossy)?;
        m.serialize_entry("defaultQuality", &self.default_quality())?;
        m.serialize_entry("options", &options)?;
        m.end()
    }
}

/// The values of `effort`, which PNG and WebP both read (each maps them to its own encoder's levels).
pub(crate) const EFFORT_CHOICES: &[Choice] = &[
    Choice {
        value: "fast",
        label: "Fast",
    },
    Choice {
        value: "default",
        label: "Balanced",
    },
    Choice {
        value: "max",
        label: "Smallest (slow)",
    },
];

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
            choices: &[
                Choice {
                    value: "keep",
                    label: "Keep the photo's profile",
                },
                Choice {
                    value: "srgb",
                    label: "Convert to sRGB",
                },
            ],
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
        kind: OptionKind::Number {
            min: 0.0,
            max: 100.0,
            default: 0.0,
        },
        description: "Target quality: the smallest file scoring at least this (90 ≈ visually lossless; 0: off).",
    },
    OptionMeta {
        name: "minPsnr",
        label: "At least PSNR (dB)",
        kind: OptionKind::Number {
            min: 0.0,
            max: 100.0,
            default: 0.0,
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
    options: &[OptionMeta {
        name: "autoFormats",
        label: "Formats to try",
        kind: OptionKind::List {
            choices: &[
                Choice {
                    value: "jpeg",
                    label: "JPEG",
                },
                Choice {
                    value: "png",
                    label: "PNG",
                },
                Choice {
                    value: "png-palette",
                    label: "PNG (palette)",
                },
                Choice {
                    value: "webp",
                    label: "WebP",
                },
                Choice {
                    value: "avif",
                    label: "AVIF (slow)",
                },
            ],
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
