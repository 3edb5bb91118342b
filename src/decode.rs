//! Bytes in, upright pixels out (with the ICC profile and EXIF block they carried), with limits
//! checked from the header before any pixel buffer exists.
//!
//! JPEG goes through `jpeg-decoder`: zune-jpeg, which `image` uses, mis-decoded some 4:2:0 files when
//! we compared them (the bottom half of a 16 x 16 block came out wrong). PNG goes through `png`
//! ([`png`]). WebP goes through libwebp (the encoder's library: `codecs/webp`), GIF and BMP through
//! `image`'s decoders, TIFF through `tiff` ([`tiff`]), in the full build only: the core wasm module
//! refuses them with [`Error::NeedsFullModule`] before decoding anything.

mod avif;
#[cfg(feature = "full")]
pub(crate) mod gif;
mod png;
mod structure;

pub(crate) use png::PngRows;
#[cfg(feature = "full")]
pub(crate) mod tiff;

use jpeg_decoder::PixelFormat;

use crate::color::{self, cmyk_to_rgba};
use crate::error::{Error, Result};
use crate::exif;
use crate::limits::{rgba_len, Limits};
use crate::memory;
use crate::orient;
use crate::pixels::{Image, Rgba16, Rgba8};

/// A decoded, upright image and the metadata it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decoded {
    /// Upright pixels: any EXIF orientation has been applied.
    pub image: Image,
    /// The embedded ICC profile, if any.
    pub icc: Option<Vec<u8>>,
    /// The EXIF block (TIFF structure), if any. Its orientation tag still says what it said in the
    /// file; writers reset it because the pixels are already upright.
    pub exif: Option<Vec<u8>>,
    /// What was left out and why, one sentence each (e.g. an ICC profile over
    /// [`Limits::max_icc_bytes`], dropped; the pages of a multi-page TIFF after the first).
    pub notes: Vec<String>,
}

/// What a file's header says its decode will produce and cost, known before any pixel is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    /// As stored: an EXIF orientation may swap them.
    pub width: u32,
    pub height: u32,
    /// Whether the pixels come out at 16 bits a sample.
    pub deep: bool,
    /// Peak bytes the decode allocates (orientation included), beyond the file's own bytes.
    pub decode_peak: u64,
}

/// Checks a [`Header`] before the pixels are decoded: the caller's estimate of the whole job.
pub(crate) type Plan<'a> = &'a mut dyn FnMut(&Header) -> Result<()>;

/// Decodes an image file to upright 8-bit RGBA (16-bit inputs rounded to the nearest 8-bit value).
///
/// # Errors
/// As [`decode_full`].
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Rgba8> {
    Ok(decode_full(bytes, limits)?.image.into_rgba8())
}

/// Decodes an image file (JPEG, PNG, WebP, GIF's first frame, BMP, TIFF's first page, AVIF) at
/// its own precision.
///
/// # Errors
/// [`Error::LimitExceeded`] when the file or its declared dimensions are over `limits` (checked before
/// any pixel buffer is allocated), [`Error::Unsupported`] for formats or codings pixsqueeze does not
/// read, [`Error::Decode`] for damaged or truncated files.
pub fn decode_full(bytes: &[u8], limits: &Limits) -> Result<Decoded> {
    decode_for(bytes, limits, false, &mut |header: &Header| {
        limits.check_memory(
            header.decode_peak.saturating_add(bytes.len() as u64),
            &format!("decoding this {} x {} image", header.width, header.height),
        )
    })
}

