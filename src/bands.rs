//! Images too large to hold whole, compressed a band of rows at a time: the PNG is decoded a band
//! at a time, each band is encoded as it comes (the PNG writer filters and compresses rows as they
//! arrive; the JPEG encoder transforms, quantises and codes each band at once) and measured, and
//! only the input file, the output file and a band or two are ever held.
//!
//! The path is taken for a non-interlaced PNG of at most 8 bits a sample, to lossless PNG or to
//! baseline JPEG (progressive JPEG needs every coefficient for each of its scans), with nothing to search, resize, rotate or convert, when the whole-image job would
//! not fit in `limits.maxMemoryBytes` or the image is over 100 megapixels (the default
//! `maxPixels`: only a caller who raised it gets here). Everything else goes the whole-image way.

use crate::codecs::{admit, Extras, JpegBands, PngBands};
use crate::color::is_rgb_profile;
use crate::decode::PngRows;
use crate::error::{Error, Result};
use crate::exif;
use crate::limits::Limits;
use crate::memory;
use crate::metrics::{mse, psnr_from_mse, ratio};
use crate::options::{ColorProfile, Format, Settings};
use crate::pipeline::Compressed;
use crate::pixels::Rgba8;
use crate::resize::fitted_size;

/// Rows a band has unless the caller says: a 20000-pixel-wide band is then 20 MB of RGBA.
pub const BAND_ROWS: usize = 256;

/// Images over this many pixels go in bands even when the whole job would fit: the default
/// `maxPixels`, which only a caller who means to compress huge images raises.
const BAND_PIXELS: u64 = Limits::DEFAULT.max_pixels;

/// [`crate::compress`] forced into bands of `band_rows` rows, for tests: `None` when the image or
/// options cannot go in bands. Not part of the API.
///
/// # Errors
/// As [`crate::compress`].
#[doc(hidden)]
pub fn compress_in_bands(
    bytes: &[u8],
    options: &crate::Options,
    band_rows: usize,
) -> Result<Option<Compressed>> {
    run(bytes, &options.resolve()?, Some(band_rows))
}

/// [`crate::compress`] in bands when the image and settings allow it and the whole-image job
/// would be too large (or `band_rows` forces bands of that many rows); `None` when the whole-image
/// path should do the job.
///
/// # Errors
/// As [`crate::compress`]: damaged input, limits, a band job over `maxMemoryBytes`.
pub(crate) fn run(
    bytes: &[u8],
    settings: &Settings,
    band_rows: Option<usize>,
) -> Result<Option<Compressed>> {
    let progressive = settings.format == Format::Jpeg && settings.progressive;
    if !matches!(settings.format, Format::Png | Format::Jpeg)
        || progressive
        || settings.searches()
        || !bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || settings.limits.check_input_len(bytes.len()).is_err()
    {
        return Ok(None);
    }
    // A file this cannot read is left to the whole-image path, which says what is wrong with it.
    let Ok(Some(mut rows)) = PngRows::open(bytes, &settings.limits) else {
        return Ok(None);
    };
    let (width, height) = (rows.width, rows.height);
    let upright = rows
        .exif
        .as_deref()
        .and_then(exif::orientation)
        .is_none_or(|o| o == 1);
    let converts = rows.icc.is_some() && settings.color_profile == ColorProfile::Srgb;
    let resizes =
        fitted_size(width, height, settings.max_width, settings.max_height) != (width, height);
    if !upright || converts || resizes {
        return Ok(None);
    }
    let pixels = u64::from(width) * u64::from(height);
    let rows_per_band = match band_rows {
        Some(n) => n.max(1),
        None => {
            let whole = memory::compress(width, height, false, 0, settings)
                .saturating_add(bytes.len() as u64);
            if pixels <= BAND_PIXELS && whole <= settings.limits.max_memory_bytes {
                return Ok(None);
            }
            BAND_ROWS
        }
    };
    settings.limits.check_memory(
        memory::bands(width, height, rows_per_band, settings).saturating_add(bytes.len() as u64),
        &format!(
            "compressing this {width} x {height} image to {} in bands",
            settings.format.meta().label
        ),
    )?;
    // The output is one buffer: on wasm32 one buffer cannot pass 2 GiB.
    settings.limits.check_buffer(
        memory::band_file(width, height, settings),
        &format!("compressing this {width} x {height} image in bands"),
    )?;
    let mut notes = std::mem::take(&mut rows.notes);
    let icc = rows
        .icc
        .clone()
        .filter(|icc| settings.color_profile == ColorProfile::Keep && is_rgb_profile(icc));
    let exif = match rows.exif.clone() {
        Some(mut block) if settings.keep_metadata => {
            exif::reset_orientation(&mut block);
            Some(block)
        }
        _ => None,
    };
    let (extras, dropped) = admit(
        settings.format,
        &Extras {
            icc: icc.as_deref(),
            exif: exif.as_deref(),
        },
    );
    notes.extend(dropped);
    let (data, mse, how) = match settings.format {
        Format::Jpeg => jpeg(bytes, rows, rows_per_band, &extras, settings)?,
        _ => png(bytes, rows, rows_per_band, &extras, settings)?,
    };
    notes.push(format!(
        "the image was compressed in bands of {rows_per_band} rows ({:.0} megapixels is more \
         than a job holds whole): {how}; SSIMULACRA2 needs the whole image at once, so it has \
         no score",
        pixels as f64 / 1e6
    ));
    Ok(Some(Compressed {
        mime_type: settings.format.meta().mime_type,
        width,
        height,
        original_bytes: bytes.len(),
        compressed_bytes: data.len(),
        ratio: ratio(bytes.len(), data.len()),
        mse,
        psnr: psnr_from_mse(mse),
        mse16: None,
        psnr16: None,
        ssimulacra2: None,
        data,
        settings: settings.clone(),
        search: None,
        notes,
        frames: 1,
    }))
}

