//! `encode` = resolve options → encode; `compress` = decode → colour → resize → encode → decode the
//! result → measure.

use crate::codecs::{check_settings, encode_image, Extras};
use crate::color::{convert_to_srgb, is_rgb_profile};
use crate::decode::{decode_for, Decoded};
use crate::error::Result;
use crate::exif;
use crate::metrics::ratio;
use crate::options::{ColorProfile, Format, Options, Settings};
use crate::pixels::Image;
use crate::resize;
use crate::search::{self, measure_file, Probe, SearchReport};

/// A compressed file and what it cost and saved.
#[derive(Debug, Clone, PartialEq)]
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
    /// SSIMULACRA2 score (100 = identical); `None` below 8 pixels a side.
    pub ssimulacra2: Option<f64>,
    /// The options actually used, every default filled in (after a search: the format, quality and
    /// size it chose).
    pub settings: Settings,
    /// What a smart mode tried and why it chose what it did.
    pub search: Option<SearchReport>,
}

/// Encodes pixels as `options` say (no metadata is written).
///
/// # Errors
/// [`Error::InvalidInput`](crate::Error::InvalidInput) for bad options (checked before any work) or
/// dimensions the format cannot hold; [`Error::Encode`](crate::Error::Encode) if the encoder fails.
pub fn encode(image: &Image, options: &Options) -> Result<Vec<u8>> {
    let settings = options.resolve()?;
    check_settings(&settings)?;
    if settings.searches() {
        return Ok(search::run(image, Extras::default(), &settings, &mut |_| {})?.data);
    }
    let (w, h) = (image.width(), image.height());
    if resize::fitted_size(w, h, settings.max_width, settings.max_height) == (w, h) {
        return encode_image(image, &Extras::default(), &settings);
    }
    let resized = resize::fit(
        image.clone(),
        settings.max_width,
        settings.max_height,
        settings.linear_resize,
    )?;
    encode_image(&resized, &Extras::default(), &settings)
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
    let exif = match exif {
        Some(mut block)
            if settings.keep_metadata && matches!(settings.format, Format::Jpeg | Format::Webp) =>
        {
            exif::reset_orientation(&mut block);
            Some(block)
        }
        _ => None,
    };
    let image = resize::fit(
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
/// [`decode_full`](crate::decode_full) or [`encode`]; a size budget or quality target no setting meets
/// is [`Error::LimitExceeded`](crate::Error::LimitExceeded), naming the best achievable.
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
    let settings = options.resolve()?;
    check_settings(&settings)?;
    let to_srgb = settings.color_profile == ColorProfile::Srgb;
    let decoded = decode_for(bytes, &settings.limits, to_srgb)?;
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
        (data, settings, prepared.image, None, None)
    };
    drop(prepared.icc);
    drop(prepared.exif);
    let metrics = match metrics {
        Some(m) => m,
        None => measure_file(&image, &data, &settings)?,
    };
    Ok(Compressed {
        mime_type: settings.format.meta().mime_type,
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
    })
}