/// [`decode_full`] for a caller that will convert the colours to sRGB when `to_srgb`: the core build
/// then refuses, once the header is read and before any pixel is decoded, a file whose profile would
/// need colour management. `plan` sees the header before any pixel buffer is allocated, and may
/// refuse the job.
pub(crate) fn decode_for(
    bytes: &[u8],
    limits: &Limits,
    to_srgb: bool,
    plan: Plan,
) -> Result<Decoded> {
    limits.check_input_len(bytes.len())?;
    if bytes.is_empty() {
        return Err(Error::Decode("the file is empty".into()));
    }
    let format = sniff(bytes)?;
    if let Some((width, height)) = declared_size(bytes, format) {
        limits.check_dimensions(width, height)?;
    }
    // Whatever the caller's plan allows, the image must fit in one buffer: on wasm32 a larger
    // allocation traps the instance.
    let plan = &mut |h: &Header| {
        plan(h)?;
        let rgba = u64::from(h.width) * u64::from(h.height) * if h.deep { 8 } else { 4 };
        limits.check_buffer(rgba, &format!("the {} x {} image", h.width, h.height))
    };
    let mut decoded = match format {
        Container::Jpeg => decode_jpeg(bytes, limits, to_srgb, plan)?,
        Container::Png => png::decode(bytes, limits, to_srgb, plan)?,
        Container::Avif => avif::decode(bytes, limits, plan)?,
        #[cfg(feature = "full")]
        Container::Webp => crate::codecs::decode_webp(bytes, limits, plan)?,
        other => decode_other(bytes, other, limits, plan)?,
    };
    if let Some(o) = decoded.exif.as_deref().and_then(exif::orientation) {
        decoded.image = orient::apply(decoded.image, o)?;
    }
    Ok(decoded)
}

/// `meta` (an ICC profile or EXIF block, `what`) if it is within `max` bytes; otherwise `None`, and
/// a note saying it was dropped.
pub(crate) fn bounded(
    meta: Option<Vec<u8>>,
    max: u64,
    what: &str,
    notes: &mut Vec<String>,
) -> Option<Vec<u8>> {
    let meta = meta?;
    if meta.len() as u64 > max {
        notes.push(over_limit_note(what, Some(meta.len() as u64), max));
        return None;
    }
    Some(meta)
}

/// Why metadata of `len` bytes (`None`: more than `max`, known while inflating) was dropped.
fn over_limit_note(what: &str, len: Option<u64>, max: u64) -> String {
    let size = match len {
        Some(len) => format!("it is {len} bytes"),
        None => format!("it inflates to more than {max} bytes"),
    };
    format!("the {what} was dropped: {size}, over the {max}-byte limit for it")
}

/// The file formats pixsqueeze reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Jpeg,
    Png,
    Webp,
    Gif,
    Bmp,
    Tiff,
    Avif,
}

/// The container format, from its signature bytes (file names and MIME types lie).
fn sniff(bytes: &[u8]) -> Result<Container> {
    let starts = |sig: &[u8]| bytes.starts_with(sig);
    if starts(&[0xff, 0xd8, 0xff]) {
        Ok(Container::Jpeg)
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Ok(Container::Png)
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Ok(Container::Webp)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Ok(Container::Gif)
    } else if starts(b"BM") {
        Ok(Container::Bmp)
    } else if starts(b"II*\0") || starts(b"MM\0*") || starts(b"II+\0") || starts(b"MM\0+") {
        Ok(Container::Tiff)
    } else if avif::is_avif(bytes) {
        Ok(Container::Avif)
    } else if bytes.get(4..8) == Some(b"ftyp") {
        Err(Error::Unsupported(
            "HEIC and other HEIF files are not decoded by pixsqueeze (a browser that can show \
             them can decode them and pass the pixels to encode)"
                .into(),
        ))
    } else {
        Err(Error::Decode(
            "this is not an image pixsqueeze recognises (JPEG, PNG, WebP, GIF, BMP or TIFF)".into(),
        ))
    }
}