/// Whether every pixel is opaque and whether every pixel is gray: one pass over the rows, so
/// that the PNG keeps the smallest of the 8-bit layouts, as the whole-image encoder does.
fn scan(bytes: &[u8], limits: &Limits, band_rows: usize) -> Result<(bool, bool)> {
    let mut rows = PngRows::open(bytes, limits)?.ok_or_else(streaming_lost)?;
    let (mut gray, mut opaque) = (true, true);
    let mut band = Vec::new();
    while rows.read(band_rows, &mut band)? > 0 {
        for p in band.chunks_exact(4) {
            gray &= p[0] == p[1] && p[1] == p[2];
            opaque &= p[3] == 255;
        }
        if !gray && !opaque {
            break;
        }
    }
    Ok((gray, !opaque))
}

fn streaming_lost() -> Error {
    Error::Decode("the PNG could not be read again row by row".into())
}

/// Lossless PNG in bands, then checked: the output and the input are decoded again side by side, a
/// band at a time, and must hold the same RGBA in every row (MSE 0), or the job fails.
fn png(
    bytes: &[u8],
    mut rows: PngRows,
    band_rows: usize,
    extras: &Extras,
    settings: &Settings,
) -> Result<(Vec<u8>, f64, String)> {
    let (stored_gray, stored_alpha) = rows.layout();
    let (gray, alpha) = if stored_gray && !stored_alpha {
        (true, false)
    } else {
        scan(bytes, &settings.limits, band_rows)?
    };
    let mut encoder = PngBands::new(rows.width, rows.height, gray, alpha, extras.icc, settings);
    let mut band = Vec::new();
    while rows.read(band_rows, &mut band)? > 0 {
        encoder.band(&band);
    }
    let data = encoder.finish();
    // Limits do not bound our own output: it has the input's dimensions, already admitted.
    let mut original = PngRows::open(bytes, &settings.limits)?.ok_or_else(streaming_lost)?;
    let unbounded = Limits {
        max_width: u32::MAX,
        max_height: u32::MAX,
        max_pixels: u64::MAX,
        ..settings.limits
    };
    let mut result = PngRows::open(&data, &unbounded)?
        .ok_or_else(|| Error::Encode("the PNG written in bands is not readable".into()))?;
    let mut theirs = Vec::new();
    loop {
        let n = original.read(band_rows, &mut band)?;
        let m = result.read(band_rows, &mut theirs)?;
        if n != m || band != theirs {
            return Err(Error::Encode(
                "the PNG written in bands does not hold the input's pixels (a bug: please \
                 report it)"
                    .into(),
            ));
        }
        if n == 0 {
            break;
        }
    }
    Ok((
        data,
        0.0,
        "the file was decoded again a band at a time and matches the input pixel for pixel".into(),
    ))
}

/// Baseline JPEG in bands, measured band by band: each band's stretch of the file is decoded
/// alone and compared with the band it came from.
fn jpeg(
    _bytes: &[u8],
    mut rows: PngRows,
    band_rows: usize,
    extras: &Extras,
    settings: &Settings,
) -> Result<(Vec<u8>, f64, String)> {
    let (stored_gray, stored_alpha) = rows.layout();
    let bg = settings.background;
    let gray = stored_gray && (!stored_alpha || (bg[0] == bg[1] && bg[1] == bg[2]));
    let mut encoder = JpegBands::new(rows.width, rows.height, gray, band_rows, extras, settings)?;
    let band_rows = encoder.band_rows();
    let mut sum = 0.0;
    let mut data = Vec::new();
    loop {
        let n = rows.read(band_rows, &mut data)?;
        if n == 0 {
            break;
        }
        let band = Rgba8::new(rows.width, n as u32, std::mem::take(&mut data))?;
        encoder.band(&band);
        let file = encoder.last_band_file(n)?;
        let decoded = jpeg_decoder::Decoder::new(&file[..])
            .decode()
            .map_err(|e| Error::Encode(format!("a band of the JPEG does not decode: {e}")))?;
        let channels = if gray { 1 } else { 3 };
        let rgba: Vec<u8> = decoded
            .chunks_exact(channels)
            .flat_map(|p| {
                let (r, g, b) = if gray {
                    (p[0], p[0], p[0])
                } else {
                    (p[0], p[1], p[2])
                };
                [r, g, b, 255]
            })
            .collect();
        let result = Rgba8::new(rows.width, n as u32, rgba)?;
        sum += mse(&band, &result) * n as f64;
        data = band.into_data();
    }
    let mse = sum / f64::from(rows.height);
    let how = format!(
        "baseline with the standard Huffman tables (optimal ones would need the whole image's \
         coefficients held), a restart marker every {band_rows} rows; MSE and PSNR were measured \
         a band at a time, each band's chroma upsampled from its own rows"
    );
    Ok((encoder.finish(), mse, how))
}
