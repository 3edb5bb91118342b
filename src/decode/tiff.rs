//! TIFF input through the `tiff` crate (full build only): 1-, 2-, 4-, 8- and 16-bit gray, gray with
//! alpha, RGB, RGBA and 8-bit CMYK; strips or tiles, chunky or planar; uncompressed, PackBits, LZW
//! and Deflate (with their predictors); classic TIFF and BigTIFF.
//!
//! The image is read one row of chunks (a strip, or a row of tiles) at a time through [`Bands`], so
//! the whole-image decode and the banded path for huge images (`crate::bands`) share one reader and
//! never hold more than a band of the decoder's raw samples beside the RGBA they fill.
//!
//! Refused by name, before any pixel is decoded: palette (indexed) images, which the `tiff` crate
//! does not expand; floating-point and signed samples; YCbCr (JPEG-in-TIFF), CIE Lab, CMYK with
//! alpha or at 16 bits; depths other than 1, 2, 4, 8 and 16. Only the first page of a multi-page
//! file is read, with a note; GeoTIFF georeferencing cannot be carried by any output format, and a
//! note says it was left out.

use std::io::Cursor;
use std::ops::Range;

use tiff::decoder::{ChunkType, Decoder, Limits as TiffLimits, TiffCodingUnit};
use tiff::tags::Tag;
use tiff::{ColorType, TiffError};

use crate::color;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::orient;
use crate::pixels::{Image, Rgba16, Rgba8};

/// How many pages a note counts before it says "at least".
const MAX_PAGES_COUNTED: usize = 1000;

/// The tags GeoTIFF stores georeferencing in.
const GEO_TAGS: [(u16, &str); 6] = [
    (33550, "ModelPixelScale"),
    (33922, "ModelTiepoint"),
    (34264, "ModelTransformation"),
    (34735, "GeoKeyDirectory"),
    (34736, "GeoDoubleParams"),
    (34737, "GeoAsciiParams"),
];

/// What each pixel holds, as the file stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Samples {
    Gray,
    /// `associated`: the colour is premultiplied by alpha (ExtraSamples = 1).
    GrayAlpha {
        associated: bool,
    },
    Rgb,
    Rgba {
        associated: bool,
    },
    /// Ink amounts, 8 bits only.
    Cmyk,
}

/// A TIFF's first page, opened: its header read and checked, no pixel decoded yet.
pub(crate) struct Bands<'a> {
    decoder: Decoder<Cursor<&'a [u8]>>,
    pub width: u32,
    pub height: u32,
    samples: Samples,
    /// Bits a sample: 1, 2, 4, 8 or 16.
    bits: u8,
    /// Samples a pixel in the decoder's buffer (each plane holds one when planar).
    texel: usize,
    planar: bool,
    /// Chunk size (a strip's width is the image's).
    chunk_width: u32,
    chunk_height: u32,
    chunks_across: u32,
    /// The next band [`Bands::next_band`] reads.
    next: u32,
    /// The decoder's raw samples for one chunk, reused.
    raw: Vec<u8>,
    /// Samples a pixel over all planes.
    samples_per_pixel: usize,
    limits: Limits,
    /// The TIFF Orientation tag (1–8; 1 when absent or invalid).
    pub orientation: u8,
    pub icc: Option<Vec<u8>>,
    pub notes: Vec<String>,
}

