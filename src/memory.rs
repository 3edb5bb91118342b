//! What a job will need at its peak, estimated from the header before anything is allocated, so
//! that a job the instance cannot hold fails with [`Error::LimitExceeded`](crate::Error) naming the
//! figures instead of trapping part-way (a wasm instance that runs out of memory is dead).
//!
//! The figures are bytes per pixel of each stage's buffers, read from the code and checked against
//! the heap counted natively (`tests/memory.rs` asserts that every estimate covers the measured peak
//! and is not wildly above it). Stages run one after another, each holding what the next needs: the
//! peak is the largest stage, plus the file's own bytes.

use jpeg_decoder::{CodingProcess, PixelFormat};

use crate::options::{Format, Settings, Subsampling};
use crate::resize::fitted_size;

/// Bytes the allocator adds on top of what is asked for, as a share: the wasm instance's memory
/// after a job was about 1.17 times the heap counted natively (README, "Memory").
const SLACK: f64 = 1.2;

/// Fixed costs that do not grow with the image: SSIMULACRA2 on its sampled megapixel, DEFLATE's
/// window and match finders, tables.
const FIXED: f64 = 96e6;

fn pixels(width: u32, height: u32) -> f64 {
    f64::from(width) * f64::from(height)
}

/// Bytes a sample of an image held at `deep` (16-bit) or 8-bit precision, RGBA: 8 or 4.
fn rgba(deep: bool) -> f64 {
    if deep {
        8.0
    } else {
        4.0
    }
}

/// The decoded image and its upright copy (orientation is applied after the decoder's buffers are
/// gone, with the source still alive).
fn orient(width: u32, height: u32, deep: bool) -> f64 {
    2.0 * rgba(deep) * pixels(width, height)
}

fn total(bytes: f64) -> u64 {
    (bytes * SLACK + FIXED).ceil() as u64
}

/// jpeg-decoder: a plane per component, the colour-converted output and our RGBA beside it, and for
/// progressive files the coefficients of every block (2 bytes a sample). Sampling is assumed full
/// (4:4:4), the most a file can need.
pub(crate) fn jpeg_decode(
    width: u32,
    height: u32,
    format: PixelFormat,
    coding: CodingProcess,
) -> u64 {
    let components = match format {
        PixelFormat::L8 => 1.0,
        PixelFormat::L16 => 2.0,
        PixelFormat::RGB24 => 3.0,
        PixelFormat::CMYK32 => 4.0,
    };
    let coefficients = match coding {
        CodingProcess::DctProgressive => 2.0 * components,
        _ => 0.0,
    };
    let deep = format == PixelFormat::L16;
    // CMYK goes through one more RGBA buffer (the converted pixels) before the decoder's are freed.
    let convert = if format == PixelFormat::CMYK32 {
        4.0
    } else {
        0.0
    };
    let decoder = coefficients + 2.0 * components + rgba(deep) + convert;
    total((decoder * pixels(width, height)).max(orient(width, height, deep)))
}

/// The png crate's output buffer (after palette expansion) and our RGBA beside it; 16-bit samples
/// go through a `u16` copy first.
pub(crate) fn png_decode(width: u32, height: u32, color: png::ColorType, deep: bool) -> u64 {
    let channels: f64 = match color {
        png::ColorType::Grayscale => 1.0,
        png::ColorType::GrayscaleAlpha => 2.0,
        png::ColorType::Rgb => 3.0,
        png::ColorType::Rgba | png::ColorType::Indexed => 4.0,
    };
    let raw = channels * if deep { 2.0 } else { 1.0 };
    let decoder = if deep {
        (2.0 * raw).max(raw + rgba(true))
    } else {
        raw + rgba(false)
    };
    total((decoder * pixels(width, height)).max(orient(width, height, deep)))
}

/// The `image` crate's decoders (WebP, GIF, BMP): the decoder's working buffers (WebP lossless keeps
/// one ARGB word a pixel), its output and our RGBA; a GIF frame unlike its screen gets a buffer of
/// its own.
#[cfg(feature = "full")]
pub(crate) fn image_decode(width: u32, height: u32, deep: bool, frame: Option<(u32, u32)>) -> u64 {
    let frame = frame.map_or(0.0, |(w, h)| 4.0 * pixels(w, h));
    let decoder = 3.0 * rgba(deep) * pixels(width, height) + frame;
    total(decoder.max(orient(width, height, deep)))
}

