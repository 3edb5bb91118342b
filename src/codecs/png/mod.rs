//! PNG output: lossless and optimised for size (`png`), and palette-quantised (`png-palette`).
//!
//! Lossless output picks the smallest layout that holds every sample exactly ([`reduce`]), then the
//! filters and DEFLATE effort ([`write`]). It never changes a pixel: the tests decode every output
//! with an independent decoder and compare for equality.

// Animated PNG output, from the animation code (`crate::anim`) of the full build.
#[cfg(feature = "full")]
pub(crate) mod apng;
mod deflate;
mod reduce;
// The split over workers is opt-in and for images of a megapixel or more: it lives in the full build,
// which keeps the core module (the one every page loads first) within its size budget.
#[cfg(feature = "full")]
mod split;
mod write;

#[cfg(feature = "full")]
pub use split::{adler32_combine, join as join_png, PngBand, PngSplit};

use super::{Extras, FormatMeta, OptionKind, OptionMeta, EFFORT_CHOICES};
use crate::error::{Error, Result};
use crate::options::Settings;
use crate::pixels::Image;
#[cfg(feature = "full")]
use crate::{pixels::Rgba8, quantize::quantize};

/// The filtered rows the zlib compressor gets for `image` (its first layout, min-sum filters), for the
/// DEFLATE bench.
pub(crate) fn filtered_rows(image: &Image) -> Vec<u8> {
    reduce::candidates(image)
        .first()
        .map_or_else(Vec::new, write::min_sum_rows)
}

/// The zlib compressor alone, for its fuzz target: `level` 0 is fast, 1 default, anything else max.
pub(crate) fn zlib_alone(data: &[u8], level: u8) -> Vec<u8> {
    let level = match level {
        0 => deflate::Level::Fast,
        1 => deflate::Level::Default,
        _ => deflate::Level::Max,
    };
    deflate::zlib(data, level)
}

const EFFORT: OptionMeta = OptionMeta {
    name: "effort",
    label: "Effort",
    kind: OptionKind::Choice {
        choices: EFFORT_CHOICES,
        default: "default",
    },
    description: "More effort finds smaller files and takes longer; the pixels are the same.",
};

pub(super) const META: FormatMeta = FormatMeta {
    id: "png",
    label: "PNG (lossless)",
    mime_type: "image/png",
    extension: "png",
    lossy: false,
    options: &[EFFORT],
    max_side: MAX_SIDE,
};

pub(super) const APNG_META: FormatMeta = FormatMeta {
    id: "apng",
    label: "APNG (animated PNG, lossless)",
    mime_type: "image/apng",
    extension: "png",
    lossy: false,
    options: &[EFFORT],
    max_side: MAX_SIDE,
};

/// PNG stores each side in 31 bits.
const MAX_SIDE: u32 = (1 << 31) - 1;

pub(super) const PALETTE_META: FormatMeta = FormatMeta {
    id: "png-palette",
    label: "PNG (palette, lossy)",
    mime_type: "image/png",
    extension: "png",
    lossy: true,
    options: &[
        OptionMeta {
            name: "colors",
            label: "Colours",
            kind: OptionKind::Integer {
                min: 2,
                max: 256,
                default: 256,
            },
            description: "The most colours the palette may hold: fewer makes smaller files.",
        },
        OptionMeta {
            name: "dither",
            label: "Dithering",
            kind: OptionKind::Boolean { default: true },
            description: "Diffuses the palette's error so gradients do not band.",
        },
        EFFORT,
    ],
    max_side: MAX_SIDE,
};

/// The fewest bytes a PNG of `width` x `height` takes: signature, IHDR, IDAT, IEND (and PLTE for a
/// palette), and the rows at one bit a pixel, which DEFLATE shrinks at most 1032 times.
pub(super) fn smallest_file(format: crate::options::Format, width: u32, height: u32) -> u64 {
    let chunks = 8
        + 25
        + 12
        + 12
        + if format == crate::options::Format::PngPalette {
            15
        } else {
            0
        };
    let zlib = 2 + 2 + 4;
    let rows = u64::from(height) * (1 + u64::from(width).div_ceil(8));
    chunks + zlib + rows / 1032
}

