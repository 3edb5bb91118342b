//! What a caller asks for ([`Options`], as parsed from the JS options object) and what the engine runs
//! with ([`Settings`], every default applied and every field validated before work starts).
//!
//! `Options` derives `Deserialize` so that any front end (the JS object in `wasm.rs`, JSON in tests and
//! fuzz targets) parses into the same types with the same messages. Unknown names are rejected, so a
//! typo such as `qualty` fails loudly instead of being ignored.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::limits::Limits;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Lossy JPEG.
    Jpeg,
    /// Lossless PNG, optimised for size.
    Png,
    /// Lossy PNG: the colours reduced to a palette of at most `colors`.
    PngPalette,
    /// WebP: lossy (VP8) by default, lossless (VP8L) with `lossless`.
    Webp,
    /// Lossy AVIF (AV1 stills), in the `avif` build only.
    Avif,
    /// Whichever of the others gives the smallest file that meets the quality target.
    Auto,
}

impl Format {
    /// Every output format, in the order a UI lists them.
    pub const ALL: [Format; 6] = [
        Format::Jpeg,
        Format::Png,
        Format::PngPalette,
        Format::Webp,
        Format::Avif,
        Format::Auto,
    ];
}

/// JPEG chroma subsampling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Subsampling {
    /// 4:2:0 below quality 90, 4:4:4 from 90 up: at high quality, halved chroma is the visible loss.
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "4:4:4")]
    S444,
    #[serde(rename = "4:2:2")]
    S422,
    #[serde(rename = "4:2:0")]
    S420,
}

/// Bits per sample of AVIF output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum BitDepth {
    /// 10 bits for 16-bit sources, 8 otherwise.
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "8")]
    Eight,
    #[serde(rename = "10")]
    Ten,
}

/// How hard lossless encoders work for smaller files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effort {
    Fast,
    Default,
    Max,
}

/// What happens to an embedded colour profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorProfile {
    /// Write the input's ICC profile into the output unchanged, so colours do not shift.
    Keep,
    /// Convert the pixels to sRGB and write no profile.
    Srgb,
}

/// Per-call overrides of [`Limits`]; absent fields keep the defaults.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LimitOptions {
    pub max_width: Option<f64>,
    pub max_height: Option<f64>,
    pub max_pixels: Option<f64>,
    pub max_input_bytes: Option<f64>,
}

/// Options for [`encode`](crate::encode) and [`compress`](crate::compress), as a caller writes them.
/// Every field but `format` is optional; [`Options::resolve`] documents the defaults.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Options {
    pub format: Format,
    /// Quality of a lossy format, a whole number 1–100 (default: the format's, e.g. JPEG 75).
    pub quality: Option<f64>,
    /// WebP only: lossless (VP8L) rather than lossy (default false).
    pub lossless: Option<bool>,
    /// JPEG chroma subsampling (default `auto`).
    pub subsampling: Option<Subsampling>,
    /// Progressive JPEG (default false).
    pub progressive: Option<bool>,
    /// Optimised Huffman tables for JPEG (default true).
    pub optimize_huffman: Option<bool>,
    /// PNG effort (default `default`).
    pub effort: Option<Effort>,
    /// AVIF encoder speed, 0 (slowest, smallest) to 10 (default [`DEFAULT_AVIF_SPEED`]).
    pub speed: Option<f64>,
    /// AVIF bits per sample (default `auto`).
    pub bit_depth: Option<BitDepth>,
    /// The formats `format: "auto"` may choose among (default [`DEFAULT_AUTO_FORMATS`]).
    pub auto_formats: Option<Vec<Format>>,
    /// Palette size for `png-palette`, 2–256 (default 256).
    pub colors: Option<f64>,
    /// Error-diffusion dithering for `png-palette` (default true).
    pub dither: Option<bool>,
    /// Shrink to at most this width, keeping the aspect ratio (never enlarges).
    pub max_width: Option<f64>,
    /// Shrink to at most this height, keeping the aspect ratio (never enlarges).
    pub max_height: Option<f64>,
    /// Resize in linear light (default true) rather than on sRGB values.
    pub linear_resize: Option<bool>,
    /// Keep EXIF (JPEG and WebP output; GPS included), with orientation reset (default false).
    pub keep_metadata: Option<bool>,
    /// Keep the ICC profile or convert to sRGB (default `keep`).
    pub color_profile: Option<ColorProfile>,
    /// Colour transparent pixels are composited over for JPEG, `#rrggbb` (default `#ffffff`).
    pub background: Option<String>,
    /// Decoding limits for untrusted input.
    pub limits: Option<LimitOptions>,
    /// Target size: the highest quality whose file fits in this many bytes (0: no budget).
    pub max_bytes: Option<f64>,
    /// Target quality: the smallest file whose SSIMULACRA2 reaches this score, 0–100 (0: none).
    pub min_score: Option<f64>,
    /// Target quality: the smallest file whose PSNR reaches this many dB (0: none).
    pub min_psnr: Option<f64>,
    /// Whether a size budget may shrink the image when even the lowest quality does not fit
    /// (default false).
    pub allow_resize: Option<bool>,
    /// The smallest width and height such shrinking may reach (default 1).
    pub min_width: Option<f64>,
    pub min_height: Option<f64>,
}

