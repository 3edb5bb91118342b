//! One lossless PNG on several workers without shared memory, as pigz splits a zlib stream:
//!
//! 1. one worker looks at the whole image once ([`PngSplit::plan`]): the layout (the one a
//!    one-worker encode writes) and cuts the rows into bands, [`BANDS_PER_WORKER`] a worker. A
//!    colour image of more than 256 colours has one layout, found by a quick scan, and its filter
//!    strategy is ranked next in parts ([`PngSplit::rank`]): the rows a one-worker encode ranks on
//!    ([`PngSplit::sample`], a few runs of rows) are shared among the workers, each sizes every
//!    strategy's output on its runs, and the least total wins (near ties are sized again on
//!    [`PngSplit::tie_sample`] as one worker does, by the sum of both). Other images (gray, few colours) are
//!    ranked whole in the plan, layouts and strategies, as the one-worker encode ranks them. (The
//!    bands ranking each their own rows instead cost a ranking a band: 15 % more work in all);
//! 2. every band is filtered and compressed ([`PngSplit::band`]) by whichever worker is free,
//!    given the one row before it so that the band's first row is filtered with the pixels above
//!    it. Each band is raw DEFLATE ending on a sync flush (an empty stored block, so it ends on a
//!    byte boundary), the last with the final block; its bytes come wrapped in IDAT chunks, with the
//!    Adler-32 of its input;
//! 3. the parts are concatenated ([`join`]): the first band carries the signature, IHDR and the
//!    zlib header, and the join adds one IDAT with the Adler-32s combined, and IEND.
//!
//! The layout is the one-worker encode's, so the file decodes to the same pixels, and so is the
//! strategy, but for a ranking in parts that sums to another order than the sample compressed as
//! one stream. The cost in bytes is each band starting with an empty 32 KiB window (its first
//! matches cannot reach into the band before), a few bytes of sync flush and 12 bytes a chunk.
//!
//! Only the 8-bit direct layouts (gray, gray and alpha, RGB, RGBA) are split: the palette and
//! low-bit layouts are for images that compress quickly whole, and `plan` leaves those to one
//! worker. Memory per band worker: its band's RGBA rows (4 bytes a pixel), the packed rows (1 to 4
//! bytes a pixel), the compressor's window and parse (about 1 MiB of input and its match cache)
//! and its part of the file.

use std::ops::Range;

use super::deflate::Deflater;
use super::reduce::{self, ColorType, Packed};
use super::write::{self, Filterer, Strategy};
use crate::error::{Error, Result};
use crate::options::{Format, Settings};
use crate::pixels::Image;

/// The strategy code of a plan whose strategy is not decided yet ([`PngSplit::rank`] decides it);
/// a band given it ranks the strategies on its own rows.
const RANKED_PER_BAND: u8 = 8;

/// Bands a worker gets, in all: the pool hands each band to the first worker free, so a band that
/// compresses slower than the rest is evened out by the others'. The 12 MP photo in Chromium over
/// two workers (2026-12-02): with the ranking in parts, two bands a worker were 1.83x one worker's
/// speed (its last bands ended 0.66 s apart), three 1.84x and 1.93x (0.18 and 0.20 s apart).
const BANDS_PER_WORKER: usize = 3;

/// Fewest pixels in each of a worker's bands past its first: every band starts with an empty
/// window and flat prices, which on a small image costs more than the balance gains (the 600 x 400
/// test image in six bands: +1.9 % bytes, in two +0.35 %).
const MIN_BAND_PIXELS: u64 = 1 << 20;

/// Fewest rows a band has: below that, the split's overhead is not worth a worker.
const MIN_BAND_ROWS: usize = 64;

/// How one PNG is cut for a split encode: the layout decided once for the whole image, the
/// filter strategy too or else ranked by each band, and the rows of each band. Rebuilt in every worker from [`PngSplit::code`].
#[derive(Debug, Clone)]
pub struct PngSplit {
    width: u32,
    height: u32,
    color: ColorType,
    /// `None`: each band ranks the effort's strategies on its own rows.
    strategy: Option<Strategy>,
    settings: Settings,
    band_rows: usize,
}

