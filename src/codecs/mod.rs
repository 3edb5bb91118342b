//! Output codecs: one file per format behind [`encode_image`], and the per-format [`FormatMeta`]: the
//! options each format reads, the source of the validator, the API types and the page's controls.

mod avif;
#[cfg(feature = "full")]
mod canvas;
#[cfg(feature = "avif")]
pub(crate) use avif::encode_tuned as avif_tuned;
mod jpeg;
mod png;
mod webp;

/// The encoders of `crate::bands`, fed a band of rows at a time.
pub(crate) use jpeg::BandEncoder as JpegBands;
#[cfg(feature = "full")]
pub use jpeg::{JpegBand, JpegSplit, SymbolCounts};
#[cfg(feature = "full")]
pub(crate) use png::apng;
pub(crate) use png::BandEncoder as PngBands;
#[cfg(feature = "full")]
pub use png::{adler32_combine, join_png, PngBand, PngSplit};
pub(crate) use png::{filtered_rows as png_filtered_rows, zlib_alone};
#[cfg(feature = "full")]
pub(crate) use webp::anim as webp_anim;
#[cfg(feature = "full")]
pub(crate) use webp::decode as decode_webp;
#[cfg(feature = "full")]
pub(crate) use webp::riff::chunks as webp_chunks;

use crate::error::{Error, Result};
pub use crate::options::{Choice, OptionKind, OptionMeta};
use crate::options::{Format, Settings};
use crate::pixels::Image;

/// What a UI or an API binding needs to know about a format.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
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
    /// The longest side, in pixels, a file of this format can hold.
    pub max_side: u32,
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

/// What `quality` does, where it always applies.
pub(crate) const QUALITY_DESCRIPTION: &str = "Higher keeps more detail and makes larger files.";

/// A choice's `auto`, first in every list that has one.
pub(crate) const AUTO_CHOICE: Choice = Choice {
    value: "auto",
    label: "Automatic",
};

/// `quality`, as the lossy formats offer it, with the format's default.
pub(crate) const fn quality_option(default: u8, description: &'static str) -> OptionMeta {
    OptionMeta {
        name: "quality",
        label: "Quality",
        kind: OptionKind::Integer {
            min: 1,
            max: 100,
            default: default as u64,
        },
        description,
    }
}

/// `subsampling`, as JPEG and AVIF offer it; `description` says when the format's `auto` keeps full
/// chroma.
pub(crate) const fn subsampling_option(description: &'static str) -> OptionMeta {
    OptionMeta {
        name: "subsampling",
        label: "Chroma subsampling",
        kind: OptionKind::Choice {
            choices: &[
                AUTO_CHOICE,
                Choice {
                    value: "4:4:4",
                    label: "None (4:4:4)",
                },
                Choice {
                    value: "4:2:2",
                    label: "Half across (4:2:2)",
                },
                Choice {
                    value: "4:2:0",
                    label: "Half both ways (4:2:0)",
                },
            ],
            default: "auto",
        },
        description,
    }
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
            Format::Apng => &png::APNG_META,
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
    max_side: u32::MAX,
};

/// Fails fast when this build cannot write `format`: the core build lacks WebP and palette PNG
/// (exoquant's quantiser), and `auto` weighs both among its candidates; only the `avif` build writes
/// AVIF.
///
/// # Errors
/// [`Error::NeedsFullModule`] in the core build for `webp`, `png-palette`, `apng` and `auto`, in any build
/// without the `avif` feature for `avif`.
pub fn check_available(format: Format) -> Result<()> {
    match format {
        Format::Avif if cfg!(not(feature = "avif")) => {
            Err(Error::needs_module("avif", "format \"avif\""))
        }
        Format::Webp | Format::PngPalette | Format::Apng | Format::Auto
            if cfg!(not(feature = "full")) =>
        {
            Err(Error::needs_full(&format!(
                "format \"{}\"",
                format.meta().id
            )))
        }
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

/// Makes room in a growing output for `more` bytes, in steps of at most 256 MB once it is large:
/// doubling a buffer past 1 GiB would ask for more than one buffer can hold on wasm32 (a capacity
/// overflow, which traps the instance), though the file itself would fit.
pub(crate) fn grow(out: &mut Vec<u8>, more: usize) {
    if out.capacity() - out.len() < more {
        out.reserve_exact(out.capacity().clamp(1 << 20, 1 << 28).max(more));
    }
}

/// Metadata an encoder writes beside the pixels, already filtered by the caller's choices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extras<'a> {
    /// An RGB ICC profile describing the pixels.
    pub icc: Option<&'a [u8]>,
    /// An EXIF block (TIFF structure) whose orientation tag says upright.
    pub exif: Option<&'a [u8]>,
}

/// Whether `format` can hold a `width` x `height` image; if not, why (one clause).
pub(crate) fn fits(format: Format, width: u32, height: u32) -> std::result::Result<(), String> {
    let max = format.meta().max_side;
    if width > max || height > max {
        return Err(format!(
            "{} holds at most {max} pixels a side, and this image is {width} x {height}",
            format.meta().label
        ));
    }
    Ok(())
}

/// The fewest bytes a `format` file of `width` x `height` can take, whatever the pixels: its
/// headers and the least its coding spends per block or row. A budget under it is impossible.
pub(crate) fn smallest_file(format: Format, width: u32, height: u32) -> u64 {
    match format {
        Format::Jpeg => jpeg::smallest_file(width, height),
        Format::Png | Format::PngPalette | Format::Apng => {
            png::smallest_file(format, width, height)
        }
        Format::Webp => webp::smallest_file(width, height),
        Format::Avif => avif::smallest_file(width, height),
        Format::Auto => 0,
    }
}

/// What of `extras` a `format` file can carry, and a note for each part it cannot: EXIF goes into
/// JPEG (in one APP1 segment of at most 64 KiB) and WebP, and JPEG holds a profile of at most 255
/// segments.
pub(crate) fn admit<'a>(format: Format, extras: &Extras<'a>) -> (Extras<'a>, Vec<String>) {
    let mut notes = Vec::new();
    let mut out = *extras;
    match format {
        Format::Jpeg => {
            if let Some(why) = extras.exif.and_then(jpeg::exif_does_not_fit) {
                notes.push(why);
                out.exif = None;
            }
            if let Some(why) = extras.icc.and_then(jpeg::icc_does_not_fit) {
                notes.push(why);
                out.icc = None;
            }
        }
        Format::Webp => {}
        _ => {
            if extras.exif.is_some() {
                notes.push(format!(
                    "EXIF is kept in JPEG and WebP output only: this {} file carries none",
                    format.meta().label
                ));
                out.exif = None;
            }
        }
    }
    (out, notes)
}