/// Default JPEG quality: the one Squoosh and MozJPEG users know.
pub const DEFAULT_QUALITY: u8 = 75;

/// Default AVIF quality: its SSIMULACRA2 lands near JPEG quality 75's on the corpus photos
/// (`src/codecs/avif-notes.md`).
pub const DEFAULT_AVIF_QUALITY: u8 = 60;

/// The formats `auto` weighs unless told otherwise: AVIF is left out because its encoder is many times
/// slower than the others and a search encodes several times (`src/codecs/avif-notes.md`).
pub const DEFAULT_AUTO_FORMATS: [Format; 4] =
    [Format::Jpeg, Format::Png, Format::PngPalette, Format::Webp];

/// Default AVIF speed (`src/codecs/avif-notes.md`).
pub const DEFAULT_AVIF_SPEED: u8 = 6;

/// Options with every default applied and every value checked: what the engine runs with, and what a
/// result reports as the options actually used.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub format: Format,
    pub quality: u8,
    pub lossless: bool,
    pub subsampling: Subsampling,
    pub progressive: bool,
    pub optimize_huffman: bool,
    pub effort: Effort,
    pub speed: u8,
    pub bit_depth: BitDepth,
    pub auto_formats: Vec<Format>,
    pub colors: u16,
    pub dither: bool,
    pub max_width: Option<u32>,
    pub max_height: Option<u32>,
    pub linear_resize: bool,
    pub keep_metadata: bool,
    pub color_profile: ColorProfile,
    /// `[r, g, b]`, reported as `#rrggbb`.
    #[serde(serialize_with = "hex_color")]
    pub background: [u8; 3],
    #[serde(skip)]
    pub limits: Limits,
    pub max_bytes: Option<u64>,
    pub min_score: Option<f64>,
    pub min_psnr: Option<f64>,
    pub allow_resize: bool,
    pub min_width: u32,
    pub min_height: u32,
}

impl Settings {
    /// Whether a search (target size, target quality or auto format) decides the encoding.
    pub fn searches(&self) -> bool {
        self.format == Format::Auto
            || self.max_bytes.is_some()
            || self.min_score.is_some()
            || self.min_psnr.is_some()
    }
}

impl LimitOptions {
    /// Every field name, as callers write them.
    pub const FIELDS: &'static [&'static str] =
        &["maxWidth", "maxHeight", "maxPixels", "maxInputBytes"];
}

