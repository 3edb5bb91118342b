//! One JPEG on several workers without shared memory. The image is cut into bands of whole MCU rows,
//! and the scan into restart intervals that end where the bands do, so each band codes on its own:
//!
//! 1. every worker quantises its band ([`JpegSplit::quantise`]) and counts its symbols;
//! 2. the counts are added up ([`SymbolCounts::add`]): the optimal Huffman tables of the whole
//!    image, the same in every worker;
//! 3. every worker codes its band's coefficients with those tables ([`JpegSplit::write`]); the first
//!    band also writes the headers, the last the end marker, and the parts are simply concatenated.
//!
//! A band's coefficients stay where they were made, between the steps ([`JpegBand`] is held by the
//! worker that quantised it, which then writes it): only the counts travel, a few KB. The file is
//! exactly what one worker writes for the whole image with the same restart interval, and decodes to
//! exactly the same pixels as the file without restarts; the restarts cost a few bytes each (a marker,
//! padding to a byte, a DC value coded afresh).

use super::huffman::HuffTable;
use super::planes::Layout;
use super::scans::{self, Coefficients, Counter, Writer};
use super::{is_gray, layout_for, quantise, sequential_tables, side_u16, tables, write_headers};
use super::{write_sequential_start, Extras};
use crate::error::{Error, Result};
use crate::options::{Format, Settings};
use crate::pixels::Rgba8;

/// Band heights are multiples of this many rows: the tallest MCU (4:2:0), so any sampling fits.
pub const BAND_ALIGN: usize = 16;

/// The most MCUs a restart interval holds (DRI stores the count in 16 bits).
const MAX_INTERVAL: usize = 65_535;

/// How an image is cut for a split encode, from its size and the settings alone (so every worker
/// derives the same plan).
#[derive(Debug, Clone)]
pub struct JpegSplit {
    layout: Layout,
    settings: Settings,
    /// Pixel rows per band (the last may be shorter).
    band_rows: usize,
    /// MCU rows per restart interval: a divisor of a band's MCU rows.
    interval_rows: usize,
}

/// One band after [`JpegSplit::quantise`]: its counts go to be added up; the band itself is kept
/// until [`JpegSplit::write`] codes it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JpegBand {
    /// The quantised blocks, one grid per component (2 bytes a sample).
    blocks: Coefficients,
    /// The band's symbol counts for the optimal tables.
    pub counts: SymbolCounts,
    /// Whether every pixel of the band is a shade of gray: when every band is, the image is written
    /// with one component, as a one-worker encode writes it (plan again with `gray`).
    pub gray: bool,
}

/// Symbol counts of the four Huffman tables (luma DC, luma AC, chroma DC, chroma AC), 256 each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymbolCounts(pub [[u32; 256]; 4]);

impl SymbolCounts {
    /// Adds another band's counts.
    pub fn add(&mut self, other: &SymbolCounts) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            for (x, y) in a.iter_mut().zip(b) {
                *x = x.saturating_add(*y);
            }
        }
    }

    /// Zero counts, to add bands' counts to.
    pub fn zero() -> Self {
        SymbolCounts([[0; 256]; 4])
    }

    /// The counts as 1024 numbers, table by table (for passing between workers).
    pub fn to_vec(&self) -> Vec<u32> {
        self.0.iter().flatten().copied().collect()
    }

    /// The inverse of [`to_vec`](Self::to_vec).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] unless there are exactly 1024 counts.
    pub fn from_slice(v: &[u32]) -> Result<Self> {
        if v.len() != 1024 {
            return Err(Error::InvalidInput(format!(
                "JPEG symbol counts are 1024 numbers, got {}",
                v.len()
            )));
        }
        Ok(SymbolCounts(std::array::from_fn(|t| {
            std::array::from_fn(|s| v[t * 256 + s])
        })))
    }
}

