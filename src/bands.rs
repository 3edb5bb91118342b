//! Images too large to hold whole, compressed a band of rows at a time: the input is decoded a band
//! at a time, each band is encoded as it comes (the PNG writer filters and compresses rows as they
//! arrive; the JPEG encoder transforms, quantises and codes each band at once, after a first pass
//! over the input that only counts each band's symbols for optimal Huffman tables) and measured,
//! and only the input file, the output file and a band or two are ever held.
//!
//! The path is taken for a non-interlaced PNG or (full build) a TIFF read as stored (strips or
//! tiles; not CMYK) to lossless PNG (16-bit samples kept as they are) or to baseline JPEG (16-bit
//! samples rounded to 8, as the whole-image path does; progressive JPEG needs every coefficient
//! for each of its scans), with nothing to search, resize, rotate or convert, when the
//! whole-image job would not fit in `limits.maxMemoryBytes` or the image is over 100 megapixels
//! (the default `maxPixels`: only a caller who raised it gets here). Everything else goes the
//! whole-image way.

use crate::codecs::{admit, Extras, JpegBands, PngBands};
use crate::color::is_rgb_profile;
use crate::decode::PngRows;
use crate::error::{Error, Result};
use crate::exif;
use crate::limits::Limits;
use crate::memory;
use crate::metrics::{mse, mse16, psnr16_from_mse, psnr_from_mse, ratio};
use crate::options::{ColorProfile, Format, Settings};
use crate::pipeline::Compressed;
use crate::pixels::{Image, Rgba16, Rgba8};
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
        || settings.limits.check_input_len(bytes.len()).is_err()
    {
        return Ok(None);
    }
    // A file this cannot read is left to the whole-image path, which says what is wrong with it.
    let Ok(Some(mut rows)) = Source::open(bytes, &settings.limits) else {
        return Ok(None);
    };
    let (width, height, deep) = (rows.width(), rows.height(), rows.deep());
    // The input's rows at their largest in a PNG: RGBA8 for 8-bit input (its layout is chosen
    // from the pixels), the stored layout at 16 bits.
    let png_pixel = if deep { rows.packed_pixel() } else { 4 };
    let converts = rows.icc().is_some() && settings.color_profile == ColorProfile::Srgb;
    let resizes =
        fitted_size(width, height, settings.max_width, settings.max_height) != (width, height);
    if !rows.upright() || converts || resizes {
        return Ok(None);
    }
    let pixels = u64::from(width) * u64::from(height);
    let rows_per_band = match band_rows {
        Some(n) => n.max(1),
        None => {
            let whole = memory::compress(width, height, deep, rows.decode_peak(), settings)
                .saturating_add(bytes.len() as u64);
            if pixels <= BAND_PIXELS && whole <= settings.limits.max_memory_bytes {
                return Ok(None);
            }
            BAND_ROWS
        }
    };
    settings.limits.check_memory(
        memory::bands(width, height, rows_per_band, png_pixel, settings)
            .saturating_add(rows.held_bytes(rows_per_band))
            .saturating_add(bytes.len() as u64),
        &format!(
            "compressing this {width} x {height} image to {} in bands",
            settings.format.meta().label
        ),
    )?;
    // The output is one buffer: on wasm32 one buffer cannot pass 2 GiB.
    settings.limits.check_buffer(
        memory::band_file(width, height, png_pixel, settings),
        &format!("compressing this {width} x {height} image in bands"),
    )?;
    let mut notes = rows.take_notes();
    let icc = rows
        .icc()
        .filter(|icc| settings.color_profile == ColorProfile::Keep && is_rgb_profile(icc))
        .map(<[u8]>::to_vec);
    let exif = match rows.exif() {
        Some(block) if settings.keep_metadata => {
            let mut block = block.to_vec();
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
    let job = Job {
        bytes,
        rows,
        band_rows: rows_per_band,
        extras: &extras,
        settings,
    };
    let encoded = match settings.format {
        Format::Jpeg => jpeg(job)?,
        _ if deep => png16(job)?,
        _ => png(job)?,
    };
    notes.push(format!(
        "the image was compressed in bands of {rows_per_band} rows ({:.0} megapixels is more \
         than a job holds whole): {}; SSIMULACRA2 needs the whole image at once, so it has \
         no score",
        pixels as f64 / 1e6,
        encoded.how
    ));
    Ok(Some(Compressed {
        mime_type: crate::pipeline::still_mime_type(settings.format),
        width,
        height,
        original_bytes: bytes.len(),
        compressed_bytes: encoded.data.len(),
        ratio: ratio(bytes.len(), encoded.data.len()),
        mse: encoded.mse,
        psnr: psnr_from_mse(encoded.mse),
        mse16: encoded.mse16,
        psnr16: encoded.mse16.map(psnr16_from_mse),
        ssimulacra2: None,
        data: encoded.data,
        settings: settings.clone(),
        search: None,
        notes,
        frames: 1,
    }))
}

/// Where a job in bands reads its rows: a PNG row by row, or (full build) a TIFF a strip or a row
/// of tiles at a time.
enum Source<'a> {
    Png(PngRows<'a>),
    #[cfg(feature = "full")]
    Tiff(crate::decode::tiff::TiffRows<'a>),
}

impl<'a> Source<'a> {
    /// `None` when `bytes` is not a file this can read in bands (see the module docs).
    fn open(bytes: &'a [u8], limits: &Limits) -> Result<Option<Self>> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Ok(PngRows::open(bytes, limits)?.map(Source::Png));
        }
        #[cfg(feature = "full")]
        if [b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"]
            .iter()
            .any(|magic| bytes.starts_with(*magic))
        {
            return Ok(crate::decode::tiff::TiffRows::open(bytes, limits)?.map(Source::Tiff));
        }
        Ok(None)
    }

    fn width(&self) -> u32 {
        match self {
            Source::Png(r) => r.width,
            #[cfg(feature = "full")]
            Source::Tiff(r) => r.width,
        }
    }

    fn height(&self) -> u32 {
        match self {
            Source::Png(r) => r.height,
            #[cfg(feature = "full")]
            Source::Tiff(r) => r.height,
        }
    }

    /// 16 bits a sample.
    fn deep(&self) -> bool {
        match self {
            Source::Png(r) => r.deep,
            #[cfg(feature = "full")]
            Source::Tiff(r) => r.deep,
        }
    }

    /// Whether the stored pixels are gray and whether they carry alpha.
    fn layout(&self) -> (bool, bool) {
        match self {
            Source::Png(r) => r.layout(),
            #[cfg(feature = "full")]
            Source::Tiff(r) => r.layout(),
        }
    }

    /// Bytes a pixel of [`Source::read_packed`]'s rows.
    fn packed_pixel(&self) -> usize {
        let (gray, alpha) = self.layout();
        let samples = if gray { 1 } else { 3 } + usize::from(alpha);
        samples * if self.deep() { 2 } else { 1 }
    }

    /// Whether the pixels are stored upright (no orientation to apply).
    fn upright(&self) -> bool {
        match self {
            Source::Png(r) => r
                .exif
                .as_deref()
                .and_then(exif::orientation)
                .is_none_or(|o| o == 1),
            #[cfg(feature = "full")]
            Source::Tiff(r) => r.orientation == 1,
        }
    }

    fn icc(&self) -> Option<&[u8]> {
        match self {
            Source::Png(r) => r.icc.as_deref(),
            #[cfg(feature = "full")]
            Source::Tiff(r) => r.icc.as_deref(),
        }
    }

    fn exif(&self) -> Option<&[u8]> {
        match self {
            Source::Png(r) => r.exif.as_deref(),
            #[cfg(feature = "full")]
            Source::Tiff(_) => None,
        }
    }

    fn take_notes(&mut self) -> Vec<String> {
        match self {
            Source::Png(r) => std::mem::take(&mut r.notes),
            #[cfg(feature = "full")]
            Source::Tiff(r) => std::mem::take(&mut r.notes),
        }
    }

    /// The whole-image decoder's peak, for the whole-image estimate (0: the compress estimate
    /// covers it).
    fn decode_peak(&self) -> u64 {
        match self {
            Source::Png(_) => 0,
            #[cfg(feature = "full")]
            Source::Tiff(r) => r.decode_peak(),
        }
    }

    /// What the reader holds beyond what [`memory::bands`] counts, in bands of `band_rows` rows.
    #[cfg_attr(not(feature = "full"), allow(unused_variables))]
    fn held_bytes(&self, band_rows: usize) -> u64 {
        match self {
            Source::Png(_) => 0,
            #[cfg(feature = "full")]
            Source::Tiff(r) => {
                let (chunk_rows, chunk) = r.chunk();
                memory::tiff_bands(r.width, r.deep, band_rows, chunk_rows, chunk)
            }
        }
    }

    /// The next `rows` rows (fewer at the end) as RGBA8 in `out` (16-bit samples rounded); the
    /// number of rows read.
    fn read(&mut self, rows: usize, out: &mut Vec<u8>) -> Result<usize> {
        match self {
            Source::Png(r) => r.read(rows, out),
            #[cfg(feature = "full")]
            Source::Tiff(r) => r.read(rows, out),
        }
    }

    /// As [`Source::read`], as RGBA16; for 16-bit input only.
    fn read16(&mut self, rows: usize, out: &mut Vec<u16>) -> Result<usize> {
        match self {
            Source::Png(r) => r.read16(rows, out),
            #[cfg(feature = "full")]
            Source::Tiff(r) => r.read16(rows, out),
        }
    }

    /// As [`Source::read`], in the stored layout ([`Source::layout`]), 16-bit samples big-endian
    /// as a PNG holds them; for 16-bit input only.
    fn read_packed(&mut self, rows: usize, out: &mut Vec<u8>) -> Result<usize> {
        match self {
            Source::Png(r) => r.read_packed(rows, out),
            #[cfg(feature = "full")]
            Source::Tiff(r) => r.read_packed(rows, out),
        }
    }
}

/// Whether every pixel is opaque and whether every pixel is gray: one pass over the rows, so
/// that the PNG keeps the smallest of the 8-bit layouts, as the whole-image encoder does.
fn scan(bytes: &[u8], limits: &Limits, band_rows: usize) -> Result<(bool, bool)> {
    let mut rows = Source::open(bytes, limits)?.ok_or_else(streaming_lost)?;
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
    Error::Decode("the image could not be read again a band at a time".into())
}

/// A job in bands: the file, its rows (the header read), the rows a band has and what to write.
struct Job<'a> {
    bytes: &'a [u8],
    rows: Source<'a>,
    band_rows: usize,
    extras: &'a Extras<'a>,
    settings: &'a Settings,
}

/// The output file, its MSE against the input (8-bit scale, and 16-bit for 16-bit input) and how
/// it was made and measured (for the note).
struct Encoded {
    data: Vec<u8>,
    mse: f64,
    mse16: Option<f64>,
    how: String,
}

/// Lossless PNG in bands, then checked: the output and the input are decoded again side by side, a
/// band at a time, and must hold the same RGBA in every row (MSE 0), or the job fails.
fn png(job: Job) -> Result<Encoded> {
    let (bytes, mut rows, band_rows) = (job.bytes, job.rows, job.band_rows);
    let (extras, settings) = (job.extras, job.settings);
    let (stored_gray, stored_alpha) = rows.layout();
    let (gray, alpha) = if stored_gray && !stored_alpha {
        (true, false)
    } else {
        scan(bytes, &settings.limits, band_rows)?
    };
    let (width, height) = (rows.width(), rows.height());
    let mut encoder = PngBands::new(width, height, gray, alpha, extras.icc, settings);
    let mut band = Vec::new();
    while rows.read(band_rows, &mut band)? > 0 {
        encoder.band(&band);
    }
    // The check reads the input again: this reader's buffers go first.
    drop(rows);
    let data = encoder.finish();
    check(bytes, &data, band_rows, &settings.limits, |r, n, out| {
        r.read(n, out)
    })?;
    Ok(Encoded {
        data,
        mse: 0.0,
        mse16: None,
        how: "the file was decoded again a band at a time and matches the input pixel for pixel"
            .into(),
    })
}

/// Lossless PNG of 16-bit input in bands: the rows in their stored layout (gray or colour, alpha
/// or not, 16 bits a sample) are written as they come, then checked as [`png`] checks them,
/// sample for sample.
fn png16(job: Job) -> Result<Encoded> {
    let (bytes, mut rows, band_rows) = (job.bytes, job.rows, job.band_rows);
    let (width, height, layout) = (rows.width(), rows.height(), rows.layout());
    let mut encoder = PngBands::with_depth(width, height, layout, 16, job.extras.icc, job.settings);
    let mut band = Vec::new();
    while rows.read_packed(band_rows, &mut band)? > 0 {
        encoder.packed(&band);
    }
    drop(rows);
    let data = encoder.finish();
    check(
        bytes,
        &data,
        band_rows,
        &job.settings.limits,
        |r, n, out| r.read_packed(n, out),
    )?;
    Ok(Encoded {
        data,
        mse: 0.0,
        mse16: Some(0.0),
        how: "16 bits a sample were kept, and the file was decoded again a band at a time and \
              matches the input sample for sample"
            .into(),
    })
}

/// The PNG written in bands (`data`) and the input (`bytes`) decoded again side by side, a band
/// at a time by `read`: they must hold the same rows, or the job fails.
fn check(
    bytes: &[u8],
    data: &[u8],
    band_rows: usize,
    limits: &Limits,
    read: fn(&mut Source, usize, &mut Vec<u8>) -> Result<usize>,
) -> Result<()> {
    let mut original = Source::open(bytes, limits)?.ok_or_else(streaming_lost)?;
    // Limits do not bound our own output: it has the input's dimensions, already admitted.
    let unbounded = Limits {
        max_width: u32::MAX,
        max_height: u32::MAX,
        max_pixels: u64::MAX,
        ..*limits
    };
    let mut result = PngRows::open(data, &unbounded)?
        .map(Source::Png)
        .ok_or_else(|| Error::Encode("the PNG written in bands is not readable".into()))?;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    loop {
        let n = read(&mut original, band_rows, &mut ours)?;
        let m = read(&mut result, band_rows, &mut theirs)?;
        if n != m || ours != theirs {
            return Err(Error::Encode(
                "the PNG written in bands does not hold the input's pixels (a bug: please \
                 report it)"
                    .into(),
            ));
        }
        if n == 0 {
            return Ok(());
        }
    }
}

/// Baseline JPEG in bands, measured band by band: each band's stretch of the file is decoded
/// alone and compared with the band it came from (16-bit input on the 16-bit scale too).
fn jpeg(job: Job) -> Result<Encoded> {
    let (mut rows, extras, settings) = (job.rows, job.extras, job.settings);
    let (width, height, deep) = (rows.width(), rows.height(), rows.deep());
    let (stored_gray, stored_alpha) = rows.layout();
    let bg = settings.background;
    let gray = stored_gray && (!stored_alpha || (bg[0] == bg[1] && bg[1] == bg[2]));
    let mut encoder = JpegBands::new(width, height, gray, job.band_rows, extras, settings)?;
    let band_rows = encoder.band_rows();
    let (mut sum, mut sum16) = (0.0, 0.0);
    let mut data = Vec::new();
    let mut wide = Vec::new();
    // RGBA8 rows of the next band in `data` (16-bit input rounded, its samples kept in `wide`).
    let read = |rows: &mut Source, data: &mut Vec<u8>, wide: &mut Vec<u16>| -> Result<usize> {
        if deep {
            let n = rows.read16(band_rows, wide)?;
            data.clear();
            data.extend(wide.iter().map(|&v| crate::pixels::to_u8(v)));
            Ok(n)
        } else {
            rows.read(band_rows, data)
        }
    };
    if encoder.counts_first() {
        // Optimal tables: every band is read and counted first, then the input is read again.
        loop {
            let n = read(&mut rows, &mut data, &mut wide)?;
            if n == 0 {
                break;
            }
            let band = Rgba8::new(width, n as u32, std::mem::take(&mut data))?;
            encoder.count(&band);
            data = band.into_data();
        }
        rows = Source::open(job.bytes, &settings.limits)?.ok_or_else(streaming_lost)?;
    }
    loop {
        let n = read(&mut rows, &mut data, &mut wide)?;
        if n == 0 {
            break;
        }
        let band = Rgba8::new(width, n as u32, std::mem::take(&mut data))?;
        encoder.band(&band)?;
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
        let result = Rgba8::new(width, n as u32, rgba)?;
        sum += mse(&band, &result) * n as f64;
        if deep {
            let original = Rgba16::new(width, n as u32, std::mem::take(&mut wide))?;
            sum16 += mse16(&original, &Image::Rgba8(result)).unwrap_or(0.0) * n as f64;
            wide = original.into_data();
        }
        data = band.into_data();
    }
    let tables = if encoder.counts_first() {
        "optimal Huffman tables (the input was read twice: every band's symbols counted first)"
    } else {
        "the standard Huffman tables"
    };
    let how = format!(
        "baseline with {tables}, a restart marker every {band_rows} rows; {}MSE and PSNR were \
         measured a band at a time, each band's chroma upsampled from its own rows",
        if deep {
            "16-bit samples were rounded to 8 bits, as the whole-image path does; "
        } else {
            ""
        }
    );
    Ok(Encoded {
        data: encoder.finish(),
        mse: sum / f64::from(height),
        mse16: deep.then(|| sum16 / f64::from(height)),
        how,
    })
}