/// One band's part of the file: IDAT chunks (the first band's led by the signature, IHDR and the
/// zlib header), the Adler-32 of the band's filtered rows and how many bytes they are.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PngBand {
    pub data: Vec<u8>,
    pub adler: u32,
    pub length: u64,
}

impl Strategy {
    fn code(self) -> u8 {
        match self {
            Strategy::Fixed(f) => f,
            Strategy::MinSum => 5,
            Strategy::Entropy => 6,
            Strategy::Bigrams => 7,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0..=4 => Strategy::Fixed(code),
            5 => Strategy::MinSum,
            6 => Strategy::Entropy,
            7 => Strategy::Bigrams,
            _ => return None,
        })
    }
}

/// Whether the split applies to these settings at all: plain lossless PNG, nothing to search or
/// resize.
fn splits(settings: &Settings, width: u32, height: u32) -> bool {
    let resizes = settings.max_width.is_some_and(|m| m < width)
        || settings.max_height.is_some_and(|m| m < height);
    settings.format == Format::Png && !settings.searches() && !resizes
}

impl PngSplit {
    /// The plan for `image` over `workers` bands: the layout the one-worker encode would choose,
    /// and its filter strategy when that is ranked whole (see the module's notes). `None` when the settings are not a plain
    /// lossless PNG encode (another format, a search, a resize), the layout is a palette or below
    /// 8 bits, or the image makes fewer than two bands of [`MIN_BAND_ROWS`] rows.
    pub fn plan(image: &Image, settings: &Settings, workers: usize) -> Option<Self> {
        let (width, height) = (image.width(), image.height());
        if !splits(settings, width, height) || band_rows(width, height, workers).is_none() {
            return None;
        }
        if let Some(color) = reduce::sole_direct_layout(image) {
            return Self::new(width, height, settings, workers, color, None);
        }
        let candidates = reduce::candidates(image);
        let (packed, strategy) = write::best_plan(&candidates, settings.effort)?;
        if packed.depth != 8 {
            return None;
        }
        Self::new(
            width,
            height,
            settings,
            workers,
            packed.color,
            Some(strategy),
        )
    }

    /// The plan [`code`](Self::code) describes, rebuilt in a band worker.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a code no plan makes, or settings or a size that do not split.
    pub fn from_code(
        width: u32,
        height: u32,
        settings: &Settings,
        workers: usize,
        code: u32,
    ) -> Result<Self> {
        let bad = || Error::InvalidInput(format!("{code} is not a PNG split plan"));
        let color = match code >> 8 {
            0 => ColorType::Gray,
            2 => ColorType::Rgb,
            4 => ColorType::GrayAlpha,
            6 => ColorType::Rgba,
            _ => return Err(bad()),
        };
        let strategy = match u8::try_from(code & 0xff) {
            Ok(RANKED_PER_BAND) => None,
            Ok(c) => Some(Strategy::from_code(c).ok_or_else(bad)?),
            Err(_) => return Err(bad()),
        };
        Self::new(width, height, settings, workers, color, strategy).ok_or_else(bad)
    }

    fn new(
        width: u32,
        height: u32,
        settings: &Settings,
        workers: usize,
        color: ColorType,
        strategy: Option<Strategy>,
    ) -> Option<Self> {
        if !splits(settings, width, height) || color == ColorType::Indexed {
            return None;
        }
        let mut plan = PngSplit {
            width,
            height,
            color,
            strategy,
            settings: settings.clone(),
            band_rows: band_rows(width, height, workers)?,
        };
        // An effort with one strategy for the layout has nothing to rank.
        plan.strategy = strategy.or_else(|| write::sole_strategy(&plan.layout(0), settings.effort));
        Some(plan)
    }

