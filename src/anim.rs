//! Animations: an animated GIF or WebP to an animated WebP or, losslessly, an animated PNG (APNG),
//! every frame kept with its timing and the loop count (disposal is applied: each frame is taken as the whole canvas a viewer shows, and
//! written as the part of it that changed). Frames stream: one canvas decoded, resized and encoded at
//! a time, never the whole animation in memory.
//!
//! Metrics: each output frame is decoded as a viewer draws it and compared with the input canvas it
//! stands for (after any resize): MSE is the mean over every frame (PSNR from it), SSIMULACRA2 the
//! mean over frames, unweighted by duration, scoring every frame of animations up to
//! [`SCORED_FRAMES`] frames and that many evenly spaced ones of longer ones.

use crate::codecs::apng::{ApngEncoder, Layout, LayoutFinder};
use crate::codecs::webp_anim::{Encoder, Frames as WebpFrames};
use crate::codecs::{admit, Extras};
use crate::color::is_rgb_profile;
use crate::decode::gif::{count_frames, GifFrames};
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::memory;
use crate::metrics::{can_score, measure, mse, psnr_from_mse, ratio};
use crate::options::{ColorProfile, Format, Settings};
use crate::pipeline::Compressed;
use crate::pixels::{Image, Rgba8};
use crate::resize;
use crate::search::{Probe, SearchReport, DEFAULT_AUTO_PSNR, DEFAULT_AUTO_SCORE};

/// Animations with more frames have this many scored with SSIMULACRA2 (MSE covers every frame).
pub(crate) const SCORED_FRAMES: usize = 60;

/// How many canvas pixels, over all frames, an animation may cost, in multiples of
/// `limits.maxPixels` (each frame is decoded, encoded and decoded again).
const FRAME_PIXELS_FACTOR: u64 = 10;

enum Kind {
    Gif,
    Webp,
}

enum Source<'a> {
    Gif(Box<GifFrames<'a>>),
    Webp(WebpFrames),
}

impl Source<'_> {
    fn size(&self) -> (u32, u32) {
        match self {
            Source::Gif(g) => (g.width(), g.height()),
            Source::Webp(w) => (w.width(), w.height()),
        }
    }

    fn next_frame(&mut self) -> Result<Option<u32>> {
        match self {
            Source::Gif(g) => g.next_frame(),
            Source::Webp(w) => w.next_frame(),
        }
    }

    fn canvas(&self) -> &[u8] {
        match self {
            Source::Gif(g) => g.canvas(),
            Source::Webp(w) => w.canvas(),
        }
    }

    fn loop_count(&self) -> u16 {
        match self {
            Source::Gif(g) => g.loop_count(),
            Source::Webp(w) => w.loop_count(),
        }
    }
}

/// An animation's kind, how many frames it has (counted up to one past `limits.max_frames`), and
/// the size of its largest frame (`None`: none larger than the canvas).
struct Animation {
    kind: Kind,
    frames: usize,
    largest: Option<(u32, u32)>,
}

/// Whether `bytes` is an animation of two frames or more (a GIF, or a WebP with `ANIM`).
fn animation(bytes: &[u8], limits: &Limits) -> Option<Animation> {
    let bound = limits.max_frames as usize + 1;
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        let count = count_frames(bytes, bound);
        return (count.frames >= 2).then_some(Animation {
            kind: Kind::Gif,
            frames: count.frames,
            largest: Some(count.largest),
        });
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        let chunks = crate::codecs::webp_chunks(bytes).ok()?;
        let frames = chunks.iter().filter(|c| &c.fourcc == b"ANMF").count();
        // Frames lie within the canvas (checked as each is read).
        return (frames >= 2).then_some(Animation {
            kind: Kind::Webp,
            frames,
            largest: None,
        });
    }
    None
}

/// The encoder of one output format, fed whole canvases.
enum Sink {
    Webp(Box<Encoder>),
    Apng(Box<ApngEncoder>),
}

