//! What a caller asks for ([`Options`]: a format and options by name, as written) and what the engine
//! runs with ([`Settings`]: every default applied and every value checked before work starts).
//!
//! The option meta ([`OptionMeta`]: each format's in `codecs/`, the common ones in
//! [`COMMON_OPTIONS`](crate::COMMON_OPTIONS), the input limits in [`LIMIT_OPTIONS`](crate::LIMIT_OPTIONS))
//! is the single source: names, ranges, whole or decimal, choices and defaults are written there
//! once, and the validator, `formats()`, the typings, the page, the CLI and the README read them. An
//! option is its meta entry plus the [`Settings`] field that the engine reads. Unknown names are
//! rejected, so a typo such as `qualty` fails loudly instead of being ignored.

mod meta;
mod value;

use serde::de::{Error as _, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::codecs::COMMON_OPTIONS;
use crate::error::{Error, Result};
use crate::limits::{Limits, ADDRESSABLE_BYTES, LIMIT_OPTIONS};
use meta::parse_hex_color;
pub use meta::{Choice, OptionKind, OptionMeta};
pub use value::OptionValue;
use value::{deserialize_fields, field, set_field, Fields};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Format {
    /// Lossy JPEG.
    Jpeg,
    /// Lossless PNG, optimised for size.
    Png,
    /// Lossy PNG: the colours reduced to a palette of at most `colors`.
    PngPalette,
    /// WebP: lossy by default, lossless with `lossless`.
    Webp,
    /// Lossy AVIF (AV1 stills), in the `avif` build only.
    Avif,
    /// Animated PNG, lossless: every frame of an animated input (a still image: a plain PNG).
    Apng,
    /// Whichever of the others gives the smallest file that meets the quality target.
    Auto,
}

impl Format {
    /// Every output format, in the order a UI lists them.
    pub const ALL: [Format; 7] = [
        Format::Jpeg,
        Format::Png,
        Format::PngPalette,
        Format::Webp,
        Format::Avif,
        Format::Apng,
        Format::Auto,
    ];
}

/// JPEG chroma subsampling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
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
#[non_exhaustive]
pub enum Effort {
    Fast,
    Default,
    Max,
}

/// What happens to an embedded colour profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ColorProfile {
    /// Write the input's ICC profile into the output unchanged, so colours do not shift.
    Keep,
    /// Convert the pixels to sRGB and write no profile.
    Srgb,
}

/// Options for [`encode`](crate::encode) and [`compress`](crate::compress), as a caller writes them:
/// the format and any of the options the meta lists ([`all_options`]), each as written and checked
/// only by [`Options::resolve`], against the meta. Build them with [`Options::new`] and
/// [`Options::with`], or deserialise them from a JS object or JSON.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Options {
    pub format: Format,
    values: Fields,
}

/// Default JPEG quality: the one Squoosh and MozJPEG users know.
pub const DEFAULT_QUALITY: u8 = 75;

/// Default AVIF quality: its SSIMULACRA2 lands near JPEG quality 75's on the corpus photos
/// (`src/codecs/avif-notes.md`).
pub const DEFAULT_AVIF_QUALITY: u8 = 60;

/// Default AVIF speed (`src/codecs/avif-notes.md`).
pub const DEFAULT_AVIF_SPEED: u8 = 8;

/// Options with every default applied and every value checked: what the engine runs with, and what a
/// result reports as the options actually used (which are valid options in turn). Deserialised from
/// the values the meta checked, so a field here is all an option needs besides its meta entry; a
/// field and an option of the same name must exist together (the tests resolve every format).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
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
    /// The formats `auto` may weigh (`autoFormats`; AVIF only when listed: avif-notes.md).
    pub auto_formats: Vec<Format>,
    pub colors: u16,
    pub dither: bool,
    /// `None` for 0, no limit.
    #[serde(with = "off_when_zero")]
    pub max_width: Option<u32>,
    #[serde(with = "off_when_zero")]
    pub max_height: Option<u32>,
    pub linear_resize: bool,
    pub keep_metadata: bool,
    pub color_profile: ColorProfile,
    /// `[r, g, b]`, written `#rrggbb`.
    #[serde(with = "hex_color")]
    pub background: [u8; 3],
    /// Checked apart, from `limits: { … }`.
    #[serde(skip)]
    pub limits: Limits,
    #[serde(with = "off_when_zero")]
    pub max_bytes: Option<u64>,
    #[serde(with = "off_when_zero")]
    pub min_score: Option<f64>,
    #[serde(with = "off_when_zero")]
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