    /// The layout and strategy as one number (colour type << 8 | strategy, or 8 when the bands
    /// rank it), for the band workers.
    pub fn code(&self) -> u32 {
        let strategy = self.strategy.map_or(RANKED_PER_BAND, Strategy::code);
        (self.color as u32) << 8 | u32::from(strategy)
    }

    pub fn bands(&self) -> usize {
        (self.height as usize).div_ceil(self.band_rows)
    }

    /// The pixel rows of band `index`.
    pub fn rows(&self, index: usize) -> Range<usize> {
        let h = self.height as usize;
        (index * self.band_rows).min(h)..((index + 1) * self.band_rows).min(h)
    }

    /// How near the least total of the [`sample`](Self::sample) a strategy's must come (within
    /// 1/`NEAR_TIE` of it) for the [`tie_sample`](Self::tie_sample) to decide between them.
    pub const NEAR_TIE: u64 = write::NEAR_TIE;
    /// The least total of the sample's best strategy for its near ties to be decided again.
    pub const TIE_MIN_BYTES: u64 = write::TIE_MIN_BYTES;

    /// The rows this plan's strategies are ranked on, as a one-worker encode ranks them, for
    /// [`rank`](Self::rank); none when the plan's strategy is decided already.
    pub fn sample(&self) -> Vec<Range<usize>> {
        if self.strategy.is_some() {
            return Vec::new();
        }
        write::sample_rows(self.width, self.height, self.settings.effort).0
    }

    /// The rows that decide near ties of the [`sample`](Self::sample)'s ranking, as a one-worker
    /// encode decides them: strategies within 1/[`NEAR_TIE`](Self::NEAR_TIE) of the least total,
    /// when that is at least [`TIE_MIN_BYTES`](Self::TIE_MIN_BYTES), are ranked again on these
    /// rows, by the sum of both; none when the strategy is decided already or the sample is the
    /// whole image.
    pub fn tie_sample(&self) -> Vec<Range<usize>> {
        if self.strategy.is_some() {
            return Vec::new();
        }
        write::sample_rows(self.width, self.height, self.settings.effort).1
    }

    /// A part of the ranking of a plan whose strategy is not decided: how small `chunks` (rows of
    /// the [`sample`](Self::sample)) compress at the ranking level filtered with each of the
    /// effort's strategies, as `(strategy code, bytes)`, from their RGBA8 rows in order, each chunk
    /// led by the row above it (none for a chunk from row 0). The workers rank parts of the sample
    /// side by side; the strategy of the smallest total, in the plan's [`code`](Self::code) (`code &
    /// !0xff | strategy`), is the one every band then filters with, as one worker would have.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for chunks outside the image or rows that are not theirs.
    pub fn rank(&self, rgba: &[u8], chunks: &[Range<usize>]) -> Result<Vec<(u8, u64)>> {
        let h = self.height as usize;
        let row_rgba = self.width as usize * 4;
        let rows: usize = chunks
            .iter()
            .map(|c| c.len() + usize::from(c.start > 0))
            .sum();
        if chunks.iter().any(|c| c.is_empty() || c.end > h) || rgba.len() != rows * row_rgba {
            return Err(Error::InvalidInput(format!(
                "a PNG split's ranking takes rows of {h} in order, each run led by the row above \
                 it, {row_rgba} RGBA bytes a row: got {} bytes for {chunks:?}",
                rgba.len()
            )));
        }
        // The runs as rows of `packed`, past the row above each.
        let mut local = Vec::with_capacity(chunks.len());
        let mut at = 0;
        for c in chunks {
            at += usize::from(c.start > 0);
            local.push(at..at + c.len());
            at += c.len();
        }
        let mut packed = self.layout(rows);
        packed.data = self.pack(rgba);
        let ranked = write::strategies(&packed, self.settings.effort)
            .into_iter()
            .map(|s| (s.code(), write::ranking_size(&packed, s, &local) as u64))
            .collect();
        Ok(ranked)
    }