/// Encodes pixels as `settings` say, with what of `extras` the format can carry ([`admit`]).
///
/// # Errors
/// [`Error::InvalidInput`](crate::Error::InvalidInput) for dimensions the format cannot hold,
/// [`Error::Encode`](crate::Error::Encode) if an encoder fails.
pub fn encode_image(image: &Image, extras: &Extras, settings: &Settings) -> Result<Vec<u8>> {
    if settings.format != Format::Auto {
        fits(settings.format, image.width(), image.height()).map_err(|why| {
            Error::InvalidInput(format!(
                "{why} (set maxWidth/maxHeight, or choose another format)"
            ))
        })?;
    }
    let (extras, _) = admit(settings.format, extras);
    let extras = &extras;
    match settings.format {
        Format::Jpeg => jpeg::encode(&image.rgba8(), extras, settings),
        // A still image as APNG is a plain PNG (an APNG of one frame).
        Format::Png | Format::Apng => png::encode(image, extras, settings),
        #[cfg(feature = "full")]
        Format::PngPalette => png::encode_palette(&image.rgba8(), extras, settings),
        #[cfg(not(feature = "full"))]
        Format::PngPalette => Err(Error::needs_full("format \"png-palette\"")),
        Format::Webp => webp::encode(&image.rgba8(), extras, settings),
        Format::Avif => avif::encode(image, extras, settings),
        Format::Auto => Err(Error::InvalidInput(
            "format \"auto\" is decided by a search; encode with a concrete format".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_or_exif_a_jpeg_cannot_hold_is_dropped_with_a_note() {
        let icc = vec![0u8; 255 * 65_519 + 1];
        let exif = vec![0u8; 65_528];
        let extras = Extras {
            icc: Some(&icc),
            exif: Some(&exif),
        };
        let (kept, notes) = admit(Format::Jpeg, &extras);
        assert_eq!(kept, Extras::default());
        assert_eq!(notes.len(), 2, "{notes:?}");
        let small = Extras {
            icc: Some(&icc[..1000]),
            exif: Some(&exif[..1000]),
        };
        assert_eq!(admit(Format::Jpeg, &small), (small, vec![]));
        // PNG keeps the profile; EXIF goes into JPEG and WebP only.
        let (kept, notes) = admit(Format::Png, &small);
        assert_eq!((kept.icc, kept.exif, notes.len()), (small.icc, None, 1));
    }

    #[test]
    fn every_format_is_within_its_floor() {
        use crate::pixels::{Image, Rgba8};
        for (w, h) in [(1u32, 1u32), (9, 7), (64, 64), (300, 20)] {
            let flat =
                Image::Rgba8(Rgba8::new(w, h, [9, 9, 9, 255].repeat((w * h) as usize)).unwrap());
            for format in [Format::Jpeg, Format::Png, Format::PngPalette, Format::Webp] {
                if check_available(format).is_err() {
                    continue;
                }
                let mut settings = crate::options::Options::new(format).resolve().unwrap();
                for q in [1, 100] {
                    settings.quality = q;
                    settings.optimize_huffman = q == 1;
                    let file = encode_image(&flat, &Extras::default(), &settings).unwrap();
                    let floor = smallest_file(format, w, h);
                    assert!(
                        file.len() as u64 >= floor,
                        "{format:?} {w}x{h}: {} bytes under the floor {floor}",
                        file.len()
                    );
                }
            }
        }
    }
}