/// rav1d on an AVIF: its picture (three planes at most, 4:4:4, one or two bytes a sample), the
/// alpha plane's, as much again for the decoder's own frame state (reference slot, loop-filter and
/// CDEF lines, padding), then our RGBA beside them. The AV1 data's copies are bounded by the file.
#[cfg(feature = "avif")]
pub(crate) fn avif_decode(width: u32, height: u32, deep: bool, alpha: bool) -> u64 {
    let sample = if deep { 2.0 } else { 1.0 };
    let planes = if alpha { 4.0 } else { 3.0 };
    let decoder = 2.0 * planes * sample + rgba(deep);
    total((decoder * pixels(width, height)).max(orient(width, height, deep)))
}

/// The TIFF reader: the image's RGBA, one band of it (`band` pixels) and one chunk of the file's
/// samples (`chunk` bytes) beside it, then the upright copy with the chunk buffer still held.
#[cfg(feature = "full")]
pub(crate) fn tiff_decode(width: u32, height: u32, deep: bool, band: u64, chunk: u64) -> u64 {
    let bands = rgba(deep) * (pixels(width, height) + band as f64);
    let upright = orient(width, height, deep);
    total(bands.max(upright) + chunk as f64)
}

/// What a TIFF read in bands (`TiffRows`) adds to [`bands`]: a chunk's raw samples, one decoded
/// chunk of `chunk_rows` rows, the rows held until handed out (a band and a chunk's worth) and a
/// band at 16 bits on its way to 8.
#[cfg(feature = "full")]
pub(crate) fn tiff_bands(
    width: u32,
    deep: bool,
    band_rows: usize,
    chunk_rows: u32,
    chunk: u64,
) -> u64 {
    let rows = 2.0 * f64::from(chunk_rows) + 2.0 * band_rows as f64;
    ((rgba(deep) * f64::from(width) * rows + chunk as f64) * SLACK).ceil() as u64
}

/// Bytes a pixel of the encoded image costs while `format` encodes it and the result is decoded and
/// measured, the image itself (the reference, held throughout) included.
fn encode_and_measure(format: Format, settings: &Settings, deep: bool) -> f64 {
    let reference = rgba(deep);
    // An 8-bit copy of a 16-bit image, for the lossy encoders and for the metrics.
    let narrow = if deep { 4.0 } else { 0.0 };
    // (the file, the encoder's working buffers, decoding the result)
    let (file, encoder, result) = match format {
        Format::Jpeg => {
            // Quantised coefficients, 2 bytes a sample; the file is smaller than they are. The
            // result decodes to component planes, then RGB, then our RGBA.
            let samples: f64 = match settings.subsampling.for_quality(settings.quality) {
                Subsampling::S444 | Subsampling::Auto => 3.0,
                Subsampling::S422 => 2.0,
                Subsampling::S420 => 1.5,
            };
            (samples, 2.0 * samples + narrow, (samples + 3.0).max(7.0))
        }
        Format::Png | Format::Apng => {
            // Candidate layouts (a palette and a direct one) and the compressed stream; the result
            // decodes to the decoder's samples and our RGBA (16-bit: through a u16 copy).
            let raw = rgba(deep);
            (raw, raw + 1.0, if deep { 16.0 } else { 8.0 })
        }
        // exoquant's colours, the indices, the redrawn RGBA and its packed rows.
        Format::PngPalette => (1.0, narrow + 4.0 + 1.0 + 4.0 + 1.0, 8.0),
        // An RGB(A) copy, and the encoder's ARGB words and backward references.
        Format::Webp => (4.0, narrow + 4.0 + 8.0, 8.0),
        // Our YUV planes (two bytes a sample at 10 bits), rav1e's copies of the frame (source,
        // lookahead, reconstruction, its RDO and CDEF scratch: about 24 bytes a pixel natively), and
        // rav1d's picture and frame state, then our RGBA, to measure the result.
        Format::Avif => (1.0, narrow + 8.0 + 32.0, 16.0),
        Format::Auto => (0.0, 0.0, 0.0),
    };
    reference + file + encoder.max(result + narrow)
}

