//! Smart modes: a file-size budget (`maxBytes`), a quality target (`minScore` on SSIMULACRA2,
//! `minPsnr`), and `format: "auto"`. Every mode encodes the same decoded, colour-converted pixels
//! again and again with one knob changed (JPEG quality, palette size, image size), so decoding and
//! colour conversion happen once per search, and resized copies once per size.
//!
//! The knob searches assume the property grows with the knob (bytes and scores with quality), which
//! holds closely but not exactly for JPEG and lossy WebP. They bracket the crossing and interpolate inside the
//! bracket (log-bytes for sizes, scores linearly), falling back to bisection, and stop when the
//! bracket is one step wide, so the answer is within one step of the best a full sweep finds.

use std::borrow::Cow;

use serde::Serialize;

use crate::codecs::{encode_image, fits, smallest_file, Extras};
use crate::decode::{decode, decode_full};
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::metrics::{can_score, measure, mse, mse16, psnr_from_mse, unscored_reason, Metrics};
use crate::options::{Effort, Format, Settings};
use crate::pixels::{Image, Rgba16};
use crate::resize;

/// One encode a search tried.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Probe {
    pub format: Format,
    /// Whether a WebP probe was lossless (WebP probes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lossless: Option<bool>,
    /// Quality (JPEG, AVIF and lossy WebP probes only).
    pub quality: Option<u8>,
    /// Palette size (png-palette probes only).
    pub colors: Option<u16>,
    pub width: u32,
    pub height: u32,
    pub bytes: usize,
    /// SSIMULACRA2, where the search measured it.
    pub score: Option<f64>,
    /// PSNR in dB, where the search measured it.
    pub psnr: Option<f64>,
}

/// What a search did and why it chose what it chose.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SearchReport {
    /// `maxBytes`, `minScore`, `minPsnr` or `auto` (with the others it combined).
    pub mode: String,
    pub probes: Vec<Probe>,
    /// One sentence a person can read.
    pub reason: String,
}

/// The search's pick: the file, the concrete settings it used and the pixels it encoded (the
/// caller's image, or the shrunk copy the file was made from).
pub struct Outcome<'a> {
    pub data: Vec<u8>,
    pub settings: Settings,
    pub image: Cow<'a, Image>,
    /// Metrics of the chosen file, when the search already measured them.
    pub metrics: Option<Metrics>,
    pub report: SearchReport,
}

/// What a search encodes: a format, for WebP whether lossless (its own codec, with no knob), and the
/// effort when the candidate sets its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Codec {
    format: Format,
    lossless: bool,
    effort: Option<Effort>,
}

impl Codec {
    const fn of(format: Format) -> Self {
        Codec {
            format,
            lossless: false,
            effort: None,
        }
    }

    fn label(self) -> String {
        match self.format {
            Format::Webp if self.lossless => "webp (lossless)".into(),
            f => f.meta().id.into(),
        }
    }
}

/// The knob a format turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Knob {
    Quality,
    Colors,
    Fixed,
}

fn knob(codec: Codec) -> Knob {
    match codec.format {
        Format::Jpeg | Format::Avif => Knob::Quality,
        Format::Webp if !codec.lossless => Knob::Quality,
        Format::PngPalette => Knob::Colors,
        _ => Knob::Fixed,
    }
}

fn codec_of(settings: &Settings) -> Codec {
    Codec {
        format: settings.format,
        lossless: settings.format == Format::Webp && settings.lossless,
        effort: None,
    }
}

fn knob_range(k: Knob) -> (u32, u32) {
    match k {
        Knob::Quality => (1, 100),
        Knob::Colors => (2, 256),
        Knob::Fixed => (0, 0),
    }
}

/// What is measured of each probe.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Goal {
    Bytes(u64),
    Score(f64),
    Psnr(f64),
}

/// A candidate file with what is known of it.
struct Candidate {
    data: Vec<u8>,
    settings: Settings,
    size: (u32, u32),
    metrics: Option<Metrics>,
}

struct Searcher<'a> {
    full: &'a Image,
    extras: Extras<'a>,
    base: &'a Settings,
    /// The one shrunk copy in use: sizes are tried one after another, largest first, so only the
    /// current one is kept.
    resized: Option<Image>,
    probes: Vec<Probe>,
    progress: &'a mut dyn FnMut(&Probe),
}

/// The most encodes one search may try. A search needs about eight per format and size (a knob is
/// bracketed, then interpolated), and sizes shrink by at least a tenth each step; this bounds what
/// a pathological budget can cost.
pub const MAX_PROBES: usize = 80;