impl<'a> Bands<'a> {
    /// Reads the header and tags of the first page, checking `limits`.
    ///
    /// # Errors
    /// [`Error::LimitExceeded`] over the limits, [`Error::Unsupported`] for a layout this reader
    /// refuses (see the module docs), [`Error::Decode`] for a damaged header.
    pub(crate) fn open(bytes: &'a [u8], limits: &Limits) -> Result<Self> {
        let mut decoder = Decoder::new(Cursor::new(bytes)).map_err(tiff_error)?;
        let (width, height) = decoder.dimensions().map_err(tiff_error)?;
        limits.check_dimensions(width, height)?;
        // A chunk is at most the whole image, at up to 4 samples of 2 bytes.
        let mut tiff_limits = TiffLimits::default();
        tiff_limits.decoding_buffer_size =
            usize::try_from(limits.max_pixels.saturating_mul(8)).unwrap_or(usize::MAX);
        tiff_limits.intermediate_buffer_size = tiff_limits.decoding_buffer_size;
        // Tag values: strip offsets of a tall image, an ICC profile.
        tiff_limits.ifd_value_size = 16 << 20;
        let mut decoder = decoder.with_limits(tiff_limits);

        let photometric = decoder
            .find_tag_unsigned::<u16>(Tag::PhotometricInterpretation)
            .map_err(tiff_error)?;
        if photometric == Some(3) {
            return Err(Error::Unsupported(
                "palette (indexed-colour) TIFF is not read by pixsqueeze: save it as RGB, or as \
                 a PNG, which keeps the palette"
                    .into(),
            ));
        }
        let format = decoder
            .find_tag_unsigned_vec::<u16>(Tag::SampleFormat)
            .map_err(tiff_error)?
            .and_then(|f| f.first().copied())
            .unwrap_or(1);
        match format {
            1 => {}
            2 => return Err(unsupported("signed integer samples")),
            3 => return Err(unsupported("floating-point samples")),
            _ => return Err(unsupported(&format!("sample format {format}"))),
        }
        let extra = decoder
            .find_tag_unsigned_vec::<u16>(Tag::ExtraSamples)
            .map_err(tiff_error)?
            .unwrap_or_default();
        let alpha = extra.first().copied();
        let color = decoder.colortype().map_err(|e| match e {
            TiffError::UnsupportedError(u) => unsupported(&u.to_string()),
            other => tiff_error(other),
        })?;
        let (samples, bits, texel) = match color {
            ColorType::Gray(b) => (Samples::Gray, b, 1),
            ColorType::Multiband {
                bit_depth,
                num_samples,
            } if matches!(photometric, Some(0 | 1)) => {
                let samples = match alpha {
                    Some(1 | 2) => Samples::GrayAlpha {
                        associated: alpha == Some(1),
                    },
                    _ => Samples::Gray,
                };
                (samples, bit_depth, usize::from(num_samples))
            }
            ColorType::RGB(b) => (Samples::Rgb, b, 3),
            ColorType::RGBA(b) => (
                Samples::Rgba {
                    associated: alpha == Some(1),
                },
                b,
                4,
            ),
            ColorType::CMYK(8) => (Samples::Cmyk, 8, 4),
            ColorType::CMYK(_) | ColorType::CMYKA(_) => {
                return Err(unsupported(
                    "CMYK other than 8-bit without alpha (convert it to RGB first)",
                ))
            }
            ColorType::YCbCr(_) => {
                return Err(unsupported(
                    "YCbCr colour (usually JPEG-compressed TIFF; save it with LZW or Deflate)",
                ))
            }
            ColorType::Lab(_) => return Err(unsupported("CIE Lab colour")),
            other => return Err(unsupported(&format!("{other:?} pixels"))),
        };
        let deep_ok = matches!(bits, 8 | 16);
        let low_gray = matches!(bits, 1 | 2 | 4) && samples == Samples::Gray;
        if !deep_ok && !low_gray {
            return Err(unsupported(&format!(
                "{bits} bits a sample (pixsqueeze reads 8 and 16, and 1, 2 or 4 for gray)"
            )));
        }
        let planar = decoder
            .find_tag_unsigned::<u16>(Tag::PlanarConfiguration)
            .map_err(tiff_error)?
            == Some(2);
        let samples_per_pixel = texel;
        let texel = if planar { 1 } else { texel };
        let (chunk_width, chunk_height) = decoder.chunk_dimensions();
        let (chunk_width, chunk_height) = match decoder.get_chunk_type() {
            ChunkType::Strip => (width, chunk_height.min(height)),
            ChunkType::Tile => (chunk_width, chunk_height),
        };
        if chunk_width == 0 || chunk_height == 0 {
            return Err(Error::Decode(
                "the TIFF declares empty strips or tiles".into(),
            ));
        }
        let chunks_across = width.div_ceil(chunk_width);
        let orientation = decoder
            .find_tag_unsigned::<u16>(Tag::Orientation)
            .map_err(tiff_error)?
            .and_then(|o| u8::try_from(o).ok())
            .filter(|o| (1..=8).contains(o))
            .unwrap_or(1);
        let mut notes = Vec::new();
        let icc = icc_profile(&mut decoder, &mut notes)?;
        color::check_supported(icc.as_deref(), samples == Samples::Cmyk, false)?;
        let geo: Vec<&str> = GEO_TAGS
            .iter()
            .filter(|(tag, _)| {
                decoder
                    .image_ifd()
                    .find_entry(Tag::from_u16_exhaustive(*tag))
                    .is_some()
            })
            .map(|(_, name)| *name)
            .collect();
        if !geo.is_empty() {
            notes.push(format!(
                "the GeoTIFF georeferencing ({}) was not kept: JPEG, PNG and WebP have no place \
                 for it, so keep the original TIFF (or a world file) beside the result",
                geo.join(", ")
            ));
        }
        Ok(Bands {
            decoder,
            width,
            height,
            samples,
            bits,
            texel,
            planar,
            chunk_width,
            chunk_height,
            chunks_across,
            next: 0,
            raw: Vec::new(),
            samples_per_pixel,
            limits: *limits,
            orientation,
            icc,
            notes,
        })
    }