/// The size a PNG (IHDR) or GIF (logical screen) declares in its first bytes. Their decoders read on to
/// the first image data before they report a size, so a header with nothing after it would fail as
/// damaged rather than as too large. (A GIF's first frame, which may be larger than its screen, is
/// checked in [`decode_other`].)
fn declared_size(bytes: &[u8], format: Container) -> Option<(u32, u32)> {
    let be = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    let le16 = |at: usize| Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
    match format {
        Container::Png if bytes.get(12..16)? == b"IHDR" => Some((be(16)?, be(20)?)),
        Container::Gif => Some((le16(6)?.into(), le16(8)?.into())),
        _ => None,
    }
}

fn decode_jpeg(bytes: &[u8], limits: &Limits, to_srgb: bool, plan: Plan) -> Result<Decoded> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().map_err(jpeg_error)?;
    let info = decoder
        .info()
        .ok_or_else(|| Error::Decode("the JPEG has no frame header".into()))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    limits.check_dimensions(width, height)?;
    // Every scan is a pass over the image: a file of thousands of tiny scans is a CPU bomb.
    let scans = structure::jpeg_scans(bytes);
    if scans > limits.max_jpeg_scans {
        return Err(Error::LimitExceeded(format!(
            "the JPEG has {scans} scans; the limit is {} (encoders write 10 to 20), and each one \
             is a pass over all {width} x {height} pixels",
            limits.max_jpeg_scans
        )));
    }
    let mut notes = Vec::new();
    // Profiles sit in APP2 markers before the frame header, so they are known by now; each chunk
    // is a marker segment of at most 64 KiB, so the whole is bounded by the file.
    let icc = bounded(
        decoder.icc_profile(),
        limits.max_icc_bytes,
        "ICC profile",
        &mut notes,
    );
    color::check_supported(
        icc.as_deref(),
        info.pixel_format == PixelFormat::CMYK32,
        to_srgb,
    )?;
    plan(&Header {
        width,
        height,
        deep: info.pixel_format == PixelFormat::L16,
        decode_peak: memory::jpeg_decode(width, height, info.pixel_format, info.coding_process),
    })?;
    // The decoder's own output buffer holds at most 4 bytes a pixel (CMYK): bound it by the limits.
    decoder.set_max_decoding_buffer_size(rgba_len(width, height)?);
    let raw = decoder.decode().map_err(jpeg_error)?;
    let exif = bounded(
        decoder.exif_data().map(<[u8]>::to_vec),
        limits.max_exif_bytes,
        "EXIF block",
        &mut notes,
    );
    let image = match info.pixel_format {
        PixelFormat::L8 => Image::Rgba8(Rgba8::new(
            width,
            height,
            raw.iter().flat_map(|&l| [l, l, l, 255]).collect(),
        )?),
        // Lossless JPEG to 16 bits: big-endian samples.
        PixelFormat::L16 => Image::Rgba16(Rgba16::new(
            width,
            height,
            raw.chunks_exact(2)
                .flat_map(|s| {
                    let l = u16::from_be_bytes([s[0], s[1]]);
                    [l, l, l, u16::MAX]
                })
                .collect(),
        )?),
        PixelFormat::RGB24 => Image::Rgba8(Rgba8::new(
            width,
            height,
            raw.chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect(),
        )?),
        PixelFormat::CMYK32 => {
            let rgba = cmyk_to_rgba(&raw, icc.as_deref())?;
            // The pixels are sRGB now: a CMYK profile no longer describes them.
            return Ok(Decoded {
                image: Image::Rgba8(Rgba8::new(width, height, rgba)?),
                icc: None,
                exif,
                notes,
            });
        }
    };
    Ok(Decoded {
        image,
        icc,
        exif,
        notes,
    })
}

fn jpeg_error(e: jpeg_decoder::Error) -> Error {
    use jpeg_decoder::Error as E;
    match e {
        E::Format(m) => Error::Decode(format!("the JPEG is damaged or not valid: {m}")),
        E::Unsupported(f) => Error::Unsupported(format!("unsupported JPEG coding: {f:?}")),
        E::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Decode("the JPEG is truncated (it ends before its data does)".into())
        }
        E::Io(io) => Error::Decode(format!("could not read the JPEG: {io}")),
        E::Internal(m) => Error::Decode(format!("the JPEG could not be decoded: {m}")),
    }
}

