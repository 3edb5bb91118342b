//! PNG input through the `png` crate directly, set up as the `image` crate sets it up (palettes and
//! low bit depths expanded, 16 bits kept): the same pixels without the `image` crate's weight in the
//! core wasm module.

use std::io::Cursor;

use png::{BitDepth, ColorType, Transformations};

use super::{bounded, over_limit_note, structure, Header, Plan};
use crate::color;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::memory;
use crate::pixels::{to_u8, Image, Rgba16, Rgba8};

pub(super) fn decode(
    bytes: &[u8],
    limits: &Limits,
    to_srgb: bool,
    plan: Plan,
) -> Result<super::Decoded> {
    // Room for the decoder's own buffers (up to 16-bit RGBA) plus our RGBA copy, as `image` allowed.
    let bytes_limit =
        usize::try_from(limits.max_pixels.saturating_mul(16 + 8)).unwrap_or(usize::MAX);
    let mut reader = open(bytes, limits, bytes_limit)?;
    let (width, height) = reader.info().size();
    let deep = reader.info().bit_depth == BitDepth::Sixteen;
    plan(&Header {
        width,
        height,
        deep,
        decode_peak: memory::png_decode(width, height, reader.info().color_type, deep),
    })?;
    let (icc, exif, notes) = metadata(bytes, reader.info(), limits);
    color::check_supported(icc.as_deref(), false, to_srgb)?;

    let (color, depth) = reader.output_color_type();
    let channels = channels(color, depth)?;
    let deep = match depth {
        BitDepth::Eight => false,
        BitDepth::Sixteen => true,
        _ => return Err(unsupported(color, depth)),
    };
    let len = reader
        .output_buffer_size()
        .ok_or_else(|| Error::LimitExceeded("the PNG's pixels do not fit in memory".into()))?;
    let mut raw = Vec::new();
    raw.try_reserve_exact(len)
        .map_err(|_| Error::LimitExceeded("the PNG's pixels do not fit in memory".into()))?;
    raw.resize(len, 0);
    reader.next_frame(&mut raw).map_err(png_error)?;

    let image = if deep {
        let samples: Vec<u16> = raw
            .chunks_exact(2)
            .map(|s| u16::from_be_bytes([s[0], s[1]]))
            .collect();
        drop(raw);
        Image::Rgba16(Rgba16::new(
            width,
            height,
            to_rgba(samples, channels, u16::MAX),
        )?)
    } else {
        Image::Rgba8(Rgba8::new(width, height, to_rgba(raw, channels, u8::MAX))?)
    };
    Ok(super::Decoded {
        image,
        icc,
        exif,
        notes,
    })
}

/// A non-interlaced PNG read a band of rows at a time, for images too large to decode whole
/// (`crate::bands`): as RGBA8 (8 bits a sample at most), or as stored (palettes and low bit depths
/// expanded, 16-bit samples big-endian). The decoder holds one row, its window and the file:
/// nothing grows with the image.
pub(crate) struct PngRows<'a> {
    reader: png::Reader<Cursor<&'a [u8]>>,
    channels: usize,
    pub width: u32,
    pub height: u32,
    /// 16 bits a sample ([`PngRows::read`] rounds them to 8).
    pub deep: bool,
    /// The profile and EXIF block as [`decode`] keeps them, and notes on what was dropped.
    pub icc: Option<Vec<u8>>,
    pub exif: Option<Vec<u8>>,
    pub notes: Vec<String>,
}

impl<'a> PngRows<'a> {
    /// `None` when `bytes` is a PNG this cannot stream (interlaced).
    ///
    /// # Errors
    /// As [`decode`]: a damaged file, or one over `limits`.
    pub(crate) fn open(bytes: &'a [u8], limits: &Limits) -> Result<Option<Self>> {
        // The decoder holds a row and its window, never the image: 64 MiB is room for any row.
        let reader = open(bytes, limits, 64 * 1024 * 1024)?;
        let (width, height) = reader.info().size();
        let (color, depth) = reader.output_color_type();
        let channels = channels(color, depth)?;
        let deep = match depth {
            _ if reader.info().interlaced => return Ok(None),
            BitDepth::Eight => false,
            BitDepth::Sixteen => true,
            _ => return Err(unsupported(color, depth)),
        };
        let (icc, exif, notes) = metadata(bytes, reader.info(), limits);
        Ok(Some(PngRows {
            reader,
            channels,
            width,
            height,
            deep,
            icc,
            exif,
            notes,
        }))
    }

