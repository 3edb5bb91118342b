//! Bytes in, upright pixels out (with the ICC profile and EXIF block they carried), with limits
//! checked from the header before any pixel buffer exists.
//!
//! JPEG goes through `jpeg-decoder`: zune-jpeg, which `image` uses, mis-decoded some 4:2:0 files when
//! we compared them (the bottom half of a 16 x 16 block came out wrong). PNG goes through `png`
//! ([`png`]). WebP goes through libwebp (the encoder's library: `codecs/webp`), GIF and BMP through
//! `image`'s decoders, in the full build only: the core wasm module refuses them with
//! [`Error::NeedsFullModule`] before decoding anything.

mod avif;
mod png;

use jpeg_decoder::PixelFormat;

use crate::color::{self, cmyk_to_rgba};
use crate::error::{Error, Result};
use crate::exif;
use crate::limits::{rgba_len, Limits};
use crate::orient;
use crate::pixels::{Image, Rgba16, Rgba8};

/// A decoded, upright image and the metadata it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Upright pixels: any EXIF orientation has been applied.
    pub image: Image,
    /// The embedded ICC profile, if any.
    pub icc: Option<Vec<u8>>,
    /// The EXIF block (TIFF structure), if any. Its orientation tag still says what it said in the
    /// file; writers reset it because the pixels are already upright.
    pub exif: Option<Vec<u8>>,
}

/// Decodes an image file to upright 8-bit RGBA (16-bit inputs rounded to the nearest 8-bit value).
///
/// # Errors
/// As [`decode_full`].
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Rgba8> {
    Ok(decode_full(bytes, limits)?.image.into_rgba8())
}

/// Decodes an image file (JPEG, PNG, WebP, GIF's first frame, BMP, AVIF) at its own precision.
///
/// # Errors
/// [`Error::LimitExceeded`] when the file or its declared dimensions are over `limits` (checked before
/// any pixel buffer is allocated), [`Error::Unsupported`] for formats or codings pixsqueeze does not
/// read, [`Error::Decode`] for damaged or truncated files.
pub fn decode_full(bytes: &[u8], limits: &Limits) -> Result<Decoded> {
    decode_for(bytes, limits, false)
}

/// [`decode_full`] for a caller that will convert the colours to sRGB when `to_srgb`: the core build
/// then refuses, once the header is read and before any pixel is decoded, a file whose profile would
/// need colour management.
pub(crate) fn decode_for(bytes: &[u8], limits: &Limits, to_srgb: bool) -> Result<Decoded> {
    limits.check_input_len(bytes.len())?;
    if bytes.is_empty() {
        return Err(Error::Decode("the file is empty".into()));
    }
    let format = sniff(bytes)?;
    if let Some((width, height)) = declared_size(bytes, format) {
        limits.check_dimensions(width, height)?;
    }
    let mut decoded = match format {
        Container::Jpeg => decode_jpeg(bytes, limits, to_srgb)?,
        Container::Png => png::decode(bytes, limits, to_srgb)?,
        Container::Avif => avif::decode(bytes, limits)?,
        #[cfg(feature = "full")]
        Container::Webp => crate::codecs::decode_webp(bytes, limits)?,
        other => decode_other(bytes, other, limits)?,
    };
    if let Some(o) = decoded.exif.as_deref().and_then(exif::orientation) {
        decoded.image = orient::apply(decoded.image, o)?;
    }
    Ok(decoded)
}

/// The file formats pixsqueeze reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Jpeg,
    Png,
    Webp,
    Gif,
    Bmp,
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
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Err(Error::Unsupported(
            "TIFF is not decoded by pixsqueeze's core: it would add about 250 KB to the download"
                .into(),
        ))
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
            "this is not an image pixsqueeze recognises (JPEG, PNG, WebP, GIF or BMP)".into(),
        ))
    }
}

/// The size a PNG (IHDR) or GIF (logical screen) declares in its first bytes. Their decoders read on to
/// the first image data before they report a size, so a header with nothing after it would fail as
/// damaged rather than as too large.
fn declared_size(bytes: &[u8], format: Container) -> Option<(u32, u32)> {
    let be = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    let le16 = |at: usize| Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
    match format {
        Container::Png if bytes.get(12..16)? == b"IHDR" => Some((be(16)?, be(20)?)),
        Container::Gif => Some((le16(6)?.into(), le16(8)?.into())),
        _ => None,
    }
}

fn decode_jpeg(bytes: &[u8], limits: &Limits, to_srgb: bool) -> Result<Decoded> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().map_err(jpeg_error)?;
    let info = decoder
        .info()
        .ok_or_else(|| Error::Decode("the JPEG has no frame header".into()))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    limits.check_dimensions(width, height)?;
    // Profiles sit in APP2 markers before the frame header, so they are known by now.
    color::check_supported(
        decoder.icc_profile().as_deref(),
        info.pixel_format == PixelFormat::CMYK32,
        to_srgb,
    )?;
    // The decoder's own output buffer holds at most 4 bytes a pixel (CMYK): bound it by the limits.
    decoder.set_max_decoding_buffer_size(rgba_len(width, height)?);
    let raw = decoder.decode().map_err(jpeg_error)?;
    let icc = decoder.icc_profile();
    let exif = decoder.exif_data().map(<[u8]>::to_vec);
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
            });
        }
    };
    Ok(Decoded { image, icc, exif })
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

/// GIF and BMP, through the `image` crate.
#[cfg(feature = "full")]
fn decode_other(bytes: &[u8], format: Container, limits: &Limits) -> Result<Decoded> {
    use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

    let format = match format {
        Container::Gif => ImageFormat::Gif,
        Container::Bmp => ImageFormat::Bmp,
        // Read by their own decoders above.
        Container::Jpeg | Container::Png | Container::Webp | Container::Avif => {
            return Err(Error::Decode("not a GIF or BMP".into()))
        }
    };
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    reader.limits(image_limits(limits));
    let mut decoder = reader.into_decoder()?;
    let (width, height) = decoder.dimensions();
    limits.check_dimensions(width, height)?;
    let icc = decoder.icc_profile()?;
    let exif = decoder.exif_metadata()?;
    let image = DynamicImage::from_decoder(decoder)?;
    let deep = image.color().bytes_per_pixel() > image.color().channel_count();
    let image = if deep {
        Image::Rgba16(Rgba16::new(width, height, image.into_rgba16().into_raw())?)
    } else {
        Image::Rgba8(Rgba8::new(width, height, image.into_rgba8().into_raw())?)
    };
    Ok(Decoded { image, icc, exif })
}

#[cfg(not(feature = "full"))]
fn decode_other(_: &[u8], format: Container, _: &Limits) -> Result<Decoded> {
    let name = match format {
        Container::Webp => "WebP",
        Container::Gif => "GIF",
        Container::Bmp => "BMP",
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