/// Lossless PNG: the smallest of the candidate layouts and filter strategies this effort tries.
pub(super) fn encode(image: &Image, extras: &Extras, settings: &Settings) -> Result<Vec<u8>> {
    let candidates = reduce::candidates(image);
    let (packed, idat) = write::best_idat(&candidates, settings.effort)
        .ok_or_else(|| Error::Encode("no PNG layout fits this image".into()))?;
    Ok(write::file(packed, &idat, extras.icc))
}

/// Palette PNG: colours reduced to at most `settings.colors`, optionally dithered. (Full build only:
/// the core refuses the format with `NeedsFullModule` in [`check_available`](super::check_available).)
#[cfg(feature = "full")]
pub(super) fn encode_palette(
    image: &Rgba8,
    extras: &Extras,
    settings: &Settings,
) -> Result<Vec<u8>> {
    let (quantized, palette) = quantize(image, usize::from(settings.colors), settings.dither)?;
    let packed = reduce::indexed_from_palette(&quantized, palette);
    let (packed, idat) = write::best_idat(std::slice::from_ref(&packed), settings.effort)
        .ok_or_else(|| Error::Encode("no PNG layout fits this image".into()))?;
    Ok(write::file(packed, &idat, extras.icc))
}

/// Lossless PNG of an image too large to hold whole, fed a band of rows at a time
/// (`crate::bands`): RGBA8 rows written at 8 bits a sample, gray or colour, with alpha or without,
/// as the caller found the pixels to be, or rows already in the layout (16-bit samples, big-endian);
/// the palette and low-bit layouts of [`encode`] need the whole image and are not tried.
pub(crate) struct BandEncoder {
    writer: write::RowWriter,
    gray: bool,
    alpha: bool,
    packed: Vec<u8>,
}

impl BandEncoder {
    pub(crate) fn new(
        width: u32,
        height: u32,
        gray: bool,
        alpha: bool,
        icc: Option<&[u8]>,
        settings: &Settings,
    ) -> Self {
        Self::with_depth(width, height, (gray, alpha), 8, icc, settings)
    }

    /// A writer of `depth`-bit samples, fed with [`BandEncoder::packed`].
    pub(crate) fn with_depth(
        width: u32,
        height: u32,
        (gray, alpha): (bool, bool),
        depth: u8,
        icc: Option<&[u8]>,
        settings: &Settings,
    ) -> Self {
        let color = match (gray, alpha) {
            (true, false) => reduce::ColorType::Gray,
            (true, true) => reduce::ColorType::GrayAlpha,
            (false, false) => reduce::ColorType::Rgb,
            (false, true) => reduce::ColorType::Rgba,
        };
        let layout = reduce::Packed {
            width,
            height,
            color,
            depth,
            palette: Vec::new(),
            trns: Vec::new(),
            data: Vec::new(),
        };
        BandEncoder {
            writer: write::RowWriter::new(&layout, settings.effort, icc),
            gray,
            alpha,
            packed: Vec::new(),
        }
    }

    /// Encodes whole RGBA8 rows.
    pub(crate) fn band(&mut self, rgba: &[u8]) {
        self.packed.clear();
        for p in rgba.chunks_exact(4) {
            match (self.gray, self.alpha) {
                (true, false) => self.packed.push(p[0]),
                (true, true) => self.packed.extend([p[0], p[3]]),
                (false, false) => self.packed.extend(&p[..3]),
                (false, true) => self.packed.extend(p),
            }
        }
        self.writer.rows(&self.packed);
    }

    /// Encodes whole rows already in the layout.
    pub(crate) fn packed(&mut self, rows: &[u8]) {
        self.writer.rows(rows);
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        self.writer.finish()
    }
}
