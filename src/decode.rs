//! Bytes in, RGBA8 out, with limits checked from the header before any pixel buffer exists.
//!
//! JPEG goes through `jpeg-decoder` (zune-jpeg, which `image` uses, mis-decodes some 4:2:0 files that
//! jpeg-encoder writes: the bottom half of a 16 x 16 block came out wrong). PNG goes through `image`.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder};
use jpeg_decoder::PixelFormat;

use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::pixels::Rgba8;

/// The container formats pixsqueeze reads, recognised by their signature bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InputFormat {
    Jpeg,
    Png,
}

fn sniff(bytes: &[u8]) -> Option<InputFormat> {
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(InputFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(InputFormat::Png)
    } else {
        None
    }
}

/// Decodes a JPEG or PNG file to RGBA8.
///
/// # Errors
/// [`Error::LimitExceeded`] when the file or its declared dimensions are over `limits` (checked before
/// decoding), [`Error::Unsupported`] for formats pixsqueeze does not read, [`Error::Decode`] for damaged
/// or truncated files.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Rgba8> {
    limits.check_input_len(bytes.len())?;
    if bytes.is_empty() {
        return Err(Error::Decode("the file is empty".into()));
    }
    match sniff(bytes) {
        Some(InputFormat::Jpeg) => decode_jpeg(bytes, limits),
        Some(InputFormat::Png) => decode_png(bytes, limits),
        None => Err(Error::Decode(
            "this is not an image pixsqueeze recognises (expected JPEG or PNG)".into(),
        )),
    }
}

fn decode_jpeg(bytes: &[u8], limits: &Limits) -> Result<Rgba8> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().map_err(jpeg_error)?;
    let info = decoder
        .info()
        .ok_or_else(|| Error::Decode("the JPEG has no frame header".into()))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    limits.check_dimensions(width, height)?;
    // The decoder's own output buffer: at most 4 bytes a pixel (CMYK).
    let budget = usize::try_from(limits.max_pixels.saturating_mul(4)).unwrap_or(usize::MAX);
    decoder.set_max_decoding_buffer_size(budget);
    let raw = decoder.decode().map_err(jpeg_error)?;
    let rgba = match info.pixel_format {
        PixelFormat::L8 => raw.iter().flat_map(|&l| [l, l, l, 255]).collect(),
        // 12-bit and lossless JPEGs decode to big-endian 16-bit samples; keep the high byte.
        PixelFormat::L16 => raw
            .chunks_exact(2)
            .flat_map(|s| [s[0], s[0], s[0], 255])
            .collect(),
        PixelFormat::RGB24 => raw
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        PixelFormat::CMYK32 => raw.chunks_exact(4).flat_map(cmyk_to_rgba).collect(),
    };
    Rgba8::new(width, height, rgba)
}

/// jpeg-decoder hands back CMYK with 0 meaning full ink; the naive device-CMYK conversion.
fn cmyk_to_rgba(p: &[u8]) -> [u8; 4] {
    let k = u32::from(255 - p[3]);
    let channel = |c: u8| ((u32::from(255 - c) * k + 127) / 255) as u8;
    [channel(p[0]), channel(p[1]), channel(p[2]), 255]
}

fn jpeg_error(e: jpeg_decoder::Error) -> Error {
    use jpeg_decoder::Error as E;
    match e {
        E::Format(m) => Error::Decode(format!("the JPEG is damaged or not valid: {m}")),
        E::Unsupported(f) => Error::Unsupported(format!("unsupported JPEG feature: {f:?}")),
        E::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Decode("the JPEG is truncated (it ends before its data does)".into())
        }
        E::Io(io) => Error::Decode(format!("could not read the JPEG: {io}")),
        E::Internal(m) if m.to_string().contains("buffer size") => Error::LimitExceeded(format!(
            "the JPEG needs more memory than the limits allow: {m}"
        )),
        E::Internal(m) => Error::Decode(format!("the JPEG could not be decoded: {m}")),
    }
}

fn decode_png(bytes: &[u8], limits: &Limits) -> Result<Rgba8> {
    let mut decoder =
        image::codecs::png::PngDecoder::with_limits(Cursor::new(bytes), image_limits(limits))?;
    let (width, height) = decoder.dimensions();
    limits.check_dimensions(width, height)?;
    decoder.set_limits(image_limits(limits))?;
    let image = DynamicImage::from_decoder(decoder)?;
    Rgba8::new(width, height, image.into_rgba8().into_raw())
}

/// The same bounds expressed to the `image` crate, so its decoders refuse early too.
fn image_limits(limits: &Limits) -> image::Limits {
    let mut l = image::Limits::default();
    l.max_image_width = Some(limits.max_width);
    l.max_image_height = Some(limits.max_height);
    // Room for the decoder's own buffer (up to 16-bit RGBA) plus our RGBA8 copy.
    l.max_alloc = Some(limits.max_pixels.saturating_mul(8 + 4));
    l
}