impl Sink {
    fn push(&mut self, canvas: &[u8], duration: u32) -> Result<&[u8]> {
        match self {
            Sink::Webp(e) => e.push(canvas, duration),
            Sink::Apng(e) => e.push(canvas, duration),
        }
    }

    fn frames(&self) -> usize {
        match self {
            Sink::Webp(e) => e.frames(),
            Sink::Apng(e) => e.frames(),
        }
    }

    fn finish(self, loops: u16, extras: &Extras) -> Result<Vec<u8>> {
        match self {
            Sink::Webp(e) => e.finish(loops, extras.icc, extras.exif),
            Sink::Apng(e) => e.finish(loops, extras.icc),
        }
    }
}

/// An animated WebP's ICC profile and EXIF as `settings.format` keeps them, and a note for each
/// part it does not: an RGB profile is kept (the frames are written as they are, never converted),
/// EXIF where `keepMetadata` and the format holds it (WebP). A GIF carries neither.
fn metadata<'a>(
    bytes: &'a [u8],
    kind: &Kind,
    settings: &Settings,
) -> Result<(Extras<'a>, Vec<String>)> {
    let mut notes = Vec::new();
    if !matches!(kind, Kind::Webp) {
        return Ok((Extras::default(), notes));
    }
    let chunks = crate::codecs::webp_chunks(bytes)?;
    let find = |fourcc: &[u8; 4]| chunks.iter().find(|c| &c.fourcc == fourcc).map(|c| c.data);
    let icc = find(b"ICCP").filter(|p| is_rgb_profile(p));
    if icc.is_some() && settings.color_profile == ColorProfile::Srgb {
        notes.push(
            "the animation's ICC profile is kept and its frames are not converted: colorProfile \
             \"srgb\" converts still images only"
                .into(),
        );
    }
    let exif = find(b"EXIF").filter(|_| settings.keep_metadata);
    let (kept, dropped) = admit(settings.format, &Extras { icc, exif });
    notes.extend(dropped);
    Ok((kept, notes))
}

/// The APNG layout every frame fits: a palette when the animation has at most 256 colours (found
/// by a first pass over the canvases), else RGB(A). A resized animation is written as RGBA.
fn apng_layout(bytes: &[u8], kind: &Kind, settings: &Settings) -> Result<Layout> {
    let mut source = open(bytes, kind, settings)?;
    let (width, height) = source.size();
    if resize::fitted_size(width, height, settings.max_width, settings.max_height)
        != (width, height)
    {
        return Ok(Layout::Rgba);
    }
    let mut finder = LayoutFinder::default();
    while source.next_frame()?.is_some() {
        finder.add(source.canvas());
    }
    Ok(finder.layout())
}

/// One encode of a whole animation and what it measured.
struct Pass {
    data: Vec<u8>,
    width: u32,
    height: u32,
    frames_in: usize,
    frames_out: usize,
    duration_ms: u64,
    loops: u16,
    mse: f64,
    score: Option<f64>,
    lowest: Option<f64>,
}

impl Pass {
    /// This pass as a search probe, made with `settings`.
    fn probe(&self, settings: &Settings) -> Probe {
        Probe {
            format: settings.format,
            lossless: Some(settings.lossless),
            quality: (!settings.lossless).then_some(settings.quality),
            colors: None,
            width: self.width,
            height: self.height,
            bytes: self.data.len(),
            score: self.score,
            psnr: Some(psnr_from_mse(self.mse)),
        }
    }
}

fn open<'a>(bytes: &'a [u8], kind: &Kind, settings: &Settings) -> Result<Source<'a>> {
    Ok(match kind {
        Kind::Gif => Source::Gif(Box::new(GifFrames::open(bytes, &settings.limits)?)),
        Kind::Webp => Source::Webp(
            WebpFrames::open(bytes, &settings.limits)?
                .ok_or_else(|| Error::Decode("the WebP is not an animation".into()))?,
        ),
    })
}