    fn layout(&self, rows: usize) -> Packed {
        Packed {
            width: self.width,
            height: u32::try_from(rows).unwrap_or(u32::MAX),
            color: self.color,
            depth: 8,
            palette: Vec::new(),
            trns: Vec::new(),
            data: Vec::new(),
        }
    }

    /// RGBA8 rows packed in the plan's layout.
    fn pack(&self, rgba: &[u8]) -> Vec<u8> {
        let take: &[usize] = match self.color {
            ColorType::Gray => &[0],
            ColorType::GrayAlpha => &[0, 3],
            ColorType::Rgb => &[0, 1, 2],
            _ => &[0, 1, 2, 3],
        };
        let mut out = Vec::with_capacity(rgba.len() / 4 * take.len());
        for p in rgba.chunks_exact(4) {
            out.extend(take.iter().map(|&c| p[c]));
        }
        out
    }

    /// Band `index` of the file from its RGBA8 rows (`rgba`) and, for every band but the first,
    /// the RGBA8 row just before it (`prev`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an index out of range or rows that are not the band's.
    pub fn band(&self, index: usize, rgba: &[u8], prev: Option<&[u8]>) -> Result<PngBand> {
        let rows = self.rows(index);
        let row_rgba = self.width as usize * 4;
        if index >= self.bands() || rgba.len() != rows.len() * row_rgba {
            return Err(Error::InvalidInput(format!(
                "band {index} of a PNG split over {} bands is {} RGBA rows of {} bytes, got {} bytes",
                self.bands(),
                rows.len(),
                row_rgba,
                rgba.len()
            )));
        }
        let prev = match (index, prev) {
            (0, _) => None,
            (_, Some(p)) if p.len() == row_rgba => Some(self.pack(p)),
            _ => {
                return Err(Error::InvalidInput(format!(
                    "band {index} of a PNG split needs the {row_rgba}-byte RGBA row before it"
                )))
            }
        };
        let mut layout = self.layout(rows.len());
        let row_len = layout.row_bytes();
        let bpp = layout.bits_per_pixel().div_ceil(8).max(1);
        layout.data = self.pack(rgba);
        let strategy = self
            .strategy
            .unwrap_or_else(|| write::best_strategy(&layout, self.settings.effort));
        let packed = layout.data;
        let mut filterer = Filterer::new(row_len, bpp);
        let mut deflater = Deflater::band(write::deflate_level(self.settings.effort));
        let zero = vec![0u8; row_len];
        let mut above: &[u8] = prev.as_deref().unwrap_or(&zero);
        for row in packed.chunks_exact(row_len) {
            deflater.write(filterer.row(row, above, strategy));
            above = row;
        }
        let last = index + 1 == self.bands();
        let (mut stream, adler) = deflater.finish_band(last);
        let mut data = Vec::with_capacity(stream.len() + 64);
        if index == 0 {
            let mut head = self.layout(self.height as usize);
            head.height = self.height;
            write::head(&mut data, &head, None);
            // The zlib header of Deflater::new at this level.
            let flags = write::deflate_level(self.settings.effort).flags();
            stream.splice(0..0, [0x78, flags]);
        }
        for part in stream.chunks(write::IDAT_CHUNK) {
            write::chunk(&mut data, b"IDAT", part);
        }
        Ok(PngBand {
            data,
            adler,
            length: (rows.len() * (row_len + 1)) as u64,
        })
    }
}

/// Rows a band has: [`BANDS_PER_WORKER`] bands a worker, as far as they hold [`MIN_BAND_PIXELS`]
/// each, and at least one a worker, as far as they hold [`MIN_BAND_ROWS`] each; `None` for one
/// worker or fewer than two bands.
fn band_rows(width: u32, height: u32, workers: usize) -> Option<usize> {
    let h = height as usize;
    let by_pixels = usize::try_from(u64::from(width) * u64::from(height) / MIN_BAND_PIXELS)
        .unwrap_or(usize::MAX);
    let bands = workers
        .saturating_mul(BANDS_PER_WORKER)
        .min(by_pixels)
        .max(workers)
        .min(h / MIN_BAND_ROWS);
    (workers >= 2 && bands >= 2).then(|| h.div_ceil(bands))
}