    /// Bytes of one chunk of raw samples, all planes, as the header describes it.
    pub(crate) fn chunk_bytes(&self) -> u64 {
        let bytes_per_sample = u64::from(self.bits.div_ceil(8));
        u64::from(self.chunk_width)
            * u64::from(self.chunk_height)
            * self.samples_per_pixel as u64
            * bytes_per_sample
    }

    /// Pixels of one band (a strip, or a row of tiles) of RGBA output.
    pub(crate) fn band_pixels(&self) -> u64 {
        u64::from(self.width) * u64::from(self.chunk_height.min(self.height))
    }

    /// Whether the pixels come out at 16 bits a sample.
    pub(crate) fn deep(&self) -> bool {
        self.bits == 16
    }

    /// The rows the next band covers, or `None` after the last.
    pub(crate) fn next_rows(&self) -> Option<Range<u32>> {
        let start = self.next.checked_mul(self.chunk_height)?;
        (start < self.height).then(|| start..(start + self.chunk_height).min(self.height))
    }

    /// Decodes the next band into `out` as RGBA rows (`T` = u8 for 8-bit and lower depths, u16 for
    /// 16-bit; anything else is an error), returning the rows it covers.
    ///
    /// # Errors
    /// [`Error::Decode`] for damaged or truncated data, [`Error::InvalidInput`] for the wrong `T`.
    pub(crate) fn next_band<T: Sample>(&mut self, out: &mut Vec<T>) -> Result<Option<Range<u32>>> {
        let Some(rows) = self.next_rows() else {
            return Ok(None);
        };
        if (T::BITS == 16) != self.deep() {
            return Err(Error::InvalidInput(
                "a TIFF band was asked for at the wrong precision".into(),
            ));
        }
        let band_rows = (rows.end - rows.start) as usize;
        let width = self.width as usize;
        let band_bytes =
            u64::from(self.width) * u64::from(rows.end - rows.start) * 4 * u64::from(T::BITS / 8);
        self.limits.check_buffer(band_bytes, "a band of the TIFF")?;
        out.clear();
        out.try_reserve_exact(width * band_rows * 4).map_err(|_| {
            Error::LimitExceeded("a band of the TIFF does not fit in memory".into())
        })?;
        out.resize(width * band_rows * 4, T::MAX);
        for across in 0..self.chunks_across {
            let chunk = self.next * self.chunks_across + across;
            let x0 = (across * self.chunk_width) as usize;
            let chunk_w = (self.chunk_width as usize).min(width - x0);
            let layout = self
                .decoder
                .image_coding_unit_layout(TiffCodingUnit(chunk))
                .map_err(tiff_error)?;
            let planes = if self.planar { layout.planes.max(1) } else { 1 };
            let plane_stride = layout.plane_stride.map_or(layout.len, |s| s.get());
            let row_stride = layout.row_stride.map_or(0, |s| s.get());
            let len = if self.planar {
                layout.complete_len
            } else {
                layout.len
            };
            self.limits
                .check_buffer(len as u64, "a strip or tile of the TIFF")?;
            self.raw.clear();
            self.raw
                .try_reserve_exact(len)
                .map_err(|_| Error::LimitExceeded("a TIFF strip does not fit in memory".into()))?;
            self.raw.resize(len, 0);
            self.decoder
                .read_coding_unit_bytes(TiffCodingUnit(chunk), &mut self.raw)
                .map_err(tiff_error)?;
            let chunk_h = band_rows.min(self.chunk_height as usize);
            for y in 0..chunk_h {
                let dst = &mut out[(y * width + x0) * 4..(y * width + x0 + chunk_w) * 4];
                let at = |plane: usize| plane * plane_stride + y * row_stride;
                for (x, px) in dst.chunks_exact_mut(4).enumerate() {
                    let sample = |i: usize| -> u16 {
                        let (plane, index) = if planes > 1 {
                            (i, x)
                        } else {
                            (0, x * self.texel + i)
                        };
                        read_sample(&self.raw, at(plane), index, self.bits)
                    };
                    T::fill(px, self.samples, self.bits, sample);
                }
            }
        }
        if self.samples == Samples::Cmyk {
            T::cmyk(out, self.icc.as_deref())?;
        }
        self.next += 1;
        Ok(Some(rows))
    }