impl JpegSplit {
    /// The plan that spreads a `width` × `height` image over `workers` bands (whole multiples of
    /// [`BAND_ALIGN`] rows, every band the same but the last), with Y, Cb and Cr or, `gray`, Y alone.
    /// `None` when the settings are not a plain JPEG encode (another format, progressive, a search,
    /// a resize) or the image makes fewer than two bands: encode those on one worker.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a side JPEG cannot hold.
    pub fn new(
        width: u32,
        height: u32,
        settings: &Settings,
        workers: usize,
        gray: bool,
    ) -> Result<Option<Self>> {
        let (w, h) = side_u16(width, height)?;
        let resizes = settings.max_width.is_some_and(|m| m < width)
            || settings.max_height.is_some_and(|m| m < height);
        if settings.format != Format::Jpeg || settings.progressive || settings.searches() || resizes
        {
            return Ok(None);
        }
        let units = usize::from(h).div_ceil(BAND_ALIGN);
        let band_rows = units.div_ceil(workers.max(1)).max(1) * BAND_ALIGN;
        if w == 0 || usize::from(h) <= band_rows {
            return Ok(None);
        }
        let components = if gray { 1 } else { 3 };
        let layout = layout_for(usize::from(w), usize::from(h), components, settings);
        let band_mcu_rows = band_rows / (8 * layout.v);
        // The longest interval that divides a band and fits DRI's 16 bits (one MCU row always fits:
        // a 65,535-pixel row holds at most 8,192 MCUs).
        let interval_rows = (1..=band_mcu_rows)
            .rev()
            .find(|&r| band_mcu_rows.is_multiple_of(r) && r * layout.mcus_x <= MAX_INTERVAL)
            .unwrap_or(1);
        Ok(Some(JpegSplit {
            layout,
            settings: settings.clone(),
            band_rows,
            interval_rows,
        }))
    }

    /// How many bands the image makes.
    pub fn bands(&self) -> usize {
        self.layout.height.div_ceil(self.band_rows)
    }

    /// The pixel rows of band `index`.
    pub fn rows(&self, index: usize) -> std::ops::Range<usize> {
        let start = (index * self.band_rows).min(self.layout.height);
        start..(start + self.band_rows).min(self.layout.height)
    }

    fn intervals_per_band(&self) -> usize {
        self.band_rows / (8 * self.layout.v) / self.interval_rows
    }

    fn band_layout(&self, index: usize) -> Result<Layout> {
        if index >= self.bands() {
            return Err(Error::InvalidInput(format!(
                "band {index} of a JPEG cut into {} bands",
                self.bands()
            )));
        }
        Ok(Layout::new(
            self.layout.width,
            self.rows(index).len(),
            self.layout.components,
            self.layout.h,
            self.layout.v,
        ))
    }

    /// Quantises band `index` from its rows of RGBA pixels, and counts its symbols.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a band index out of range or pixels of the wrong length.
    pub fn quantise(&self, index: usize, rgba: Vec<u8>) -> Result<JpegBand> {
        let layout = self.band_layout(index)?;
        let image = Rgba8::new(self.layout.width as u32, layout.height as u32, rgba)?;
        let gray = is_gray(&image, self.settings.background);
        let table = tables::scaled(self.settings.quality);
        let coefs = quantise(&image, self.settings.background, &layout, &table);
        let mut counter = Counter::new();
        if self.settings.optimize_huffman {
            scans::sequential(&layout, &coefs, Some(self.interval_rows), &mut counter);
        }
        Ok(JpegBand {
            blocks: coefs,
            counts: SymbolCounts(counter.freq),
            gray,
        })
    }