impl<'a> Searcher<'a> {
    fn size(&self) -> (u32, u32) {
        (self.full.width(), self.full.height())
    }

    fn image(&mut self, size: (u32, u32)) -> Result<&Image> {
        if size == self.size() {
            return Ok(self.full);
        }
        let current = self.resized.as_ref().map(|i| (i.width(), i.height()));
        if current != Some(size) {
            // Freed before the next is made: two shrunk copies are never held at once.
            self.resized = None;
            self.resized = resize::fit(
                self.full,
                Some(size.0),
                Some(size.1),
                self.base.linear_resize,
            )?;
        }
        Ok(self.resized.as_ref().unwrap_or(self.full))
    }

    /// The pixels a candidate of `size` was made from, handed over without a copy.
    fn into_image(self, size: (u32, u32)) -> Result<Cow<'a, Image>> {
        if size == self.size() {
            return Ok(Cow::Borrowed(self.full));
        }
        match self.resized {
            Some(image) if (image.width(), image.height()) == size => Ok(Cow::Owned(image)),
            _ => Ok(Cow::Owned(
                resize::fit(
                    self.full,
                    Some(size.0),
                    Some(size.1),
                    self.base.linear_resize,
                )?
                .unwrap_or_else(|| self.full.clone()),
            )),
        }
    }

    /// Encodes `codec` at knob value `k` and size, measuring as `goal` needs.
    fn probe(
        &mut self,
        codec: Codec,
        k: u32,
        size: (u32, u32),
        goal: Option<Goal>,
    ) -> Result<Candidate> {
        if self.probes.len() >= MAX_PROBES {
            return Err(Error::LimitExceeded(format!(
                "the search stopped after {MAX_PROBES} encodes without settling; relax the budget \
                 or target"
            )));
        }
        let mut settings = self.base.clone();
        settings.format = codec.format;
        settings.lossless = codec.lossless;
        settings.effort = codec.effort.unwrap_or(settings.effort);
        match knob(codec) {
            Knob::Quality => settings.quality = k as u8,
            Knob::Colors => settings.colors = k as u16,
            Knob::Fixed => {}
        }
        let extras = self.extras;
        let image = self.image(size)?;
        let data = encode_image(image, &extras, &settings)?;
        let metrics = match goal {
            Some(Goal::Score(_)) => Some(measure_file(image, &data, &settings)?),
            Some(Goal::Psnr(_)) => {
                let result = decode(&data, &result_limits(&settings))?;
                let mse = mse(&image.rgba8(), &result);
                Some(Metrics {
                    mse,
                    psnr: psnr_from_mse(mse),
                    ssimulacra2: None,
                })
            }
            _ => None,
        };
        let probe = Probe {
            format: codec.format,
            lossless: (codec.format == Format::Webp).then_some(codec.lossless),
            quality: (knob(codec) == Knob::Quality).then_some(settings.quality),
            colors: (knob(codec) == Knob::Colors).then_some(settings.colors),
            width: size.0,
            height: size.1,
            bytes: data.len(),
            score: metrics.and_then(|m| m.ssimulacra2),
            psnr: metrics.map(|m| m.psnr),
        };
        (self.progress)(&probe);
        self.probes.push(probe);
        Ok(Candidate {
            data,
            settings,
            size,
            metrics,
        })
    }

    /// The knob value that best meets `goal` for `codec` at `size`: the highest that fits a byte
    /// budget, or the lowest that reaches a score. `Ok(None)` when no value can.
    fn knob_search(
        &mut self,
        codec: Codec,
        size: (u32, u32),
        goal: Goal,
    ) -> Result<Option<Candidate>> {
        let k = knob(codec);
        if k == Knob::Fixed {
            let c = self.probe(codec, 0, size, Some(goal))?;
            return Ok(meets(&c, goal).then_some(c));
        }
        let (min, max) = knob_range(k);
        // `pass` is monotone in the knob: false then true. Budgets pass when they overflow.
        let pass = |c: &Candidate| match goal {
            Goal::Bytes(_) => !meets(c, goal),
            _ => meets(c, goal),
        };
        let value = |c: &Candidate| -> f64 {
            match goal {
                Goal::Bytes(_) => (c.data.len() as f64).ln(),
                Goal::Score(_) => c.metrics.and_then(|m| m.ssimulacra2).unwrap_or(0.0),
                Goal::Psnr(_) => c.metrics.map_or(0.0, |m| m.psnr.min(200.0)),
            }
        };
        let target = match goal {
            Goal::Bytes(b) => (b as f64).ln(),
            Goal::Score(s) | Goal::Psnr(s) => s,
        };
        // Bracket: `below` fails `pass`, `above` passes.
        let mut below: Option<(u32, f64, Candidate)> = None;
        let mut above: Option<(u32, f64, Candidate)> = None;
        let mut next = match (k, goal) {
            (Knob::Quality, _) => 75,
            (_, _) => max,
        };
        loop {
            let c = self.probe(codec, next, size, Some(goal))?;
            let v = value(&c);
            if pass(&c) {
                above = Some((next, v, c));
            } else {
                below = Some((next, v, c));
            }
            let lo = below.as_ref().map(|b| b.0);
            let hi = above.as_ref().map(|a| a.0);
            next = match (lo, hi) {
                (Some(l), Some(h)) if h <= l + 1 => break,
                (Some(l), Some(h)) => {
                    let (vl, vh) = (
                        below.as_ref().map_or(0.0, |b| b.1),
                        above.as_ref().map_or(0.0, |a| a.1),
                    );
                    let t = if vh > vl {
                        (target - vl) / (vh - vl)
                    } else {
                        0.5
                    };
                    let guess = l as f64 + t.clamp(0.0, 1.0) * f64::from(h - l);
                    (guess.round() as u32).clamp(l + 1, h - 1)
                }
                (Some(l), None) if l >= max => break,
                (Some(l), None) => (l + (max - l).div_ceil(2)).min(max),
                (None, Some(h)) if h <= min => break,
                // A budget the first probe overflows: try the knob's lowest next, so that a budget
                // no setting meets is known after two encodes rather than a bisection's eight.
                (None, Some(_)) if matches!(goal, Goal::Bytes(_)) => min,
                (None, Some(h)) => (min + (h - min) / 2).max(min),
                (None, None) => break,
            };
        }
        Ok(match goal {
            Goal::Bytes(_) => below.map(|b| b.2),
            _ => above.map(|a| a.2),
        })
    }
}