    /// Decodes every band into one upright image.
    ///
    /// # Errors
    /// As [`Bands::next_band`]; [`Error::LimitExceeded`] if the image does not fit in memory.
    pub(crate) fn read_all(&mut self) -> Result<Image> {
        let image = if self.deep() {
            Image::Rgba16(Rgba16::new(
                self.width,
                self.height,
                self.collect::<u16>()?,
            )?)
        } else {
            Image::Rgba8(Rgba8::new(self.width, self.height, self.collect::<u8>()?)?)
        };
        orient::apply(image, self.orientation)
    }

    fn collect<T: Sample>(&mut self) -> Result<Vec<T>> {
        let total = crate::limits::rgba_len(self.width, self.height)?;
        let mut all = Vec::new();
        all.try_reserve_exact(total)
            .map_err(|_| Error::LimitExceeded("the TIFF's pixels do not fit in memory".into()))?;
        let mut band = Vec::new();
        while self.next_band::<T>(&mut band)?.is_some() {
            all.extend_from_slice(&band);
        }
        Ok(all)
    }

    /// After the first page: a note when the file holds more, counted up to a bound.
    pub(crate) fn note_pages(&mut self) {
        let mut more = 0;
        while self.decoder.more_images() && more < MAX_PAGES_COUNTED {
            // A page the decoder cannot parse still counts; the walk stops at the first one.
            let ok = self.decoder.next_image().is_ok();
            more += 1;
            if !ok {
                break;
            }
        }
        if more > 0 {
            let total = more + 1;
            let at_least = if self.decoder.more_images() {
                "at least "
            } else {
                ""
            };
            self.notes.push(format!(
                "the TIFF holds {at_least}{total} images (pages, or reduced-size copies); only \
                 the first was read"
            ));
        }
    }
}

/// A TIFF's first page read any number of rows at a time, for a job in bands (`crate::bands`): the
/// strips or rows of tiles are decoded as they are needed and held until handed out, so at most a
/// chunk's raw samples, one decoded chunk and the rows asked for plus one chunk's are held.
pub(crate) struct TiffRows<'a> {
    bands: Bands<'a>,
    /// Decoded RGBA rows not yet handed out (8 bits a sample, or 16 when `deep`), and one decoded
    /// chunk's.
    held8: Vec<u8>,
    held16: Vec<u16>,
    chunk8: Vec<u8>,
    chunk16: Vec<u16>,
    /// Rows at 16 bits on their way to 8 bits or to the stored layout.
    wide: Vec<u16>,
    pub width: u32,
    pub height: u32,
    pub deep: bool,
    pub orientation: u8,
    pub icc: Option<Vec<u8>>,
    pub notes: Vec<String>,
}