    /// Codes `band`, band `index` of this plan, with the tables of the whole image's counts `total`
    /// (the standard tables when the settings turn optimisation off): the first band is led by the
    /// headers, every other by the restart marker that ends the band before it, and the last band
    /// ends the file.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a band index out of range or a band not of band `index`'s size.
    pub fn write(&self, index: usize, band: &JpegBand, total: &SymbolCounts) -> Result<Vec<u8>> {
        let layout = self.band_layout(index)?;
        let fits = band.blocks.len() == layout.components
            && band.blocks.iter().enumerate().all(|(c, blocks)| {
                let (gw, gh) = layout.grid(c);
                blocks.len() == gw * gh
            });
        if !fits {
            return Err(Error::InvalidInput(format!(
                "this JPEG band was not quantised as band {index} of a {} x {} image in {} bands",
                self.layout.width,
                self.layout.height,
                self.bands()
            )));
        }
        let coefs = &band.blocks;
        let huff: Vec<HuffTable> = if self.settings.optimize_huffman {
            sequential_tables(&total.0)
        } else {
            (0..4).map(HuffTable::standard).collect()
        };
        let samples: usize = coefs.iter().map(Vec::len).sum::<usize>() * 64;
        let mut out = Vec::with_capacity(samples + 1024);
        let first_interval = index * self.intervals_per_band();
        if index == 0 {
            let table = tables::scaled(self.settings.quality);
            write_headers(&mut out, &Extras::default(), &table, &self.layout, false)?;
            write_sequential_start(&mut out, &self.layout, &huff, Some(self.interval_mcus()))?;
        } else {
            // The marker that ends the interval before this band's first.
            out.extend([0xff, 0xd0 + ((first_interval - 1) & 7) as u8]);
        }
        let mut writer = Writer::new(&huff, &mut out, (first_interval & 7) as u8);
        scans::sequential(&layout, coefs, Some(self.interval_rows), &mut writer);
        writer.out.finish();
        if index + 1 == self.bands() {
            out.extend([0xff, 0xd9]);
        }
        Ok(out)
    }

    fn interval_mcus(&self) -> u16 {
        u16::try_from(self.interval_rows * self.layout.mcus_x).unwrap_or(u16::MAX)
    }