fn encode_pass(bytes: &[u8], kind: &Kind, frames: usize, settings: &Settings) -> Result<Pass> {
    let (extras, _) = metadata(bytes, kind, settings)?;
    let mut source = open(bytes, kind, settings)?;
    let (width, height) = source.size();
    let (out_w, out_h) =
        resize::fitted_size(width, height, settings.max_width, settings.max_height);
    let mut encoder = if settings.format == Format::Apng {
        let layout = apng_layout(bytes, kind, settings)?;
        Sink::Apng(Box::new(ApngEncoder::new(
            out_w,
            out_h,
            layout,
            settings.effort,
        )?))
    } else {
        Sink::Webp(Box::new(Encoder::new(out_w, out_h, settings)?))
    };
    let stride = frames.div_ceil(SCORED_FRAMES).max(1);
    let (mut n, mut duration_ms, mut mse_sum) = (0usize, 0u64, 0.0);
    let (mut scores, mut lowest) = (Vec::new(), f64::INFINITY);
    while let Some(duration) = source.next_frame()? {
        let canvas = if (out_w, out_h) == (width, height) {
            Rgba8::new(width, height, source.canvas().to_vec())?
        } else {
            let full = Image::Rgba8(Rgba8::new(width, height, source.canvas().to_vec())?);
            resize::fit(
                &full,
                settings.max_width,
                settings.max_height,
                settings.linear_resize,
            )?
            .unwrap_or(full)
            .into_rgba8()
        };
        let shown = Rgba8::new(
            out_w,
            out_h,
            encoder.push(canvas.data(), duration)?.to_vec(),
        )?;
        let frame_mse = mse(&canvas, &shown);
        mse_sum += frame_mse;
        if n % stride == 0 {
            // A frame shown exactly (always, in APNG: it is lossless) scores 100, as `measure` would
            // say without running SSIMULACRA2; not measured again.
            let score = if frame_mse == 0.0 {
                can_score(out_w, out_h).then_some(100.0)
            } else {
                measure(&canvas, &shown)?.ssimulacra2
            };
            if let Some(s) = score {
                scores.push(s);
                lowest = lowest.min(s);
            }
        }
        n += 1;
        duration_ms += u64::from(duration);
    }
    let frames_out = encoder.frames();
    let loops = source.loop_count();
    let data = encoder.finish(loops, &extras)?;
    let mse = if n == 0 { 0.0 } else { mse_sum / n as f64 };
    Ok(Pass {
        data,
        width: out_w,
        height: out_h,
        frames_in: n,
        frames_out,
        duration_ms,
        loops,
        mse,
        score: (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64),
        lowest: lowest.is_finite().then_some(lowest),
    })
}