impl<'a> TiffRows<'a> {
    /// `None` for a TIFF whose pixels are not read as they are stored (CMYK, converted with its
    /// profile), which the whole-image path reads.
    ///
    /// # Errors
    /// As [`Bands::open`].
    pub(crate) fn open(bytes: &'a [u8], limits: &Limits) -> Result<Option<Self>> {
        // The pages are counted on a decoder of their own: counting walks past the first page.
        let mut counted = Bands::open(bytes, limits)?;
        counted.note_pages();
        let mut bands = Bands::open(bytes, limits)?;
        if bands.samples == Samples::Cmyk {
            return Ok(None);
        }
        bands.notes = std::mem::take(&mut counted.notes);
        Ok(Some(TiffRows {
            width: bands.width,
            height: bands.height,
            deep: bands.deep(),
            orientation: bands.orientation,
            icc: bands.icc.take(),
            notes: std::mem::take(&mut bands.notes),
            bands,
            held8: Vec::new(),
            held16: Vec::new(),
            chunk8: Vec::new(),
            chunk16: Vec::new(),
            wide: Vec::new(),
        }))
    }

    /// Whether the stored pixels are gray and whether they carry alpha.
    pub(crate) fn layout(&self) -> (bool, bool) {
        match self.bands.samples {
            Samples::Gray => (true, false),
            Samples::GrayAlpha { .. } => (true, true),
            Samples::Rgb | Samples::Cmyk => (false, false),
            Samples::Rgba { .. } => (false, true),
        }
    }

    /// Rows a strip or a row of tiles has, and the bytes of one chunk's raw samples.
    pub(crate) fn chunk(&self) -> (u32, u64) {
        (
            self.bands.chunk_height.min(self.height),
            self.bands.chunk_bytes(),
        )
    }

    /// The whole-image reader's peak, for the whole-image estimate.
    pub(crate) fn decode_peak(&self) -> u64 {
        crate::memory::tiff_decode(
            self.width,
            self.height,
            self.deep,
            self.bands.band_pixels(),
            self.bands.chunk_bytes(),
        )
    }

    /// The next `rows` rows (fewer at the end) as RGBA8 in `out` (16-bit samples rounded to the
    /// nearest 8-bit value, as the whole-image path narrows them); the number of rows read.
    ///
    /// # Errors
    /// As [`Bands::next_band`].
    pub(crate) fn read(&mut self, rows: usize, out: &mut Vec<u8>) -> Result<usize> {
        if !self.deep {
            return self.take8(rows, out);
        }
        let mut wide = std::mem::take(&mut self.wide);
        let n = self.read16(rows, &mut wide)?;
        out.clear();
        out.extend(wide.iter().map(|&v| crate::pixels::to_u8(v)));
        self.wide = wide;
        Ok(n)
    }

    fn take8(&mut self, rows: usize, out: &mut Vec<u8>) -> Result<usize> {
        let row = self.width as usize * 4;
        while self.held8.len() < rows * row && self.bands.next_band(&mut self.chunk8)?.is_some() {
            self.held8.extend_from_slice(&self.chunk8);
        }
        Ok(take(&mut self.held8, rows, row, out))
    }

    /// The next `rows` rows as RGBA16; for 16-bit files only.
    ///
    /// # Errors
    /// As [`Bands::next_band`].
    pub(crate) fn read16(&mut self, rows: usize, out: &mut Vec<u16>) -> Result<usize> {
        let row = self.width as usize * 4;
        while self.held16.len() < rows * row && self.bands.next_band(&mut self.chunk16)?.is_some() {
            self.held16.extend_from_slice(&self.chunk16);
        }
        Ok(take(&mut self.held16, rows, row, out))
    }

