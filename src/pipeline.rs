//! `encode` = resolve options → resize → encode (or search); `compress` = decode → colour → resize →
//! encode (or search) → decode the result → measure.

use std::borrow::Cow;

use crate::codecs::{admit, check_settings, encode_image, Extras};
use crate::color::{convert_to_srgb, is_rgb_profile};
use crate::decode::{decode_for, Decoded, Header};
use crate::error::Result;
use crate::exif;
use crate::memory;
use crate::metrics::{psnr16_from_mse, ratio, unscored_reason};
use crate::options::{ColorProfile, Format, Options, Settings};
use crate::pixels::Image;
use crate::resize;
use crate::search::{self, measure_file, measure_file_deep, Probe, SearchReport};

/// A compressed file and what it cost and saved.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Compressed {
    /// The encoded file.
    pub data: Vec<u8>,
    pub mime_type: &'static str,
    /// Dimensions of the result (upright, after any resize).
    pub width: u32,
    pub height: u32,
    pub original_bytes: usize,
    pub compressed_bytes: usize,
    /// `original_bytes / compressed_bytes`.
    pub ratio: f64,
    /// Mean squared error over R, G, B between the decoded original and the decoded result.
    pub mse: f64,
    /// PSNR in dB (infinite when the result is pixel-identical).
    pub psnr: f64,
    /// MSE and PSNR on the 16-bit scale (peak 65535) when the image had 16 bits a sample: the
    /// result is compared at its own precision (an 8-bit one widened exactly), so a lossless 16-bit
    /// PNG shows 0 and infinity, and anything else shows what the low bits lost. `None` for 8-bit
    /// images.
    pub mse16: Option<f64>,
    pub psnr16: Option<f64>,
    /// SSIMULACRA2 score (100 = identical); `None` when the image is too small for the metric to
    /// judge, and `notes` says so.
    pub ssimulacra2: Option<f64>,
    /// The options actually used, every default filled in (after a search: the format, quality and
    /// size it chose).
    pub settings: Settings,
    /// What a smart mode tried and why it chose what it did.
    pub search: Option<SearchReport>,
    /// What was asked for but left out, and why, one sentence each: metadata over its limit or more
    /// than the format holds, a score the metric cannot give, the pages of a multi-page TIFF after
    /// the first.
    pub notes: Vec<String>,
    /// Frames in the result: 1 for a still image, more for an animation (an animated GIF or WebP
    /// to WebP); the metrics are then means over frames (see the notes).
    pub frames: u32,
}

/// A job's name in messages: "compressing this 24000 x 24000 image to JPEG".
fn job(verb: &str, width: u32, height: u32, settings: &Settings) -> String {
    format!(
        "{verb} this {width} x {height} image to {}",
        settings.format.meta().label
    )
}

/// Encodes pixels as `options` say (no metadata is written): resized to `maxWidth`/`maxHeight`
/// first, then encoded, or searched for a budget or target.
///
/// # Errors
/// [`Error::InvalidInput`](crate::Error::InvalidInput) for bad options (checked before any work) or
/// dimensions the format cannot hold; [`Error::LimitExceeded`](crate::Error::LimitExceeded) when the
/// job would need more memory than the limits allow (checked before any work) or a smart mode's
/// budget or target cannot be met; [`Error::Encode`](crate::Error::Encode) if the encoder fails.
pub fn encode(image: &Image, options: &Options) -> Result<Vec<u8>> {
    let settings = options.resolve()?;
    check_settings(&settings)?;
    let (w, h) = (image.width(), image.height());
    let deep = matches!(image, Image::Rgba16(_));
    settings.limits.check_memory(
        memory::encode(w, h, deep, &settings),
        &job("encoding", w, h, &settings),
    )?;
    let resized = resize::fit(
        image,
        settings.max_width,
        settings.max_height,
        settings.linear_resize,
    )?;
    let image = resized.as_ref().unwrap_or(image);
    if settings.searches() {
        return Ok(search::run(image, Extras::default(), &settings, &mut |_| {})?.data);
    }
    encode_image(image, &Extras::default(), &settings)
}