/// Every option once, in the order UIs list them (each format's own, then the common ones), with
/// the first declaration of each: the list the CLI's flags and the typings are made from.
pub fn all_options() -> Vec<&'static OptionMeta> {
    let mut out: Vec<&'static OptionMeta> = Vec::new();
    for format in Format::ALL {
        for o in format.meta().options.iter().chain(COMMON_OPTIONS) {
            if !out.iter().any(|seen| seen.name == o.name) {
                out.push(o);
            }
        }
    }
    out
}

/// Every option once, each with the meta that rules it for `format`: the format's own declaration
/// where it reads the option (formats may differ in range or default), else the first one.
fn options_for(format: Format) -> Vec<&'static OptionMeta> {
    let own: Vec<&'static OptionMeta> =
        format.meta().options.iter().chain(COMMON_OPTIONS).collect();
    let rest = all_options()
        .into_iter()
        .filter(|o| !own.iter().any(|m| m.name == o.name));
    own.iter().copied().chain(rest).collect()
}

/// The names an options object may hold, for messages.
fn known_names() -> String {
    let mut names = vec!["format"];
    names.extend(all_options().iter().map(|o| o.name));
    names.push("limits");
    names.join(", ")
}

/// Fails on a name no meta lists (`limits` checked one level down), so a typo such as `qualty` fails
/// loudly instead of being ignored.
fn check_name(name: &str, value: &OptionValue) -> Result<()> {
    if name == "limits" {
        if let OptionValue::Map(limits) = value {
            for (key, _) in limits {
                if !LIMIT_OPTIONS.iter().any(|o| o.name == key) {
                    let names: Vec<&str> = LIMIT_OPTIONS.iter().map(|o| o.name).collect();
                    return Err(Error::InvalidInput(format!(
                        "unknown option limits.{key}; the limits are: {}",
                        names.join(", ")
                    )));
                }
            }
        }
        return Ok(());
    }
    if name == "format" || all_options().iter().any(|o| o.name == name) {
        return Ok(());
    }
    Err(Error::InvalidInput(format!(
        "unknown option {name}; the options are: {}",
        known_names()
    )))
}

fn parse_format(value: &OptionValue) -> Result<Format> {
    Format::ALL
        .into_iter()
        .find(|f| matches!(value, OptionValue::Text(s) if s == f.meta().id))
        .ok_or_else(|| {
            let ids: Vec<String> = Format::ALL
                .iter()
                .map(|f| format!("{:?}", f.meta().id))
                .collect();
            Error::InvalidInput(format!(
                "format must be one of {}, got {value}",
                ids.join(", ")
            ))
        })
}