/// Adler-32 of A followed by B, from the Adler-32s of A and B and B's length (zlib's
/// `adler32_combine` arithmetic).
pub fn adler32_combine(a: u32, b: u32, len_b: u64) -> u32 {
    const BASE: u64 = 65_521;
    let rem = len_b % BASE;
    let (a1, a2) = (u64::from(a & 0xffff), u64::from(a >> 16));
    let (b1, b2) = (u64::from(b & 0xffff), u64::from(b >> 16));
    let sum1 = (a1 + b1 + BASE - 1) % BASE;
    let sum2 = (rem * a1 % BASE + a2 + b2 + BASE - rem) % BASE;
    (sum2 << 16 | sum1) as u32
}

/// The file from its bands' parts, in order: their chunks, an IDAT with the combined Adler-32,
/// IEND.
pub fn join(parts: &[PngBand]) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.data.len()).sum::<usize>() + 28);
    let mut adler = 1;
    for p in parts {
        out.extend_from_slice(&p.data);
        adler = adler32_combine(adler, p.adler, p.length);
    }
    write::chunk(&mut out, b"IDAT", &adler.to_be_bytes());
    write::chunk(&mut out, b"IEND", &[]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Effort;
    use crate::pixels::Rgba8;

    fn adler(data: &[u8]) -> u32 {
        let (mut a, mut b) = (1u32, 0u32);
        for &x in data {
            a = (a + u32::from(x)) % 65_521;
            b = (b + a) % 65_521;
        }
        b << 16 | a
    }

    #[test]
    fn adler_combine_matches_the_whole() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7919 % 251) as u8).collect();
        for cut in [0, 1, 5552, 65_521, 100_000, 200_000] {
            let (x, y) = data.split_at(cut);
            assert_eq!(
                adler32_combine(adler(x), adler(y), y.len() as u64),
                adler(&data)
            );
        }
    }

    fn photo_like(w: u32, h: u32, alpha: bool) -> Rgba8 {
        let mut next = crate::test_rng::xorshift32(0x2545_f491_u32);
        let mut data = Vec::with_capacity((w * h * 4) as usize);
        for y in 0..h {
            for x in 0..w {
                let n = (next() & 7) as u8;
                let a = if alpha { (x * 255 / w) as u8 } else { 255 };
                data.extend([(x / 3) as u8 + n, (y / 2) as u8 + n, ((x + y) / 5) as u8, a]);
            }
        }
        Rgba8::new(w, h, data).unwrap()
    }

    /// The plan's code with its strategy decided as js/pool.js decides it: the sample's runs
    /// shared among `workers` parts, each led by the row above it, ranked apart, the sizes summed;
    /// near ties again over the tie sample, by the sum of both.
    fn ranked_code(plan: &PngSplit, image: &Rgba8, workers: usize) -> u32 {
        let runs = plan.sample();
        if runs.is_empty() {
            return plan.code();
        }
        let totals = |runs: &[Range<usize>]| {
            let row = image.width() as usize * 4;
            let n = workers.min(runs.len());
            let mut totals: Vec<(u8, u64)> = Vec::new();
            for k in 0..n {
                let mine = &runs[k * runs.len() / n..(k + 1) * runs.len() / n];
                let rgba: Vec<u8> = mine
                    .iter()
                    .flat_map(|r| &image.data()[r.start.saturating_sub(1) * row..r.end * row])
                    .copied()
                    .collect();
                for (i, (strategy, bytes)) in
                    plan.rank(&rgba, mine).unwrap().into_iter().enumerate()
                {
                    match totals.get_mut(i) {
                        Some(t) => t.1 += bytes,
                        None => totals.push((strategy, bytes)),
                    }
                }
            }
            totals
        };
        let first = totals(&runs);
        let least = first.iter().map(|t| t.1).min().unwrap();
        let near: Vec<usize> = (0..first.len())
            .filter(|&i| first[i].1 <= least + least / PngSplit::NEAR_TIE)
            .collect();
        let ties = plan.tie_sample();
        let mut sizes: Vec<(u8, u64)> = first.clone();
        if near.len() > 1 && least >= PngSplit::TIE_MIN_BYTES && !ties.is_empty() {
            let second = totals(&ties);
            sizes = near
                .iter()
                .map(|&i| (first[i].0, first[i].1 + second[i].1))
                .collect();
        }
        let best = sizes.iter().min_by_key(|t| t.1).unwrap().0;
        plan.code() & !0xff | u32::from(best)
    }

    fn split_encode(image: &Rgba8, settings: &Settings, workers: usize) -> Vec<u8> {
        let plan = PngSplit::plan(&Image::Rgba8(image.clone()), settings, workers).expect("splits");
        let plan = PngSplit::from_code(
            image.width(),
            image.height(),
            settings,
            workers,
            ranked_code(&plan, image, workers),
        )
        .unwrap();
        assert!(
            plan.sample().is_empty(),
            "the bands take a decided strategy"
        );
        let row = image.width() as usize * 4;
        let parts: Vec<PngBand> = (0..plan.bands())
            .map(|k| {
                let r = plan.rows(k);
                let prev = r
                    .start
                    .checked_sub(1)
                    .map(|y| &image.data()[y * row..][..row]);
                plan.band(k, &image.data()[r.start * row..r.end * row], prev)
                    .unwrap()
            })
            .collect();
        join(&parts)
    }

    fn decode(png_bytes: &[u8]) -> (png::ColorType, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info.color_type, buf)
    }

    #[test]
    fn a_split_decodes_to_the_one_worker_pixels_at_a_small_cost() {
        for (alpha, effort) in [
            (false, Effort::Default),
            (true, Effort::Fast),
            (false, Effort::Max),
        ] {
            let image = photo_like(300, 400, alpha);
            let mut settings = crate::Options::new(Format::Png).resolve().unwrap();
            settings.effort = effort;
            let whole =
                super::super::encode(&Image::Rgba8(image.clone()), &Default::default(), &settings)
                    .unwrap();
            for workers in [2, 3, 6] {
                let split = split_encode(&image, &settings, workers);
                assert_eq!(decode(&split), decode(&whole), "{workers} workers");
                let ours = crate::decode(&split, &crate::Limits::default()).unwrap();
                assert_eq!(ours.data(), image.data());
                let cost = split.len() as f64 / whole.len() as f64 - 1.0;
                println!(
                    "{effort:?} alpha {alpha} {workers} workers: {} vs {} bytes, {:+.3} %",
                    split.len(),
                    whole.len(),
                    cost * 100.0
                );
            }
        }
    }

    #[test]
    fn small_images_palettes_and_other_formats_do_not_split() {
        let mut settings = crate::Options::new(Format::Png).resolve().unwrap();
        let plan =
            |image: Rgba8, settings: &Settings| PngSplit::plan(&Image::Rgba8(image), settings, 2);
        assert!(plan(photo_like(300, 100, false), &settings).is_none());
        // Four colours in noise: a palette.
        let mut seed = 7u32;
        let few: Vec<u8> = (0..64 * 300)
            .flat_map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                [
                    [0, 0, 0, 255],
                    [255, 0, 0, 255],
                    [0, 90, 255, 255],
                    [9, 9, 9, 255],
                ][(seed >> 16) as usize & 3]
            })
            .collect();
        assert!(plan(Rgba8::new(64, 300, few).unwrap(), &settings).is_none());
        assert!(plan(photo_like(64, 300, false), &settings).is_some());
        settings.format = Format::Jpeg;
        assert!(plan(photo_like(64, 300, false), &settings).is_none());
    }

    #[test]
    fn colour_photos_rank_strategies_in_parts_and_others_whole() {
        let mut settings = crate::Options::new(Format::Png).resolve().unwrap();
        let code = |image: Rgba8, settings: &Settings| {
            PngSplit::plan(&Image::Rgba8(image), settings, 2).map(|p| p.code())
        };
        assert_eq!(
            code(photo_like(64, 300, false), &settings),
            Some(2 << 8 | 8)
        );
        assert_eq!(code(photo_like(64, 300, true), &settings), Some(6 << 8 | 8));
        // Gray: a palette and gray are ranked whole, with the strategies.
        let gray: Vec<u8> = photo_like(64, 300, false)
            .data()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[0], p[0], 255])
            .collect();
        let gray = code(Rgba8::new(64, 300, gray).unwrap(), &settings);
        assert!(
            gray.is_none_or(|c| c >> 8 == 0 && c & 0xff != 8),
            "{gray:?}"
        );
        // Fast effort has one strategy: nothing to rank.
        settings.effort = Effort::Fast;
        assert_eq!(
            code(photo_like(64, 300, false), &settings),
            Some(2 << 8 | 5)
        );
    }

    /// The ranking shared among workers picks what one worker's ranking of the same sample picks
    /// (the split then filters as one worker does), here for each strategy winning in turn.
    #[test]
    fn a_ranking_in_parts_picks_the_one_worker_strategy() {
        for (effort, w, h) in [(Effort::Default, 600, 400), (Effort::Max, 400, 300)] {
            let mut settings = crate::Options::new(Format::Png).resolve().unwrap();
            settings.effort = effort;
            let image = photo_like(w, h, false);
            let whole = Image::Rgba8(image.clone());
            let candidates = reduce::candidates(&whole);
            let (packed, strategy) = write::best_plan(&candidates, effort).unwrap();
            assert_eq!(packed.color, ColorType::Rgb);
            let plan = PngSplit::plan(&whole, &settings, 2).unwrap();
            assert_eq!(plan.sample().len(), 8, "{effort:?}");
            for workers in [2, 3, 8] {
                let code = ranked_code(&plan, &image, workers);
                assert_eq!(
                    code,
                    2 << 8 | u32::from(strategy.code()),
                    "{effort:?} {workers}"
                );
            }
        }
    }

    #[test]
    fn rankings_refuse_wrong_rows() {
        let image = photo_like(600, 400, false);
        let settings = crate::Options::new(Format::Png).resolve().unwrap();
        let plan = PngSplit::plan(&Image::Rgba8(image.clone()), &settings, 2).unwrap();
        let row = 600 * 4;
        let rows = |runs: &[Range<usize>]| -> Vec<u8> {
            runs.iter()
                .flat_map(|r| &image.data()[r.start * row..r.end * row])
                .copied()
                .collect()
        };
        let ranked = plan.rank(&rows(&[0..10, 99..110]), &[0..10, 100..110]);
        assert_eq!(ranked.unwrap().len(), 3);
        // No row above the second run, an empty run, a run past the image.
        assert!(plan
            .rank(&rows(&[0..10, 100..110]), &[0..10, 100..110])
            .is_err());
        assert!(plan.rank(&rows(&[0..10, 4..5]), &[0..10, 5..5]).is_err());
        assert!(plan
            .rank(&rows(&[0..10, 399..400]), &[0..10, 400..401])
            .is_err());
    }

    #[test]
    fn bands_refuse_wrong_rows() {
        let image = photo_like(100, 200, false);
        let settings = crate::Options::new(Format::Png).resolve().unwrap();
        let plan = PngSplit::plan(&Image::Rgba8(image.clone()), &settings, 2).unwrap();
        assert!(plan.band(1, &image.data()[..400 * 100], None).is_err());
        assert!(plan.band(2, &[], None).is_err());
        assert!(plan.band(0, &image.data()[..10], None).is_err());
        assert!(PngSplit::from_code(100, 200, &settings, 2, 3 << 8).is_err());
    }
}