    /// Whether the file's pixels are gray (one channel, perhaps with alpha) and whether they carry
    /// alpha, as stored (a colour file may still hold only grays).
    pub(crate) fn layout(&self) -> (bool, bool) {
        (self.channels <= 2, matches!(self.channels, 2 | 4))
    }

    /// The next `rows` rows (fewer at the end) as RGBA8 in `out`, replacing what it held; the
    /// number of rows read. 16-bit samples are rounded to the nearest 8-bit value, as the
    /// whole-image path narrows them.
    ///
    /// # Errors
    /// [`Error::Decode`] for damaged or truncated data.
    pub(crate) fn read(&mut self, rows: usize, out: &mut Vec<u8>) -> Result<usize> {
        out.clear();
        let (channels, deep) = (self.channels, self.deep);
        self.each_row(rows, |row| {
            if deep {
                for p in row.chunks_exact(2 * channels) {
                    let mut s = [0; 4];
                    for (i, v) in s.iter_mut().take(channels).enumerate() {
                        *v = to_u8(u16::from_be_bytes([p[2 * i], p[2 * i + 1]]));
                    }
                    push_rgba(out, &s[..channels], u8::MAX);
                }
            } else {
                for p in row.chunks_exact(channels) {
                    push_rgba(out, p, u8::MAX);
                }
            }
        })
    }

    /// The next `rows` rows as RGBA16; for 16-bit files only.
    ///
    /// # Errors
    /// As [`PngRows::read`].
    pub(crate) fn read16(&mut self, rows: usize, out: &mut Vec<u16>) -> Result<usize> {
        out.clear();
        let channels = self.channels;
        self.each_row(rows, |row| {
            for p in row.chunks_exact(2 * channels) {
                let mut s = [0; 4];
                for (i, v) in s.iter_mut().take(channels).enumerate() {
                    *v = u16::from_be_bytes([p[2 * i], p[2 * i + 1]]);
                }
                push_rgba(out, &s[..channels], u16::MAX);
            }
        })
    }

    /// As [`PngRows::read`], the rows as the decoder gives them ([`PngRows::layout`], 8 or 16 bits
    /// a sample).
    ///
    /// # Errors
    /// As [`PngRows::read`].
    pub(crate) fn read_packed(&mut self, rows: usize, out: &mut Vec<u8>) -> Result<usize> {
        out.clear();
        self.each_row(rows, |row| out.extend_from_slice(row))
    }

    fn each_row(&mut self, rows: usize, mut f: impl FnMut(&[u8])) -> Result<usize> {
        let mut n = 0;
        while n < rows {
            let Some(row) = self.reader.next_row().map_err(png_error)? else {
                break;
            };
            f(row.data());
            n += 1;
        }
        Ok(n)
    }
}

/// The `png` crate's reader past the header, set up as the `image` crate sets it up (palettes and low
/// bit depths expanded), allowed `memory` bytes of its own, the image's size checked against `limits`.
fn open<'a>(
    bytes: &'a [u8],
    limits: &Limits,
    memory: usize,
) -> Result<png::Reader<Cursor<&'a [u8]>>> {
    let mut decoder =
        png::Decoder::new_with_limits(Cursor::new(bytes), png::Limits { bytes: memory });
    // Text chunks (XMP among them) are never kept: skipped, they are neither copied nor inflated.
    decoder.set_ignore_text_chunk(true);
    // The decoder would inflate a profile up to the image's whole memory allowance (1.6 GB from a
    // 1.6 MB chunk): it is read here instead (`metadata`), and inflating stops at its own bound.
    decoder.set_ignore_iccp_chunk(true);
    decoder.set_transformations(Transformations::EXPAND);
    let reader = decoder.read_info().map_err(png_error)?;
    let (width, height) = reader.info().size();
    limits.check_dimensions(width, height)?;
    Ok(reader)
}