fn meets(c: &Candidate, goal: Goal) -> bool {
    match goal {
        Goal::Bytes(b) => c.data.len() as u64 <= b,
        Goal::Score(s) => c
            .metrics
            .and_then(|m| m.ssimulacra2)
            .is_some_and(|v| v >= s),
        Goal::Psnr(p) => c.metrics.is_some_and(|m| m.psnr >= p),
    }
}

fn result_limits(settings: &Settings) -> Limits {
    Limits {
        max_input_bytes: u64::MAX,
        ..settings.limits
    }
}

/// Decodes `data` and measures it against `image`.
pub(crate) fn measure_file(image: &Image, data: &[u8], settings: &Settings) -> Result<Metrics> {
    let result = decode(data, &result_limits(settings))?;
    measure(&image.rgba8(), &result)
}

/// [`measure_file`] for a 16-bit `image`, with the MSE on the 16-bit scale beside the 8-bit
/// metrics, from one decode of the result at its own precision.
pub(crate) fn measure_file_deep(
    image: &Rgba16,
    data: &[u8],
    settings: &Settings,
) -> Result<(Metrics, Option<f64>)> {
    let result = decode_full(data, &result_limits(settings))?.image;
    let mse16 = mse16(image, &result);
    let metrics = measure(&image.to_rgba8(), &result.into_rgba8())?;
    Ok((metrics, mse16))
}

/// The quality target when the caller gave none: "high quality" on SSIMULACRA2's scale.
pub const DEFAULT_AUTO_SCORE: f64 = 70.0;

/// The quality target when the caller gave none and the image is too small for SSIMULACRA2 to
/// judge: the median PSNR at which the corpus's 17 photos cross [`DEFAULT_AUTO_SCORE`] as JPEG
/// (from 29.2 to 42.2 dB).
pub const DEFAULT_AUTO_PSNR: f64 = 34.0;