/// GIF and BMP through the `image` crate, TIFF through [`tiff`].
#[cfg(feature = "full")]
fn decode_other(bytes: &[u8], format: Container, limits: &Limits, plan: Plan) -> Result<Decoded> {
    use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

    let image_format = match format {
        Container::Tiff => return tiff::decode(bytes, limits, plan),
        Container::Gif => ImageFormat::Gif,
        Container::Bmp => ImageFormat::Bmp,
        // Read by their own decoders above.
        Container::Jpeg | Container::Png | Container::Webp | Container::Avif => {
            return Err(Error::Decode("not a GIF or BMP".into()))
        }
    };
    // A GIF decoder allocates its first frame at the frame's own size, which may be far larger
    // than the logical screen it is drawn on.
    let mut frame = None;
    if format == Container::Gif {
        if let Some((w, h)) = structure::gif_first_frame(bytes) {
            limits.check_size("the GIF's first frame", w, h)?;
            limits.check_rgba("the GIF's first frame", w, h)?;
            frame = Some((w, h));
        }
    }
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), image_format);
    reader.limits(image_limits(limits));
    let mut decoder = reader.into_decoder()?;
    let (width, height) = decoder.dimensions();
    limits.check_dimensions(width, height)?;
    let color = decoder.color_type();
    let deep = color.bytes_per_pixel() > color.channel_count();
    plan(&Header {
        width,
        height,
        deep,
        decode_peak: memory::image_decode(width, height, deep, frame),
    })?;
    let mut notes = Vec::new();
    // GIF and BMP metadata is stored uncompressed: bounded by the file already.
    let icc = decoder.icc_profile()?;
    let exif = decoder.exif_metadata()?;
    let icc = bounded(icc, limits.max_icc_bytes, "ICC profile", &mut notes);
    let exif = bounded(exif, limits.max_exif_bytes, "EXIF block", &mut notes);
    let image = DynamicImage::from_decoder(decoder)?;
    if format == Container::Gif {
        let max = limits.max_frames as usize;
        let n = gif::count_frames(bytes, max + 1).frames;
        if n > 1 {
            let n = if n > max {
                format!("more than {max}")
            } else {
                n.to_string()
            };
            notes.push(format!(
                "the GIF is animated ({n} frames): only the first was read (WebP output keeps the \
                 animation)"
            ));
        }
    }
    let image = if deep {
        Image::Rgba16(Rgba16::new(width, height, image.into_rgba16().into_raw())?)
    } else {
        Image::Rgba8(Rgba8::new(width, height, image.into_rgba8().into_raw())?)
    };
    Ok(Decoded {
        image,
        icc,
        exif,
        notes,
    })
}

#[cfg(not(feature = "full"))]
fn decode_other(_: &[u8], format: Container, _: &Limits, _: Plan) -> Result<Decoded> {
    let name = match format {
        Container::Webp => "WebP",
        Container::Gif => "GIF",
        Container::Bmp => "BMP",
        Container::Tiff => "TIFF",
        Container::Jpeg | Container::Png | Container::Avif => "this",
    };
    Err(Error::needs_full(&format!("reading {name} input")))
}

/// The same bounds expressed to the `image` crate, so its decoders refuse early too.
#[cfg(feature = "full")]
fn image_limits(limits: &Limits) -> image::Limits {
    let mut l = image::Limits::default();
    l.max_image_width = Some(limits.max_width);
    l.max_image_height = Some(limits.max_height);
    // Room for the decoder's own buffer (up to 32-bit float RGBA) plus our RGBA copy.
    l.max_alloc = Some(limits.max_pixels.saturating_mul(16 + 8));
    l
}