/// Peak bytes of a whole `compress` of an image whose header is `width` x `height` (`deep`: 16-bit),
/// decoding at `decode_peak`, as `settings` ask: decode, colour conversion, resize, then encoding
/// (every candidate of a search, the chosen file kept beside the next probe) and measuring.
pub(crate) fn compress(
    width: u32,
    height: u32,
    deep: bool,
    decode_peak: u64,
    settings: &Settings,
) -> u64 {
    // An EXIF orientation may swap the sides, and resizing bounds apply to the upright image.
    let (nw, nh) = fitted_size(width, height, settings.max_width, settings.max_height);
    let (sw, sh) = fitted_size(height, width, settings.max_width, settings.max_height);
    let out = pixels(nw, nh).max(pixels(sw, sh));
    let full = pixels(width, height);
    let image = rgba(deep) * full;
    let convert = if settings.color_profile == crate::options::ColorProfile::Srgb {
        image
    } else {
        0.0
    };
    let resize = if out < full { rgba(deep) * out } else { 0.0 };
    let prepare = image + convert.max(resize);
    let formats: &[Format] = match settings.format {
        Format::Auto => &settings.auto_formats,
        ref f => std::slice::from_ref(f),
    };
    let per_pixel = formats
        .iter()
        .map(|&f| encode_and_measure(f, settings, deep))
        .fold(0.0, f64::max);
    let mut encode = per_pixel * out;
    if settings.searches() {
        // The decoded image stays while shrunk copies are tried, and the best file so far is kept.
        encode += if out < full { image } else { 0.0 } + rgba(deep) * out;
    }
    let stages = prepare.max(encode) * SLACK + FIXED;
    (stages.ceil() as u64).max(decode_peak)
}

/// Peak bytes of a job done in bands of `band_rows` rows (`crate::bands`), the file itself aside:
/// the output, which grows to its final size (for PNG at most the raw rows, `png_pixel` bytes a
/// pixel: 4 for 8-bit input, whose layout is chosen from the pixels, 2 a sample at 16 bits; for
/// JPEG a byte a coefficient, as above), and a few bands' buffers (the band, its packed or
/// decoded copy, the band it is checked against, a JPEG band's coefficients and planes).
pub(crate) fn bands(
    width: u32,
    height: u32,
    band_rows: usize,
    png_pixel: usize,
    settings: &Settings,
) -> u64 {
    let band = f64::from(width) * band_rows.min(height as usize) as f64;
    let (file, per_band) = band_costs(settings, png_pixel);
    total(file * pixels(width, height) + per_band * band)
}

/// The largest the output of a job in bands may grow (one buffer): see [`bands`].
pub(crate) fn band_file(width: u32, height: u32, png_pixel: usize, settings: &Settings) -> u64 {
    (band_costs(settings, png_pixel).0 * pixels(width, height) * SLACK).ceil() as u64
}

/// Bytes a pixel of the output and of a band costs a job in bands.
fn band_costs(settings: &Settings, png_pixel: usize) -> (f64, f64) {
    match settings.format {
        Format::Jpeg => {
            let samples: f64 = match settings.subsampling.for_quality(settings.quality) {
                Subsampling::S444 | Subsampling::Auto => 3.0,
                Subsampling::S422 => 2.0,
                Subsampling::S420 => 1.5,
            };
            (samples, 4.0 + 2.0 * samples + 4.0 * 3.0 + 3.0 + 4.0)
        }
        _ => (png_pixel as f64, 4.0 * png_pixel.max(4) as f64),
    }
}

/// Peak bytes of a `compress` of an animation on a `width` x `height` canvas whose largest frame has
/// `frame` pixels, to animated WebP or APNG as `settings` ask. Frames stream, so this is the cost of one:
/// the reader's canvas, its copy for a "previous" disposal and the frame at its own size; the canvas
/// handed on and its resized copy; the encoder's previous and shown canvases, the changed rectangle,
/// libwebp's working buffers (as a still WebP's), the frame decoded again and its copy to measure
/// (APNG: its own encoder's buffers).
#[cfg(feature = "full")]
pub(crate) fn animation(width: u32, height: u32, frame: u64, settings: &Settings) -> u64 {
    let (nw, nh) = fitted_size(width, height, settings.max_width, settings.max_height);
    let (canvas, out) = (pixels(width, height), pixels(nw, nh));
    let source = 4.0 * (3.0 * canvas + frame as f64);
    let resize = if out < canvas { 4.0 * out } else { 0.0 };
    let encoder = if settings.format == Format::Apng {
        // APNG's own: its shown canvas, the changed rectangle, that rectangle in the file's layout,
        // its filtered rows and its compressed stream (at most the raw rows), and the copy of the
        // shown canvas that is measured; the frames written so far are the file.
        (4.0 + 4.0 + 4.0 + 4.0 + 4.0 + 4.0) * out
    } else {
        let webp = encode_and_measure(Format::Webp, settings, false);
        (4.0 + 4.0 + 4.0) * out + webp * out
    };
    total(source + resize + encoder)
}

/// Peak bytes of an `encode` of pixels the caller already holds (`width` x `height`).
pub(crate) fn encode(width: u32, height: u32, deep: bool, settings: &Settings) -> u64 {
    compress(width, height, deep, 0, settings)
}