/// Codecs `auto` weighs for an image, among the formats `allowed` (`autoFormats`): lossless ones
/// always, JPEG only for opaque images, lossy WebP (it keeps alpha), a palette where one is not
/// already exact (lossless PNG holds ≤ 256 colours exactly). Lossless WebP is tried at effort `fast` (libwebp's method 2): its default took 62 s on a
/// 12 MP photo against 18 s (files 30 % larger), and on photos, where it is slow, a lossy format wins
/// by far anyway (webp-notes.md). A codec that cannot hold the image is skipped later, at each size
/// tried ([`holding`]). AVIF (alpha kept) only when listed: it is many times slower to search
/// (avif-notes.md).
fn auto_candidates(image: &Image, allowed: &[Format]) -> Vec<Codec> {
    let mut codecs = vec![
        Codec::of(Format::Png),
        Codec {
            format: Format::Webp,
            lossless: true,
            effort: Some(Effort::Fast),
        },
    ];
    if !image.has_transparency() {
        codecs.push(Codec::of(Format::Jpeg));
    }
    codecs.push(Codec::of(Format::Webp));
    codecs.push(Codec::of(Format::Avif));
    codecs.push(Codec::of(Format::PngPalette));
    codecs.retain(|c| allowed.contains(&c.format));
    codecs
}

/// `codecs` whose format can hold an image of `size` (each format's meta says its largest side),
/// and a note for each format that cannot.
fn holding(codecs: &[Codec], size: (u32, u32), notes: &mut Vec<String>) -> Vec<Codec> {
    let mut out = Vec::new();
    for &c in codecs {
        match fits(c.format, size.0, size.1) {
            Ok(()) => out.push(c),
            Err(why) => {
                let note = format!("{} skipped: {why}", c.format.meta().id);
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
        }
    }
    out
}

/// Runs the search `settings` asks for over `image` (upright, colour-converted).
///
/// # Errors
/// [`Error::LimitExceeded`] when no setting meets the budget or target, naming the best achievable,
/// or when the search would need more than [`MAX_PROBES`] encodes, and for a score target on an
/// image too small for SSIMULACRA2 to judge; any encode or decode error of a probe.
pub fn run<'a>(
    image: &'a Image,
    extras: Extras<'a>,
    settings: &'a Settings,
    progress: &'a mut dyn FnMut(&Probe),
) -> Result<Outcome<'a>> {
    let mut s = Searcher {
        full: image,
        extras,
        base: settings,
        resized: None,
        probes: Vec::new(),
        progress,
    };
    let size = s.size();
    let mut notes = Vec::new();
    let scorable = can_score(size.0, size.1);
    if settings.min_score.is_some() && !scorable {
        // A valid option on an image no setting can satisfy it for: a target no setting meets.
        return Err(Error::LimitExceeded(format!(
            "minScore needs a SSIMULACRA2 score, and {}; use minPsnr instead",
            unscored_reason(size.0, size.1).unwrap_or_default()
        )));
    }
    let quality_goal = match (settings.min_score, settings.min_psnr) {
        (Some(score), _) => Some(Goal::Score(score)),
        (None, Some(psnr)) => Some(Goal::Psnr(psnr)),
        (None, None) if settings.format == Format::Auto && scorable => {
            Some(Goal::Score(DEFAULT_AUTO_SCORE))
        }
        (None, None) if settings.format == Format::Auto => {
            notes.push(format!(
                "the target is PSNR {DEFAULT_AUTO_PSNR} dB: {}",
                unscored_reason(size.0, size.1).unwrap_or_default()
            ));
            Some(Goal::Psnr(DEFAULT_AUTO_PSNR))
        }
        (None, None) => None,
    };
    let formats = if settings.format == Format::Auto {
        auto_candidates(image, &settings.auto_formats)
    } else {
        vec![codec_of(settings)]
    };
    if formats.is_empty() {
        return Err(Error::InvalidInput(
            "autoFormats leaves nothing to try for this image (JPEG cannot keep transparency)"
                .into(),
        ));
    }
    let mut mode: Vec<&str> = Vec::new();
    if settings.format == Format::Auto {
        mode.push("auto");
    }
    if settings.max_bytes.is_some() {
        mode.push("maxBytes");
    }
    match quality_goal {
        Some(Goal::Score(_)) => mode.push("minScore"),
        Some(Goal::Psnr(_)) => mode.push("minPsnr"),
        _ => {}
    }
    if let Some(budget) = settings.max_bytes {
        check_budget_possible(&formats, size, budget, settings)?;
    }

    // Each format's best file under the quality target, then the smallest of them.
    let mut best: Option<Candidate> = None;
    if let Some(goal) = quality_goal {
        let candidates = holding(&formats, size, &mut notes);
        for &codec in &candidates {
            match s.knob_search(codec, size, goal)? {
                Some(c) => {
                    notes.push(format!("{} {} bytes", codec.label(), c.data.len()));
                    if best.as_ref().is_none_or(|b| c.data.len() < b.data.len()) {
                        best = Some(c);
                    }
                }
                None => notes.push(format!("{} cannot reach the target", codec.label())),
            }
        }
        if settings.format == Format::Auto && !settings.auto_formats.contains(&Format::Avif) {
            notes.push("avif not tried (add it to autoFormats)".into());
        }
        if best.is_none() {
            if candidates.is_empty() {
                return Err(Error::InvalidInput(format!(
                    "no format can hold this image: {}",
                    notes.join("; ")
                )));
            }
            let top = s
                .probes
                .iter()
                .filter_map(|p| p.score.or(p.psnr))
                .fold(f64::NEG_INFINITY, f64::max);
            return Err(Error::LimitExceeded(format!(
                "no setting reaches the quality target (the best reached was {top:.2}); lower minScore/minPsnr"
            )));
        }
    }

    // A byte budget: the target-quality pick if it fits, otherwise the highest quality that fits.
    if let Some(budget) = settings.max_bytes {
        let fits = best.as_ref().is_some_and(|b| b.data.len() as u64 <= budget);
        if !fits {
            if best.is_some() {
                notes.push(format!("the quality target needs more than {budget} bytes"));
            }
            // The quality pick does not fit: freed before the budget search makes its own.
            drop(best.take());
            best = fit_budget(&mut s, &formats, budget, &mut notes)?;
        }
    }

    let Some(chosen) = best else {
        return Err(Error::InvalidInput(
            "a search needs maxBytes, minScore, minPsnr or format \"auto\"".into(),
        ));
    };
    let reason = format!(
        "{} at {}x{}{}{}: {} bytes ({})",
        codec_of(&chosen.settings).label(),
        chosen.size.0,
        chosen.size.1,
        match knob(codec_of(&chosen.settings)) {
            Knob::Quality => format!(", quality {}", chosen.settings.quality),
            Knob::Colors => format!(", {} colours", chosen.settings.colors),
            Knob::Fixed => String::new(),
        },
        if chosen.size == size {
            ""
        } else {
            " (shrunk to fit)"
        },
        chosen.data.len(),
        if notes.is_empty() {
            format!("{} probes", s.probes.len())
        } else {
            notes.join("; ")
        },
    );
    let probes = std::mem::take(&mut s.probes);
    let image = s.into_image(chosen.size)?;
    Ok(Outcome {
        data: chosen.data,
        settings: chosen.settings,
        image,
        metrics: chosen.metrics.filter(|m| m.ssimulacra2.is_some()),
        report: SearchReport {
            mode: mode.join("+"),
            probes,
            reason,
        },
    })
}