/// The pixels and metadata that go into the encoder, after colour conversion and resizing.
struct Prepared {
    image: Image,
    icc: Option<Vec<u8>>,
    exif: Option<Vec<u8>>,
}

fn prepare(decoded: Decoded, settings: &Settings) -> Result<Prepared> {
    let Decoded {
        mut image,
        icc,
        exif,
        ..
    } = decoded;
    let icc = match (icc, settings.color_profile) {
        (Some(icc), ColorProfile::Srgb) => {
            convert_to_srgb(&mut image, &icc)?;
            None
        }
        // Only an RGB profile describes the RGB pixels we write; others (gray) are dropped.
        (Some(icc), ColorProfile::Keep) if is_rgb_profile(&icc) => Some(icc),
        _ => None,
    };
    // Kept whatever the format asked for: `auto` decides the format later, and each format's
    // encoder takes what it can hold ([`admit`]).
    let exif = match exif {
        Some(mut block) if settings.keep_metadata => {
            exif::reset_orientation(&mut block);
            Some(block)
        }
        _ => None,
    };
    let image = resize::fit_owned(
        image,
        settings.max_width,
        settings.max_height,
        settings.linear_resize,
    )?;
    Ok(Prepared { image, icc, exif })
}

/// Compresses an image file, measuring the result against the decoded, upright original.
///
/// # Errors
/// Option errors first ([`Error::InvalidInput`](crate::Error::InvalidInput)), then any error of
/// [`decode_full`](crate::decode_full) or [`encode`]; a job that would need more memory than the
/// limits allow is [`Error::LimitExceeded`](crate::Error::LimitExceeded), refused from the header, and
/// so is a size budget or quality target no setting meets, naming the best achievable.
pub fn compress(bytes: &[u8], options: &Options) -> Result<Compressed> {
    compress_with_progress(bytes, options, &mut |_| {})
}

/// [`compress`], calling `progress` after every encode a smart mode tries.
///
/// # Errors
/// As [`compress`].
pub fn compress_with_progress(
    bytes: &[u8],
    options: &Options,
    progress: &mut dyn FnMut(&Probe),
) -> Result<Compressed> {
    compress_with_hooks(bytes, options, progress, &mut |_| {})
}

/// The MIME type of a still image written as `format`: an APNG of one frame is a plain PNG
/// (`image/png`); `image/apng` is for animations (src/anim.rs).
pub(crate) fn still_mime_type(format: Format) -> &'static str {
    match format {
        Format::Apng => Format::Png.meta().mime_type,
        _ => format.meta().mime_type,
    }
}

/// A file written, before it is measured: what [`compress_with_hooks`] hands its `encoded` hook.
// Read by the wasm entry (src/wasm.rs) and the tests below.
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
pub(crate) struct Encoded<'a> {
    pub data: &'a [u8],
    pub settings: &'a Settings,
    pub width: u32,
    pub height: u32,
}