/// The ICC profile and EXIF block within their bounds, and notes on what was dropped.
fn metadata(
    bytes: &[u8],
    info: &png::Info,
    limits: &Limits,
) -> (Option<Vec<u8>>, Option<Vec<u8>>, Vec<String>) {
    let mut notes = Vec::new();
    let icc = match structure::png_iccp(bytes) {
        None => None,
        Some(Err(why)) => {
            notes.push(format!("the ICC profile was dropped: {why}"));
            None
        }
        Some(Ok(zlib)) => inflate_profile(zlib, limits.max_icc_bytes, &mut notes),
    };
    // eXIf is stored uncompressed, so it is bounded by the file already.
    let exif = bounded(
        info.exif_metadata.as_ref().map(|e| e.to_vec()),
        limits.max_exif_bytes,
        "EXIF block",
        &mut notes,
    );
    (icc, exif, notes)
}

/// Samples a pixel of the decoder's output.
fn channels(color: ColorType, depth: BitDepth) -> Result<usize> {
    match color {
        ColorType::Grayscale => Ok(1),
        ColorType::GrayscaleAlpha => Ok(2),
        ColorType::Rgb => Ok(3),
        ColorType::Rgba => Ok(4),
        // EXPAND turns a palette into RGB(A); anything else is a decoder we do not know.
        ColorType::Indexed => Err(unsupported(color, depth)),
    }
}

/// An iCCP chunk's zlib stream, inflated to at most `max` bytes: a larger profile is dropped as soon
/// as its output passes the bound, without inflating the rest. A damaged stream is dropped too, as
/// browsers do.
fn inflate_profile(zlib: &[u8], max: u64, notes: &mut Vec<String>) -> Option<Vec<u8>> {
    let bound = usize::try_from(max.saturating_add(1)).unwrap_or(usize::MAX);
    match fdeflate::decompress_to_vec_bounded(zlib, bound) {
        Ok(profile) if profile.len() as u64 <= max => Some(profile),
        Ok(_) | Err(fdeflate::BoundedDecompressionError::OutputTooLarge { .. }) => {
            notes.push(over_limit_note("ICC profile", None, max));
            None
        }
        Err(fdeflate::BoundedDecompressionError::DecompressionError { .. }) => {
            notes.push("the ICC profile was dropped: its compressed data is damaged".into());
            None
        }
    }
}

/// Gray, gray + alpha, RGB or RGBA samples to RGBA (gray copied to each colour channel). RGBA is
/// returned as it is, so the common case costs no copy.
fn to_rgba<T: Copy>(samples: Vec<T>, channels: usize, opaque: T) -> Vec<T> {
    if channels == 4 {
        return samples;
    }
    let mut out = Vec::with_capacity(samples.len() / channels * 4);
    for p in samples.chunks_exact(channels) {
        push_rgba(&mut out, p, opaque);
    }
    out
}

/// One pixel of gray, gray + alpha, RGB or RGBA samples onto `out` as RGBA.
fn push_rgba<T: Copy>(out: &mut Vec<T>, p: &[T], opaque: T) {
    match *p {
        [l] => out.extend([l, l, l, opaque]),
        [l, a] => out.extend([l, l, l, a]),
        [r, g, b] => out.extend([r, g, b, opaque]),
        [r, g, b, a] => out.extend([r, g, b, a]),
        _ => {}
    }
}

fn unsupported(color: ColorType, depth: BitDepth) -> Error {
    Error::Unsupported(format!(
        "unsupported PNG layout: {color:?} at {depth:?} bits"
    ))
}

fn png_error(e: png::DecodingError) -> Error {
    use png::DecodingError as E;
    match e {
        E::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Decode("the image file is truncated (it ends before its data does)".into())
        }
        E::IoError(io) => Error::Decode(format!("could not read the image: {io}")),
        E::Format(f) => Error::Decode(format!("the image is damaged or not valid: {f}")),
        E::Parameter(p) => Error::InvalidInput(p.to_string()),
        E::LimitsExceeded => {
            Error::LimitExceeded("the PNG needs more memory than the limits allow".into())
        }
    }
}