impl Options {
    /// Every field name, as callers write them: for front ends whose deserializer cannot reject
    /// unknown names itself (serde-wasm-bindgen ignores `deny_unknown_fields`).
    pub const FIELDS: &'static [&'static str] = &[
        "format",
        "quality",
        "lossless",
        "subsampling",
        "progressive",
        "optimizeHuffman",
        "effort",
        "speed",
        "bitDepth",
        "autoFormats",
        "colors",
        "dither",
        "maxWidth",
        "maxHeight",
        "linearResize",
        "keepMetadata",
        "colorProfile",
        "background",
        "limits",
        "maxBytes",
        "minScore",
        "minPsnr",
        "allowResize",
        "minWidth",
        "minHeight",
    ];

    /// Options for `format` with every default.
    pub fn new(format: Format) -> Self {
        Options {
            format,
            quality: None,
            lossless: None,
            subsampling: None,
            progressive: None,
            optimize_huffman: None,
            effort: None,
            speed: None,
            bit_depth: None,
            auto_formats: None,
            colors: None,
            dither: None,
            max_width: None,
            max_height: None,
            linear_resize: None,
            keep_metadata: None,
            color_profile: None,
            background: None,
            limits: None,
            max_bytes: None,
            min_score: None,
            min_psnr: None,
            allow_resize: None,
            min_width: None,
            min_height: None,
        }
    }

    /// Sets the JPEG quality (validated by [`Options::resolve`]).
    pub fn with_quality(mut self, quality: u8) -> Self {
        self.quality = Some(f64::from(quality));
        self
    }

    /// Applies defaults and validates every field, so that errors surface before any work starts.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the first field that is out of range or malformed.
    pub fn resolve(&self) -> Result<Settings> {
        let limits = match &self.limits {
            None => Limits::default(),
            Some(l) => {
                let d = Limits::default();
                Limits {
                    max_width: whole("limits.maxWidth", l.max_width, 1, u32::MAX.into())?
                        .map_or(d.max_width, |v| v as u32),
                    max_height: whole("limits.maxHeight", l.max_height, 1, u32::MAX.into())?
                        .map_or(d.max_height, |v| v as u32),
                    max_pixels: whole("limits.maxPixels", l.max_pixels, 1, MAX_SAFE)?
                        .unwrap_or(d.max_pixels),
                    max_input_bytes: whole("limits.maxInputBytes", l.max_input_bytes, 1, MAX_SAFE)?
                        .unwrap_or(d.max_input_bytes),
                }
            }
        };
        Ok(Settings {
            format: self.format,
            quality: whole("quality", self.quality, 1, 100)?.map_or_else(
                || {
                    self.format
                        .meta()
                        .default_quality
                        .unwrap_or(DEFAULT_QUALITY)
                },
                |q| q as u8,
            ),
            lossless: self.lossless.unwrap_or(false),
            subsampling: self.subsampling.unwrap_or(Subsampling::Auto),
            progressive: self.progressive.unwrap_or(false),
            optimize_huffman: self.optimize_huffman.unwrap_or(true),
            effort: self.effort.unwrap_or(Effort::Default),
            speed: whole("speed", self.speed, 0, 10)?.map_or(DEFAULT_AVIF_SPEED, |v| v as u8),
            bit_depth: self.bit_depth.unwrap_or(BitDepth::Auto),
            auto_formats: match &self.auto_formats {
                None => DEFAULT_AUTO_FORMATS.to_vec(),
                Some(list) if list.is_empty() || list.contains(&Format::Auto) => {
                    return Err(Error::InvalidInput(
                        "autoFormats must list at least one format other than \"auto\"".into(),
                    ))
                }
                Some(list) => list.clone(),
            },
            colors: whole("colors", self.colors, 2, 256)?.map_or(256, |c| c as u16),
            dither: self.dither.unwrap_or(true),
            max_width: side_limit("maxWidth", self.max_width)?,
            max_height: side_limit("maxHeight", self.max_height)?,
            linear_resize: self.linear_resize.unwrap_or(true),
            keep_metadata: self.keep_metadata.unwrap_or(false),
            color_profile: self.color_profile.unwrap_or(ColorProfile::Keep),
            background: match &self.background {
                None => [255, 255, 255],
                Some(s) => parse_hex_color(s)?,
            },
            limits,
            max_bytes: whole("maxBytes", self.max_bytes, 0, MAX_SAFE)?.filter(|&b| b > 0),
            min_score: target("minScore", self.min_score, 100.0)?,
            min_psnr: target("minPsnr", self.min_psnr, 100.0)?,
            allow_resize: self.allow_resize.unwrap_or(false),
            min_width: whole("minWidth", self.min_width, 1, u32::MAX.into())?
                .map_or(1, |v| v as u32),
            min_height: whole("minHeight", self.min_height, 1, u32::MAX.into())?
                .map_or(1, |v| v as u32),
        })
    }
}

/// A quality target in `0..=max`; absent or 0 means none.
fn target(name: &str, value: Option<f64>, max: f64) -> Result<Option<f64>> {
    match value {
        None => Ok(None),
        Some(v) if (0.0..=max).contains(&v) => Ok(Some(v).filter(|&v| v > 0.0)),
        Some(v) => Err(Error::InvalidInput(format!(
            "{name} must be a number from 0 to {max}, got {v}"
        ))),
    }
}

/// The largest integer a JS number holds exactly.
const MAX_SAFE: u64 = (1 << 53) - 1;

/// A whole number in `min..=max`, from a JS number.
fn whole(name: &str, value: Option<f64>, min: u64, max: u64) -> Result<Option<u64>> {
    match value {
        None => Ok(None),
        Some(v) if v.fract() == 0.0 && v >= min as f64 && v <= max as f64 => Ok(Some(v as u64)),
        Some(v) => Err(Error::InvalidInput(format!(
            "{name} must be a whole number from {min} to {max}, got {v}"
        ))),
    }
}

/// A resize bound: absent or 0 means none.
fn side_limit(name: &str, value: Option<f64>) -> Result<Option<u32>> {
    Ok(whole(name, value, 0, u32::MAX.into())?
        .filter(|&v| v > 0)
        .map(|v| v as u32))
}

fn parse_hex_color(s: &str) -> Result<[u8; 3]> {
    let bad = || {
        Error::InvalidInput(format!(
            "background must be a colour like \"#ffffff\", got {s:?}"
        ))
    };
    let hex = s.strip_prefix('#').ok_or_else(bad)?;
    // Hex digits only: `from_str_radix` alone would also take a sign, so "#+1+2+3" passed.
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let mut rgb = [0u8; 3];
    for (i, c) in rgb.iter_mut().enumerate() {
        *c = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(rgb)
}

impl Subsampling {
    /// The concrete subsampling for a quality: `auto` keeps full chroma from quality 90 up.
    pub fn for_quality(self, quality: u8) -> Subsampling {
        match self {
            Subsampling::Auto if quality >= 90 => Subsampling::S444,
            Subsampling::Auto => Subsampling::S420,
            other => other,
        }
    }
}

fn hex_color<S: serde::Serializer>(rgb: &[u8; 3], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]))
}