    /// The whole image on one worker, as the split writes it (the reference the tests compare with).
    #[cfg(test)]
    pub(super) fn encode_whole(&self, image: &Rgba8) -> Result<Vec<u8>> {
        let table = tables::scaled(self.settings.quality);
        let coefs = quantise(image, self.settings.background, &self.layout, &table);
        let mut counter = Counter::new();
        scans::sequential(&self.layout, &coefs, Some(self.interval_rows), &mut counter);
        let huff: Vec<HuffTable> = if self.settings.optimize_huffman {
            sequential_tables(&counter.freq)
        } else {
            (0..4).map(HuffTable::standard).collect()
        };
        let mut out = Vec::new();
        write_headers(&mut out, &Extras::default(), &table, &self.layout, false)?;
        write_sequential_start(&mut out, &self.layout, &huff, Some(self.interval_mcus()))?;
        let mut writer = Writer::new(&huff, &mut out, 0);
        scans::sequential(&self.layout, &coefs, Some(self.interval_rows), &mut writer);
        writer.out.finish();
        out.extend([0xff, 0xd9]);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::mixed;
    use super::*;
    use crate::options::{Format, Options, Subsampling};

    /// Encodes `image` through the split, band by band as separate workers would (planning again
    /// with one component when every band is gray, as the package does).
    fn split_encode(settings: &Settings, image: &Rgba8, workers: usize) -> (JpegSplit, Vec<u8>) {
        let (w, h) = (image.width(), image.height());
        let quantise_all = |plan: &JpegSplit| -> Vec<JpegBand> {
            (0..plan.bands())
                .map(|k| {
                    let rows = plan.rows(k);
                    let rgba = image.data()[rows.start * w as usize * 4..rows.end * w as usize * 4]
                        .to_vec();
                    plan.quantise(k, rgba).expect("quantises")
                })
                .collect()
        };
        let mut plan = JpegSplit::new(w, h, settings, workers, false)
            .expect("valid")
            .expect("splits");
        let mut bands = quantise_all(&plan);
        if bands.iter().all(|b| b.gray) {
            plan = JpegSplit::new(w, h, settings, workers, true)
                .expect("valid")
                .expect("splits");
            bands = quantise_all(&plan);
        }
        let mut total = SymbolCounts::zero();
        for band in &bands {
            total.add(&SymbolCounts::from_slice(&band.counts.to_vec()).expect("1024"));
        }
        let file = bands
            .iter()
            .enumerate()
            .flat_map(|(k, band)| plan.write(k, band, &total).expect("writes"))
            .collect();
        (plan, file)
    }

    #[test]
    fn the_split_writes_what_one_worker_writes_and_decodes_to_the_same_pixels() {
        for (w, h, workers, sub, q, optimize, gray) in [
            (203, 77, 2, Subsampling::S420, 75, true, false),
            (203, 77, 3, Subsampling::S444, 92, true, false),
            (64, 200, 4, Subsampling::S422, 40, true, false),
            (33, 40, 2, Subsampling::Auto, 75, true, false),
            (40, 48, 5, Subsampling::S420, 75, false, false),
            (90, 70, 2, Subsampling::S420, 75, true, true),
        ] {
            let mut image = mixed(w, h);
            if gray {
                let mut data = image.into_data();
                for p in data.chunks_exact_mut(4) {
                    (p[1], p[2], p[3]) = (p[0], p[0], 255);
                }
                image = Rgba8::new(w, h, data).expect("consistent");
            }
            let mut settings = Options::new(Format::Jpeg)
                .with_quality(q)
                .resolve()
                .expect("valid");
            settings.subsampling = sub;
            settings.optimize_huffman = optimize;
            let (plan, split) = split_encode(&settings, &image, workers);
            assert_eq!(plan.layout.components, if gray { 1 } else { 3 });
            assert_eq!(
                split,
                plan.encode_whole(&image).expect("encodes"),
                "{w}x{h}/{workers}"
            );
            let plain =
                super::super::encode(&image, &Extras::default(), &settings).expect("encodes");
            let decode = |b: &[u8]| crate::decode(b, &crate::Limits::default()).expect("decodes");
            assert_eq!(decode(&split), decode(&plain), "{w}x{h}/{workers}");
            let extra = split.len() as f64 / plain.len() as f64 - 1.0;
            println!(
                "{w}x{h} over {workers}: {} bands, {} vs {} bytes ({:+.3} %)",
                plan.bands(),
                split.len(),
                plain.len(),
                extra * 100.0
            );
        }
    }

    #[test]
    fn long_bands_get_several_intervals_and_what_cannot_split_is_not() {
        let settings = Options::new(Format::Jpeg).resolve().expect("valid");
        // 65,520 px wide at 4:2:0 is 4,095 MCUs a row: 16 rows per interval at most.
        let plan = JpegSplit::new(65_520, 2048, &settings, 4, false)
            .expect("valid")
            .expect("splits");
        assert_eq!(plan.band_rows, 512);
        assert_eq!(plan.interval_rows, 16);
        assert_eq!(plan.intervals_per_band(), 2);
        assert_eq!(plan.bands(), 4);
        let split =
            |s: &Settings, w, h, n| JpegSplit::new(w, h, s, n, false).expect("valid").is_some();
        assert!(split(&settings, 4000, 3000, 2));
        assert!(!split(&settings, 4000, 16, 2), "one band");
        assert!(!split(&settings, 4000, 3000, 1), "one worker");
        let mut other = settings.clone();
        other.progressive = true;
        assert!(!split(&other, 4000, 3000, 2), "progressive");
        let mut other = settings.clone();
        other.max_width = Some(1000);
        assert!(!split(&other, 4000, 3000, 2), "a resize");
        other.max_width = Some(4000);
        assert!(split(&other, 4000, 3000, 2), "no resize needed");
        let mut other = settings.clone();
        other.max_bytes = Some(100_000);
        assert!(!split(&other, 4000, 3000, 2), "a search");
        assert!(JpegSplit::new(70_000, 100, &settings, 2, false).is_err());
        assert!(plan.quantise(4, vec![]).is_err());
        let small = JpegSplit::new(64, 64, &settings, 2, false)
            .expect("valid")
            .expect("splits");
        let band = small.quantise(1, vec![0; 64 * 32 * 4]).expect("quantises");
        assert!(
            plan.write(0, &band, &SymbolCounts::zero()).is_err(),
            "another plan's band"
        );
        assert!(small.write(1, &band, &SymbolCounts::zero()).is_ok());
        assert_eq!(
            JpegSplit::new(4000, 2848, &settings, 2, false)
                .expect("valid")
                .expect("splits")
                .band_rows,
            1424
        );
    }
}