/// `list`'s options from `given` (absent ones at their defaults), each checked by its meta.
fn checked(list: &[&'static OptionMeta], given: &Fields, prefix: &str) -> Result<Fields> {
    let mut out = Fields::new();
    for meta in list {
        let value = match field(given, meta.name) {
            None | Some(OptionValue::Null) => meta.kind.default_value(),
            Some(v) => meta.kind.check(&format!("{prefix}{}", meta.name), v)?,
        };
        out.push((meta.name.to_owned(), value));
    }
    Ok(out)
}

/// The `limits: { … }` of an options object (absent: every default), each checked by its meta.
fn checked_limits(given: Option<&OptionValue>) -> Result<Fields> {
    let empty = Fields::new();
    let given = match given {
        None | Some(OptionValue::Null) => &empty,
        Some(OptionValue::Map(m)) => m,
        Some(other) => {
            return Err(Error::InvalidInput(format!(
                "limits must be an object such as {{ maxPixels: 50000000 }}, got {other}"
            )))
        }
    };
    check_name("limits", &OptionValue::Map(given.clone()))?;
    let list: Vec<&'static OptionMeta> = LIMIT_OPTIONS.iter().collect();
    checked(&list, given, "limits.")
}

/// [`Limits`] from a caller's `limits: { … }` (`None`: the defaults), checked against
/// [`LIMIT_OPTIONS`]: for calls that take limits but no format, such as decoding.
///
/// # Errors
/// [`Error::InvalidInput`] naming the first limit that is unknown, out of range or malformed.
pub fn resolve_limits(given: Option<&OptionValue>) -> Result<Limits> {
    let mut limits: Limits = deserialize_fields(checked_limits(given)?).map_err(|e| {
        Error::InvalidInput(format!(
            "the limit meta and the engine's limits disagree ({e}); please report this"
        ))
    })?;
    // Never above what the build can address: a larger figure would promise memory that does not
    // exist (on wasm32, 4 GiB; a no-op where the address space is 64-bit).
    #[allow(clippy::unnecessary_min_or_max)]
    let addressable = limits.max_memory_bytes.min(ADDRESSABLE_BYTES);
    limits.max_memory_bytes = addressable;
    Ok(limits)
}

impl Options {
    /// Options for `format` with every default.
    pub fn new(format: Format) -> Self {
        Options {
            format,
            values: Fields::new(),
        }
    }

    /// Sets an option by its name in the options object (`"quality"`, `"limits"`…); checked by
    /// [`Options::resolve`].
    pub fn with(mut self, name: &str, value: impl Into<OptionValue>) -> Self {
        self.set(name, value);
        self
    }

    /// Sets an option by name, as [`Options::with`] does.
    pub fn set(&mut self, name: &str, value: impl Into<OptionValue>) {
        set_field(&mut self.values, name, value.into());
    }

    /// Sets one of the input limits (`"maxPixels"`…), as `limits: { name: value }` does.
    pub fn with_limit(mut self, name: &str, value: impl Into<OptionValue>) -> Self {
        let mut limits = match field(&self.values, "limits") {
            Some(OptionValue::Map(m)) => m.clone(),
            _ => Fields::new(),
        };
        set_field(&mut limits, name, value.into());
        self.set("limits", OptionValue::Map(limits));
        self
    }

    /// The value given for an option, as written; `None` when left out.
    pub fn get(&self, name: &str) -> Option<&OptionValue> {
        field(&self.values, name)
    }

    /// Sets the JPEG quality (validated by [`Options::resolve`]).
    pub fn with_quality(self, quality: u8) -> Self {
        self.with("quality", quality)
    }

    /// Checks every option against its meta and applies the defaults, so that errors surface before
    /// any work starts.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the first option that is unknown, out of range or malformed.
    pub fn resolve(&self) -> Result<Settings> {
        for (name, value) in &self.values {
            check_name(name, value)?;
        }
        let mut values = checked(&options_for(self.format), &self.values, "")?;
        values.push(("format".to_owned(), self.format.meta().id.into()));
        let limits = resolve_limits(self.get("limits"))?;
        let settings: Settings = deserialize_fields(values).map_err(|e| {
            Error::InvalidInput(format!(
                "the option meta and the engine's settings disagree ({e}); please report this"
            ))
        })?;
        Ok(Settings { limits, ..settings })
    }
}

/// `{ format, …options }` from a JS object or JSON: unknown names and a missing or unknown format
/// fail here, with the same messages as [`Options::resolve`]; the values are checked there.
impl<'de> Deserialize<'de> for Options {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_map(OptionsVisitor)
    }
}

struct OptionsVisitor;

impl<'de> Visitor<'de> for OptionsVisitor {
    type Value = Options;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an options object such as { format: \"jpeg\", quality: 75 }")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Options, A::Error> {
        let fail = |e: Error| A::Error::custom(e.message());
        let mut format = None;
        let mut values = Fields::new();
        while let Some(name) = map.next_key::<String>()? {
            let value: OptionValue = map.next_value()?;
            if name == "format" {
                format = Some(parse_format(&value).map_err(fail)?);
                continue;
            }
            check_name(&name, &value).map_err(fail)?;
            if value != OptionValue::Null {
                set_field(&mut values, &name, value);
            }
        }
        let format = format.ok_or_else(|| {
            A::Error::custom("the options need a format, e.g. { format: \"jpeg\", quality: 75 }")
        })?;
        Ok(Options { format, values })
    }
}

/// Options whose 0 means "off" (no resize bound, no budget, no target): `None` inside the engine,
/// 0 in the report, as callers write it.
mod off_when_zero {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize + Default + Copy>(
        v: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        v.unwrap_or_default().serialize(s)
    }

    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de> + Default + PartialEq,
    {
        let v = T::deserialize(d)?;
        Ok((v != T::default()).then_some(v))
    }
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

/// `#rrggbb` both ways; the meta checked the text before it gets here.
mod hex_color {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(rgb: &[u8; 3], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 3], D::Error> {
        let text = String::deserialize(d)?;
        super::parse_hex_color(&text)
            .ok_or_else(|| D::Error::custom(format!("{text:?} is not a #rrggbb colour")))
    }
}