    /// The next `rows` rows in the stored layout ([`TiffRows::layout`]), 16 bits a sample
    /// big-endian as a PNG holds them; for 16-bit files only.
    ///
    /// # Errors
    /// As [`Bands::next_band`].
    pub(crate) fn read_packed(&mut self, rows: usize, out: &mut Vec<u8>) -> Result<usize> {
        let mut wide = std::mem::take(&mut self.wide);
        let n = self.read16(rows, &mut wide)?;
        let keep: &[usize] = match self.layout() {
            (true, false) => &[0],
            (true, true) => &[0, 3],
            (false, false) => &[0, 1, 2],
            (false, true) => &[0, 1, 2, 3],
        };
        out.clear();
        for p in wide.chunks_exact(4) {
            for &c in keep {
                out.extend(p[c].to_be_bytes());
            }
        }
        self.wide = wide;
        Ok(n)
    }
}

/// Moves up to `rows` whole rows of `row` samples from the front of `held` into `out`.
fn take<T: Copy>(held: &mut Vec<T>, rows: usize, row: usize, out: &mut Vec<T>) -> usize {
    let n = (held.len() / row).min(rows);
    out.clear();
    out.extend(held.drain(..n * row));
    n
}

/// The largest ICC profile kept (display profiles are a few KB, press profiles about 2 MB).
const MAX_ICC_BYTES: u64 = 4 << 20;

/// The InterColorProfile tag's bytes, read straight into one buffer (the crate's value lists cost
/// tens of bytes a byte); a profile over [`MAX_ICC_BYTES`] is dropped with a note.
fn icc_profile(
    decoder: &mut Decoder<Cursor<&[u8]>>,
    notes: &mut Vec<String>,
) -> Result<Option<Vec<u8>>> {
    use tiff::tags::Type;
    let Some(entry) = decoder.image_ifd().find_entry(Tag::IccProfile) else {
        return Ok(None);
    };
    if !matches!(entry.field_type(), Type::UNDEFINED | Type::BYTE) {
        notes.push("the TIFF's ICC profile was dropped: its tag has the wrong type".into());
        return Ok(None);
    }
    if entry.count() > MAX_ICC_BYTES {
        notes.push(format!(
            "the ICC profile was dropped: it is {} bytes, over the {MAX_ICC_BYTES}-byte limit \
             for it",
            entry.count()
        ));
        return Ok(None);
    }
    let mut icc = vec![0; entry.count() as usize];
    let read = decoder
        .image_ifd()
        .find_tag_bytes(Tag::IccProfile, &mut icc, 0)
        .map_err(tiff_error)?;
    icc.truncate(read.unwrap_or(0));
    Ok(Some(icc).filter(|p| !p.is_empty()))
}

/// Sample `index` of the row starting at byte `at`, at `bits` a sample (1–16), as stored (16-bit
/// samples arrive in native byte order from the decoder); 0 past the end.
fn read_sample(raw: &[u8], at: usize, index: usize, bits: u8) -> u16 {
    match bits {
        16 => raw
            .get(at + index * 2..at + index * 2 + 2)
            .map_or(0, |b| u16::from_ne_bytes([b[0], b[1]])),
        8 => raw.get(at + index).map_or(0, |&b| u16::from(b)),
        _ => {
            let bit = index * usize::from(bits);
            let byte = raw.get(at + bit / 8).copied().unwrap_or(0);
            let shift = 8 - usize::from(bits) - bit % 8;
            u16::from(byte >> shift) & ((1 << bits) - 1)
        }
    }
}

/// An RGBA sample type the bands fill: u8 or u16.
pub(crate) trait Sample: Copy + Default {
    const BITS: u32;
    const MAX: Self;
    /// One RGBA pixel from the file's samples (`get(i)` is sample i of the pixel, at `bits`).
    fn fill(px: &mut [Self], samples: Samples, bits: u8, get: impl Fn(usize) -> u16);
    /// CMYK ink amounts in R, G, B, A to RGBA.
    fn cmyk(band: &mut Vec<Self>, icc: Option<&[u8]>) -> Result<()>;
}

/// Un-premultiplies `c` by alpha `a` on a scale of `max`.
fn unassociate(c: u32, a: u32, max: u32) -> u32 {
    (c * max + a / 2).checked_div(a).map_or(0, |v| v.min(max))
}

