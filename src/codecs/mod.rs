//! Output codecs: one file per format behind [`encode_rgba`], and the per-format [`FormatMeta`] that
//! drives both the API types and the page's controls.

mod jpeg;
mod png;
mod webp;

#[cfg(feature = "full")]
pub(crate) use webp::decode as decode_webp;

use crate::error::{Error, Result};
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
    /// The quality used when none is given (formats that take a quality only).
    pub default_quality: Option<u8>,
    /// The options this format reads besides the common ones ([`COMMON_OPTIONS`]).
    pub options: &'static [OptionMeta],
    /// The longest side, in pixels, a file of this format can hold.
    pub max_side: u32,
}

/// One option a format reads: enough for a UI to build a control and for typings to name it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
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
#[non_exhaustive]
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
    options: &[],
    max_side: u32::MAX,
};

/// Fails fast when this build cannot write `format`: the core build lacks WebP, and `auto` weighs
/// WebP among its candidates.
///
/// # Errors
/// [`Error::NeedsFullModule`] in the core build for `webp` and `auto`.
pub fn check_available(format: Format) -> Result<()> {
    match format {
        Format::Webp | Format::Auto if cfg!(not(feature = "full")) => Err(Error::needs_full(
            &format!("format \"{}\"", format.meta().id),
        )),
        _ => Ok(()),
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
        Format::Png | Format::PngPalette => png::smallest_file(format, width, height),
        Format::Webp => webp::smallest_file(width, height),
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
        Format::Png => png::encode(image, extras, settings),
        Format::PngPalette => png::encode_palette(&image.rgba8(), extras, settings),
        Format::Webp => webp::encode(&image.rgba8(), extras, settings),
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