/// An animated input compressed to an animated WebP or APNG, or `None` when the input is not an
/// animation or the format asked for is neither (`auto` means WebP, unless its `autoFormats` leave
/// it out).
///
/// # Errors
/// Those of decoding the frames and of WebP encoding; [`Error::LimitExceeded`] for an animation
/// whose frames together cost more than ten times `limits.maxPixels`, or a quality target or size
/// budget that no setting meets.
pub(crate) fn compress(
    bytes: &[u8],
    settings: &Settings,
    progress: &mut dyn FnMut(&Probe),
) -> Result<Option<Compressed>> {
    // WebP and APNG hold an animation: `auto` writes WebP unless its `autoFormats` leave it out.
    let out = match settings.format {
        Format::Webp | Format::Apng => settings.format,
        Format::Auto if settings.auto_formats.contains(&Format::Webp) => Format::Webp,
        _ => return Ok(None),
    };
    settings.limits.check_input_len(bytes.len())?;
    let limits = &settings.limits;
    let Some(Animation {
        kind,
        frames,
        largest,
    }) = animation(bytes, limits)
    else {
        return Ok(None);
    };
    if frames > limits.max_frames as usize {
        return Err(Error::LimitExceeded(format!(
            "the animation has more than {0} frames; the limit is {0} (each frame is decoded, \
             encoded and measured, however small)",
            limits.max_frames
        )));
    }
    let (width, height) = open(bytes, &kind, settings)?.size();
    limits.check_rgba("the animation's canvas", width, height)?;
    let mut frame = u64::from(width) * u64::from(height);
    if let Some((w, h)) = largest {
        // A GIF frame may be larger than its screen, and is decoded at its own size.
        limits.check_size("the animation's largest frame", w, h)?;
        limits.check_rgba("the animation's largest frame", w, h)?;
        frame = frame.max(u64::from(w) * u64::from(h));
    }
    limits.check_memory(
        memory::animation(width, height, frame, settings).saturating_add(bytes.len() as u64),
        &format!(
            "compressing this {frames}-frame {width} x {height} animation to {}",
            out.meta().label
        ),
    )?;
    let cost = (frames as u64).saturating_mul(u64::from(width) * u64::from(height));
    let budget = settings
        .limits
        .max_pixels
        .saturating_mul(FRAME_PIXELS_FACTOR);
    if cost > budget {
        return Err(Error::LimitExceeded(format!(
            "the animation is {frames} frames of {width} x {height} ({:.0} megapixels in all); the \
             limit is {:.0} (ten times limits.maxPixels)",
            cost as f64 / 1e6,
            budget as f64 / 1e6
        )));
    }

    if out == Format::Apng {
        return apng(bytes, &kind, frames, settings, progress).map(Some);
    }
    let goal = match (settings.min_score, settings.min_psnr) {
        (Some(s), _) => Some(Goal::Score(s)),
        (None, Some(p)) => Some(Goal::Psnr(p)),
        // As a still image's search: frames SSIMULACRA2 cannot judge aim for PSNR instead.
        (None, None) if settings.format == Format::Auto && can_score(width, height) => {
            Some(Goal::Score(DEFAULT_AUTO_SCORE))
        }
        (None, None) if settings.format == Format::Auto => Some(Goal::Psnr(DEFAULT_AUTO_PSNR)),
        (None, None) => None,
    };
    let searching = goal.is_some() || settings.max_bytes.is_some();
    let base = Settings {
        format: Format::Webp,
        ..settings.clone()
    };
    let mut probes = Vec::new();
    let mut run = |s: Settings| -> Result<(Pass, Settings)> {
        let pass = encode_pass(bytes, &kind, frames, &s)?;
        let probe = pass.probe(&s);
        progress(&probe);
        probes.push(probe);
        Ok((pass, s))
    };

    let (pass, used, search) = if !searching {
        let (pass, used) = run(base)?;
        (pass, used, None)
    } else {
        let meets = |p: &Pass| match goal {
            Some(Goal::Score(s)) => p.score.is_some_and(|v| v >= s),
            Some(Goal::Psnr(d)) => psnr_from_mse(p.mse) >= d,
            None => true,
        };
        let fits = |p: &Pass| settings.max_bytes.is_none_or(|b| p.data.len() as u64 <= b);
        let mut best: Option<(Pass, Settings)> = None;
        let consider = |c: (Pass, Settings), best: &mut Option<(Pass, Settings)>| {
            let better = best
                .as_ref()
                .is_none_or(|(b, _)| c.0.data.len() < b.data.len());
            if meets(&c.0) && fits(&c.0) && better {
                *best = Some(c);
            }
        };
        // Lossless where asked for or where `auto` may choose it; lossy unless lossless was asked.
        if settings.format == Format::Auto || settings.lossless {
            let lossless = run(Settings {
                lossless: true,
                ..base.clone()
            })?;
            consider(lossless, &mut best);
        }
        if !(settings.format == Format::Webp && settings.lossless) {
            // Bisect lossy quality: the lowest that meets the quality goal, else with a byte
            // budget only, the highest that fits.
            let (mut lo, mut hi) = (1u8, 100u8);
            while lo <= hi {
                let q = lo + (hi - lo) / 2;
                let c = run(Settings {
                    lossless: false,
                    quality: q,
                    ..base.clone()
                })?;
                let (ok_goal, ok_size) = (meets(&c.0), fits(&c.0));
                consider(c, &mut best);
                let go_up = if goal.is_some() { !ok_goal } else { ok_size };
                if go_up {
                    lo = q + 1;
                } else if q == 1 {
                    break;
                } else {
                    hi = q - 1;
                }
            }
        }
        let Some((pass, used)) = best else {
            return Err(Error::LimitExceeded(
                "no WebP setting meets the animation's quality target and size budget; lower \
                 minScore/minPsnr or raise maxBytes"
                    .into(),
            ));
        };
        let reason = format!(
            "animated webp{}: {} bytes, the smallest of {} encodes that meets the target",
            if used.lossless {
                " (lossless)".to_owned()
            } else {
                format!(", quality {}", used.quality)
            },
            pass.data.len(),
            probes.len()
        );
        let mut mode = Vec::new();
        if settings.format == Format::Auto {
            mode.push("auto");
        }
        if settings.max_bytes.is_some() {
            mode.push("maxBytes");
        }
        match goal {
            Some(Goal::Score(_)) => mode.push("minScore"),
            Some(Goal::Psnr(_)) => mode.push("minPsnr"),
            None => {}
        }
        let report = SearchReport {
            mode: mode.join("+"),
            probes: std::mem::take(&mut probes),
            reason,
        };
        (pass, used, Some(report))
    };

    result(bytes, &kind, pass, used, search).map(Some)
}