/// [`compress_with_progress`], also calling `encoded` with the file as soon as it is written, before
/// it is decoded again and scored (which takes longer than the encode on a large photo): a page can
/// show the picture meanwhile. Only one-encode jobs call it (no search, animation or bands).
pub(crate) fn compress_with_hooks(
    bytes: &[u8],
    options: &Options,
    progress: &mut dyn FnMut(&Probe),
    encoded: &mut dyn FnMut(&Encoded),
) -> Result<Compressed> {
    let settings = options.resolve()?;
    check_settings(&settings)?;
    #[cfg(feature = "full")]
    if let Some(animated) = crate::anim::compress(bytes, &settings, progress)? {
        return Ok(animated);
    }
    if let Some(banded) = crate::bands::run(bytes, &settings, None)? {
        return Ok(banded);
    }
    let to_srgb = settings.color_profile == ColorProfile::Srgb;
    let mut plan = |h: &Header| {
        search::check_budget_from_header(h.width, h.height, &settings)?;
        let needed = memory::compress(h.width, h.height, h.deep, h.decode_peak, &settings);
        settings.limits.check_memory(
            needed.saturating_add(bytes.len() as u64),
            &job("compressing", h.width, h.height, &settings),
        )
    };
    let mut decoded = decode_for(bytes, &settings.limits, to_srgb, &mut plan)?;
    let mut notes = std::mem::take(&mut decoded.notes);
    let prepared = prepare(decoded, &settings)?;
    let extras = Extras {
        icc: prepared.icc.as_deref(),
        exif: prepared.exif.as_deref(),
    };
    let (data, settings, image, metrics, search) = if settings.searches() {
        let o = search::run(&prepared.image, extras, &settings, progress)?;
        (o.data, o.settings, o.image, o.metrics, Some(o.report))
    } else {
        let data = encode_image(&prepared.image, &extras, &settings)?;
        encoded(&Encoded {
            data: &data,
            settings: &settings,
            width: prepared.image.width(),
            height: prepared.image.height(),
        });
        (data, settings, Cow::Borrowed(&prepared.image), None, None)
    };
    notes.extend(admit(settings.format, &extras).1);
    if settings.format == Format::Jpeg && settings.progressive && !settings.optimize_huffman {
        notes.push(
            "progressive JPEG always uses optimal Huffman tables: optimizeHuffman: false applies \
             to baseline JPEG only"
                .into(),
        );
    }
    let (metrics, mse16) = match (image.as_ref(), metrics) {
        (Image::Rgba16(deep), metrics) => {
            let (measured, mse16) = measure_file_deep(deep, &data, &settings)?;
            if mse16.is_some_and(|m| m > 0.0) && settings.format != Format::Png {
                notes.push(format!(
                    "the image has 16 bits a sample and {} holds 8, so the low bits were rounded \
                     away (lossless PNG keeps all 16)",
                    settings.format.meta().label
                ));
            }
            (metrics.unwrap_or(measured), mse16)
        }
        (_, Some(m)) => (m, None),
        (_, None) => (measure_file(&image, &data, &settings)?, None),
    };
    if metrics.ssimulacra2.is_none() {
        notes.extend(unscored_reason(image.width(), image.height()));
    }
    Ok(Compressed {
        mse16,
        psnr16: mse16.map(psnr16_from_mse),
        mime_type: still_mime_type(settings.format),
        width: image.width(),
        height: image.height(),
        original_bytes: bytes.len(),
        compressed_bytes: data.len(),
        ratio: ratio(bytes.len(), data.len()),
        mse: metrics.mse,
        psnr: metrics.psnr,
        ssimulacra2: metrics.ssimulacra2,
        data,
        settings,
        search,
        notes,
        frames: 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient_png() -> Vec<u8> {
        let (w, h) = (64u32, 48u32);
        let data = (0..w * h)
            .flat_map(|i| {
                [
                    (i % w * 4) as u8,
                    (i / w * 5) as u8,
                    (i % 7 * 30) as u8,
                    255,
                ]
            })
            .collect();
        let image = Image::Rgba8(crate::pixels::Rgba8::new(w, h, data).unwrap());
        let options: Options = serde_json::from_str(r#"{"format":"png"}"#).unwrap();
        encode_image(&image, &Extras::default(), &options.resolve().unwrap()).unwrap()
    }

    #[test]
    fn the_encoded_hook_sees_the_file_before_it_is_scored() {
        let png = gradient_png();
        let options: Options = serde_json::from_str(r#"{"format":"jpeg","quality":70}"#).unwrap();
        let mut seen = Vec::new();
        let r = compress_with_hooks(&png, &options, &mut |_| {}, &mut |e| {
            seen.push((e.data.to_vec(), e.settings.format, e.width, e.height));
        })
        .unwrap();
        assert_eq!(seen, vec![(r.data.clone(), Format::Jpeg, 64, 48)]);
        // A search measures as it goes: no early file.
        let search: Options = serde_json::from_str(r#"{"format":"jpeg","maxBytes":2000}"#).unwrap();
        let mut calls = 0;
        compress_with_hooks(&png, &search, &mut |_| {}, &mut |_| calls += 1).unwrap();
        assert_eq!(calls, 0);
    }
}