/// Fails at once when no candidate format can write a file within `budget` even at the smallest
/// size the search may reach: every format has a floor (its headers, and a few bits a block or
/// row), and a budget under all of them needs no encode to be refused.
fn check_budget_possible(
    formats: &[Codec],
    size: (u32, u32),
    budget: u64,
    settings: &Settings,
) -> Result<()> {
    let smallest = if settings.allow_resize {
        smallest_size(size, settings)
    } else {
        size
    };
    let Some((floor, format)) = formats
        .iter()
        .map(|&c| (smallest_file(c.format, smallest.0, smallest.1), c.format))
        .min_by_key(|&(floor, _)| floor)
    else {
        return Ok(());
    };
    if budget < floor {
        return Err(Error::LimitExceeded(format!(
            "cannot fit in {budget} bytes: the smallest file possible at {}x{} is at least {floor} \
             bytes (no {} file of that size is smaller){}",
            smallest.0,
            smallest.1,
            format.meta().label,
            if settings.allow_resize {
                ", at the smallest size allowed"
            } else {
                " (allowResize would let it shrink)"
            }
        )));
    }
    Ok(())
}

/// [`check_budget_possible`] from a file's header, before anything is decoded: `width` x
/// `height` as stored, which an EXIF orientation may turn, and which `maxWidth`/`maxHeight` shrink.
///
/// # Errors
/// [`Error::LimitExceeded`] when `settings` has a byte budget no file of the candidate formats can
/// meet, whichever way the image turns.
pub(crate) fn check_budget_from_header(width: u32, height: u32, settings: &Settings) -> Result<()> {
    let Some(budget) = settings.max_bytes else {
        return Ok(());
    };
    let formats: Vec<Codec> = if settings.format == Format::Auto {
        [Format::Jpeg, Format::Png, Format::PngPalette, Format::Webp]
            .into_iter()
            .map(Codec::of)
            .collect()
    } else {
        vec![codec_of(settings)]
    };
    let fit = |w, h| resize::fitted_size(w, h, settings.max_width, settings.max_height);
    let upright = check_budget_possible(&formats, fit(width, height), budget, settings);
    let turned = check_budget_possible(&formats, fit(height, width), budget, settings);
    // Refused only if refused whichever way the image turns.
    match (upright, turned) {
        (Err(e), Err(_)) => Err(e),
        _ => Ok(()),
    }
}