/// An animation to APNG: lossless, one encode (any quality target is met; a size budget is checked).
fn apng(
    bytes: &[u8],
    kind: &Kind,
    frames: usize,
    settings: &Settings,
    progress: &mut dyn FnMut(&Probe),
) -> Result<Compressed> {
    let used = Settings {
        format: Format::Apng,
        lossless: true,
        ..settings.clone()
    };
    let pass = encode_pass(bytes, kind, frames, &used)?;
    progress(&pass.probe(&used));
    if let Some(budget) = settings.max_bytes {
        if pass.data.len() as u64 > budget {
            return Err(Error::LimitExceeded(format!(
                "the animated PNG takes {} bytes, over maxBytes ({budget}); APNG is lossless: \
                 choose WebP for a smaller file",
                pass.data.len()
            )));
        }
    }
    result(bytes, kind, pass, used, None)
}

/// The result of an animation's encode, with its notes.
fn result(
    bytes: &[u8],
    kind: &Kind,
    pass: Pass,
    used: Settings,
    search: Option<SearchReport>,
) -> Result<Compressed> {
    let format = used.format;
    let mut notes = vec![format!(
        "animation: {} frames, {:.2} s, {}; written as {} frames (unchanged ones merged into the one \
         before); SSIMULACRA2 is the mean over {} (lowest {}), MSE and PSNR over every frame, each \
         frame as a viewer draws it",
        pass.frames_in,
        pass.duration_ms as f64 / 1000.0,
        match pass.loops {
            0 => "looping forever".to_owned(),
            1 => "playing once".to_owned(),
            n => format!("playing {n} times"),
        },
        pass.frames_out,
        if pass.frames_in <= SCORED_FRAMES {
            "every frame".to_owned()
        } else {
            format!("{SCORED_FRAMES} evenly spaced frames")
        },
        pass.lowest.map_or("n/a".to_owned(), |l| format!("{l:.1}")),
    )];
    notes.extend(metadata(bytes, kind, &used)?.1);
    Ok(Compressed {
        mime_type: format.meta().mime_type,
        width: pass.width,
        height: pass.height,
        original_bytes: bytes.len(),
        compressed_bytes: pass.data.len(),
        ratio: ratio(bytes.len(), pass.data.len()),
        mse: pass.mse,
        psnr: psnr_from_mse(pass.mse),
        mse16: None,
        psnr16: None,
        ssimulacra2: pass.score,
        frames: pass.frames_in as u32,
        data: pass.data,
        settings: used,
        search,
        notes,
    })
}

#[derive(Debug, Clone, Copy)]
enum Goal {
    Score(f64),
    Psnr(f64),
}
