//! Baseline JPEG of an image too large to hold whole, fed a band of RGBA8 rows at a time
//! (`crate::bands`). Each band is transformed and quantised exactly as [`super::encode`] would
//! (the same coefficients, so the same pixels decode). With optimal Huffman tables (the default)
//! the bands come twice: a first pass quantises each band and only counts its symbols (4 KB of
//! counts, no coefficient kept), then the tables are built from the whole image's counts and a
//! second pass quantises each band again and codes it at once; without them, one pass codes with
//! the standard (Annex K) tables. A restart marker ends every band, so each band's stretch of the
//! file decodes alone: the caller measures the result a band at a time.

use super::huffman::HuffTable;
use super::planes::Layout;
use super::scans::{self, Counter, Sink, Writer};
use super::{
    layout_for, quantise, sequential_tables, side_u16, tables, write_headers,
    write_sequential_start, Extras,
};
use crate::error::{Error, Result};
use crate::options::Settings;
use crate::pixels::Rgba8;

/// The most MCUs a restart interval holds (DRI stores it in 16 bits).
const MAX_INTERVAL: usize = u16::MAX as usize;

pub(crate) struct BandEncoder {
    out: Vec<u8>,
    layout: Layout,
    table: tables::QuantTable,
    /// The scan's tables: empty until the first band is coded.
    huff: Vec<HuffTable>,
    /// The first pass's symbol counts, when the tables are to be optimal.
    counter: Option<Counter>,
    /// MCUs per restart interval (a band's), or none when one band holds the image.
    restart: Option<u16>,
    background: [u8; 3],
    band_rows: usize,
    rows_done: usize,
    next_restart: u8,
    /// Where the last band's entropy-coded data lies in `out`.
    last: std::ops::Range<usize>,
}

impl BandEncoder {
    /// An encoder of a `width` x `height` image (`gray`: one component), in bands of about
    /// `rows` rows (rounded to whole MCU rows and to what a restart interval holds).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a side JPEG cannot hold or an empty image; [`Error::Encode`]
    /// when the metadata does not fit.
    pub(crate) fn new(
        width: u32,
        height: u32,
        gray: bool,
        rows: usize,
        extras: &Extras,
        settings: &Settings,
    ) -> Result<Self> {
        let (w, h) = side_u16(width, height)?;
        if w == 0 || h == 0 {
            return Err(Error::InvalidInput("cannot encode an empty image".into()));
        }
        let layout = layout_for(
            usize::from(w),
            usize::from(h),
            if gray { 1 } else { 3 },
            settings,
        );
        let mcu_rows = (rows / (8 * layout.v))
            .clamp(1, (MAX_INTERVAL / layout.mcus_x).max(1))
            .min(layout.mcus_y);
        let table = tables::scaled(settings.quality);
        let mut out = Vec::new();
        write_headers(&mut out, extras, &table, &layout, false)?;
        let restart = (mcu_rows < layout.mcus_y).then(|| (mcu_rows * layout.mcus_x) as u16);
        Ok(BandEncoder {
            out,
            layout,
            table,
            huff: Vec::new(),
            counter: settings.optimize_huffman.then(Counter::new),
            restart,
            background: settings.background,
            band_rows: mcu_rows * 8 * layout.v,
            rows_done: 0,
            next_restart: 0,
            last: 0..0,
        })
    }

    /// Rows every band but the last must have.
    pub(crate) fn band_rows(&self) -> usize {
        self.band_rows
    }

    /// Whether the bands must first be fed to [`Self::count`], every one in order, before
    /// [`Self::band`] codes them (optimal tables).
    pub(crate) fn counts_first(&self) -> bool {
        self.counter.is_some()
    }

    /// The first pass: quantises the next band (as [`Self::band`] will) and counts its symbols;
    /// only the counts are kept.
    pub(crate) fn count(&mut self, band: &Rgba8) {
        let band_layout = self.band_layout(band.height() as usize);
        let coefs = quantise(band, self.background, &band_layout, &self.table);
        if let Some(counter) = &mut self.counter {
            // Each band is one restart interval: DC prediction starts afresh, as band() codes it.
            scans::sequential(&band_layout, &coefs, None, counter);
        }
    }

    fn band_layout(&self, rows: usize) -> Layout {
        let l = self.layout;
        Layout::new(l.width, rows, l.components, l.h, l.v)
    }

    /// Encodes the next band: [`Self::band_rows`] rows, or the rest of the image. The first call
    /// writes the tables: optimal ones from every band's counts, or the standard ones.
    ///
    /// # Errors
    /// [`Error::Encode`] only if the scan's header cannot be written.
    pub(crate) fn band(&mut self, band: &Rgba8) -> Result<()> {
        if self.huff.is_empty() {
            self.huff = match &self.counter {
                Some(counter) => sequential_tables(&counter.freq),
                None => (0..4).map(HuffTable::standard).collect(),
            };
            write_sequential_start(&mut self.out, &self.layout, &self.huff, self.restart)?;
        }
        let l = self.layout;
        let rows = band.height() as usize;
        let band_layout = self.band_layout(rows);
        let coefs = quantise(band, self.background, &band_layout, &self.table);
        self.rows_done += rows;
        // Room for the band's data: it is nearly always far less than 4 bytes a pixel.
        super::super::grow(&mut self.out, l.width * rows * 4);
        let start = self.out.len();
        let mut writer = Writer::new(&self.huff, &mut self.out, self.next_restart);
        scans::sequential(&band_layout, &coefs, None, &mut writer);
        if self.rows_done < l.height {
            writer.restart();
            self.next_restart = writer.next_restart;
            self.last = start..self.out.len() - 2;
        } else {
            writer.out.finish();
            self.last = start..self.out.len();
        }
        Ok(())
    }

    /// The last band alone as a JPEG of its own (its data is one restart interval, which starts
    /// afresh), for measuring it.
    ///
    /// # Errors
    /// [`Error::Encode`] only if the headers cannot be written, as [`Self::new`] did.
    pub(crate) fn last_band_file(&self, rows: usize) -> Result<Vec<u8>> {
        let l = self.layout;
        let band_layout = Layout::new(l.width, rows, l.components, l.h, l.v);
        let mut file = Vec::with_capacity(self.last.len() + 1024);
        write_headers(
            &mut file,
            &Extras::default(),
            &self.table,
            &band_layout,
            false,
        )?;
        write_sequential_start(&mut file, &band_layout, &self.huff, None)?;
        file.extend_from_slice(&self.out[self.last.clone()]);
        file.extend([0xff, 0xd9]);
        Ok(file)
    }

    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.out.extend([0xff, 0xd9]);
        self.out
    }
}