/// The smallest size shrinking to fit may reach: `minWidth` x `minHeight` both hold, the shape
/// kept.
fn smallest_size(size: (u32, u32), settings: &Settings) -> (u32, u32) {
    let (w, h) = (f64::from(size.0), f64::from(size.1));
    let floor = (f64::from(settings.min_width) / w)
        .max(f64::from(settings.min_height) / h)
        .min(1.0);
    let side = |v: f64| ((v * floor).ceil() as u32).max(1);
    resize::fitted_size(size.0, size.1, Some(side(w)), Some(side(h)))
}

/// The highest-quality file within `budget` over `formats`, shrinking the image step by step when
/// allowed and even the lowest quality does not fit.
fn fit_budget(
    s: &mut Searcher,
    formats: &[Codec],
    budget: u64,
    notes: &mut Vec<String>,
) -> Result<Option<Candidate>> {
    let goal = Goal::Bytes(budget);
    let mut size = s.size();
    loop {
        // Lossy formats first: among files that fit, the one with the most quality is the one whose
        // knob is highest; lossless ones fit exactly or not at all.
        let mut fitting: Vec<Candidate> = Vec::new();
        let mut smallest = u64::MAX;
        for codec in holding(formats, size, notes) {
            // A format whose floor is over the budget at this size needs no encode to rule out.
            let floor = smallest_file(codec.format, size.0, size.1);
            if floor > budget {
                smallest = smallest.min(floor);
                continue;
            }
            if let Some(c) = s.knob_search(codec, size, goal)? {
                fitting.push(c);
            }
            smallest = smallest.min(
                s.probes
                    .iter()
                    .filter(|p| p.format == codec.format && (p.width, p.height) == size)
                    .map(|p| p.bytes as u64)
                    .min()
                    .unwrap_or(u64::MAX),
            );
        }
        // Prefer exact files, then the largest file that fits (the most quality the budget buys);
        // among equals the first found (`min_by_key` keeps the first minimum).
        let best = fitting.into_iter().min_by_key(|c| {
            (
                knob(codec_of(&c.settings)) != Knob::Fixed,
                std::cmp::Reverse(c.data.len()),
            )
        });
        if let Some(c) = best {
            return Ok(Some(c));
        }
        // minWidth and minHeight both hold: the image keeps its shape, so the larger of the two
        // ratios is the least it may be scaled by.
        let (full_w, full_h) = (f64::from(s.full.width()), f64::from(s.full.height()));
        let floor = (f64::from(s.base.min_width) / full_w)
            .max(f64::from(s.base.min_height) / full_h)
            .min(1.0);
        let now = f64::from(size.0) / full_w;
        let can_shrink = s.base.allow_resize && now > floor;
        if !can_shrink {
            return Err(Error::LimitExceeded(format!(
                "cannot fit in {budget} bytes: the smallest file possible at {}x{} is {smallest} bytes{}",
                size.0,
                size.1,
                if s.base.allow_resize { " at the smallest size allowed" } else { " (allowResize would let it shrink)" }
            )));
        }
        // Bytes scale roughly with pixels: aim a little under the budget, but always shrink by at
        // least a tenth so the loop ends.
        let step = ((budget as f64 / smallest as f64).sqrt() * 0.95).min(0.9);
        let scale = (now * step).max(floor);
        // Rounded up, so a side never lands a pixel under its minimum.
        let w = ((full_w * scale).ceil() as u32).max(1);
        let h = ((full_h * scale).ceil() as u32).max(1);
        let next = resize::fitted_size(s.full.width(), s.full.height(), Some(w), Some(h));
        if next == size {
            return Err(Error::LimitExceeded(format!(
                "cannot fit in {budget} bytes: the smallest file possible is {smallest} bytes at {}x{}",
                size.0, size.1
            )));
        }
        size = next;
    }
}