fn rgba_from(samples: Samples, get: impl Fn(usize) -> u16, max: u32) -> [u32; 4] {
    let g = |i| u32::from(get(i));
    let (rgb, a, associated) = match samples {
        Samples::Gray => ([g(0); 3], max, false),
        Samples::GrayAlpha { associated } => ([g(0); 3], g(1), associated),
        Samples::Rgb => ([g(0), g(1), g(2)], max, false),
        Samples::Rgba { associated } => ([g(0), g(1), g(2)], g(3), associated),
        Samples::Cmyk => return [g(0), g(1), g(2), g(3)],
    };
    let rgb = if associated {
        rgb.map(|c| unassociate(c, a, max))
    } else {
        rgb
    };
    [rgb[0], rgb[1], rgb[2], a]
}

impl Sample for u8 {
    const BITS: u32 = 8;
    const MAX: u8 = u8::MAX;
    fn fill(px: &mut [u8], samples: Samples, bits: u8, get: impl Fn(usize) -> u16) {
        // Low gray depths stretch to the full 8-bit range (a 1-bit 1 is white).
        let scale = |v: u16| -> u16 {
            match bits {
                1 => v * 255,
                2 => v * 85,
                4 => v * 17,
                _ => v,
            }
        };
        let p = rgba_from(samples, |i| scale(get(i)), 255);
        for (d, s) in px.iter_mut().zip(p) {
            *d = s as u8;
        }
    }
    fn cmyk(band: &mut Vec<u8>, icc: Option<&[u8]>) -> Result<()> {
        *band = color::cmyk_to_rgba(band, icc)?;
        Ok(())
    }
}

impl Sample for u16 {
    const BITS: u32 = 16;
    const MAX: u16 = u16::MAX;
    fn fill(px: &mut [u16], samples: Samples, _: u8, get: impl Fn(usize) -> u16) {
        let p = rgba_from(samples, get, 65_535);
        for (d, s) in px.iter_mut().zip(p) {
            *d = s as u16;
        }
    }
    fn cmyk(_: &mut Vec<u16>, _: Option<&[u8]>) -> Result<()> {
        Err(unsupported("16-bit CMYK"))
    }
}

/// Decodes a TIFF's first page; `plan` sees the header before any pixel buffer exists.
pub(super) fn decode(bytes: &[u8], limits: &Limits, plan: super::Plan) -> Result<super::Decoded> {
    let mut bands = Bands::open(bytes, limits)?;
    let deep = bands.deep();
    plan(&super::Header {
        width: bands.width,
        height: bands.height,
        deep,
        decode_peak: crate::memory::tiff_decode(
            bands.width,
            bands.height,
            deep,
            bands.band_pixels(),
            bands.chunk_bytes(),
        ),
    })?;
    let image = bands.read_all()?;
    bands.note_pages();
    // CMYK was converted to sRGB with its profile: the profile no longer describes the pixels.
    let cmyk = bands.samples == Samples::Cmyk;
    let Bands { icc, notes, .. } = bands;
    let icc = icc.filter(|_| !cmyk);
    Ok(super::Decoded {
        image,
        icc,
        exif: None,
        notes,
    })
}

fn unsupported(what: &str) -> Error {
    Error::Unsupported(format!("this TIFF is not read by pixsqueeze: {what}"))
}

fn tiff_error(e: TiffError) -> Error {
    match e {
        TiffError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Decode("the TIFF is truncated (it ends before its data does)".into())
        }
        TiffError::IoError(io) => Error::Decode(format!("could not read the TIFF: {io}")),
        TiffError::FormatError(f) => {
            Error::Decode(format!("the TIFF is damaged or not valid: {f}"))
        }
        TiffError::UnsupportedError(u) => unsupported(&u.to_string()),
        TiffError::LimitsExceeded => {
            Error::LimitExceeded("the TIFF needs more memory than the limits allow".into())
        }
        TiffError::IntSizeError => {
            Error::LimitExceeded("the TIFF's sizes do not fit in this platform's memory".into())
        }
        other => Error::Decode(format!("the TIFF could not be decoded: {other}")),
    }
}
