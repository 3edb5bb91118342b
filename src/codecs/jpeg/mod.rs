//! JPEG output: our own baseline/progressive encoder with rate–distortion optimised quantisation.
//!
//! The image is converted and transformed one MCU row at a time straight from the RGBA, quantised
//! into a store of coefficients (2 bytes each), then entropy coded twice per scan: once to count
//! symbols for optimal Huffman tables, once to write.

mod bands;
mod bits;
mod dering;
mod fdct;
mod huffman;
mod planes;
mod quant;
mod scans;
#[cfg(feature = "full")]
mod split;
mod tables;

use super::{
    quality_option, subsampling_option, Extras, FormatMeta, OptionKind, OptionMeta,
    QUALITY_DESCRIPTION,
};
use crate::error::{Error, Result};
use crate::options::{Settings, Subsampling, DEFAULT_QUALITY};
use crate::pixels::{over_background, Rgba8};
use crate::simd;
use huffman::HuffTable;
use planes::{Layout, Strips};
use scans::{Coefficients, Counter, Scan, Writer};
#[cfg(feature = "full")]
pub use split::{JpegBand, JpegSplit, SymbolCounts};

pub(crate) use bands::BandEncoder;

pub(super) const META: FormatMeta = FormatMeta {
    id: "jpeg",
    label: "JPEG",
    mime_type: "image/jpeg",
    extension: "jpg",
    lossy: true,
    options: &[
        quality_option(DEFAULT_QUALITY, QUALITY_DESCRIPTION),
        subsampling_option("How much colour detail to keep; auto keeps it all from quality 90 up."),
        OptionMeta {
            name: "progressive",
            label: "Progressive",
            kind: OptionKind::Boolean { default: false },
            description: "Loads blurry-to-sharp on slow connections.",
        },
        OptionMeta {
            name: "optimizeHuffman",
            label: "Optimise Huffman tables",
            kind: OptionKind::Boolean { default: true },
            description: "Each image gets its own optimal tables (smaller files); off: the standard tables in one pass (faster). Progressive JPEG always uses optimal tables.",
        },
        OptionMeta {
            name: "keepMetadata",
            label: "Keep metadata",
            kind: OptionKind::Boolean { default: false },
            description:
                "Keep EXIF (camera, date and GPS location); stripped by default for privacy.",
        },
        OptionMeta {
            name: "background",
            label: "Background",
            kind: OptionKind::Color { default: "#ffffff" },
            description: "The colour transparent areas are composited over, as #rrggbb.",
        },
    ],
    max_side: 65_535,
};

/// The EXIF a JPEG holds: one APP1 segment, its `Exif\0\0` prefix included.
const MAX_EXIF: usize = 65_535 - 2 - 6;

/// The ICC profile a JPEG holds: at most 255 numbered APP2 segments (ICC.1 annex B.4).
const ICC_CHUNK: usize = 65_535 - 2 - 14;
const MAX_ICC: usize = 255 * ICC_CHUNK;

/// Why `exif` cannot go into a JPEG, if it cannot.
pub(super) fn exif_does_not_fit(exif: &[u8]) -> Option<String> {
    let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    (tiff.len() > MAX_EXIF).then(|| {
        format!(
            "the EXIF block was dropped: it is {} bytes, and a JPEG holds at most {MAX_EXIF}",
            tiff.len()
        )
    })
}

/// Why `icc` cannot go into a JPEG, if it cannot.
pub(super) fn icc_does_not_fit(icc: &[u8]) -> Option<String> {
    (icc.len() > MAX_ICC).then(|| {
        format!(
            "the ICC profile was dropped: it is {} bytes, and a JPEG holds at most {MAX_ICC}",
            icc.len()
        )
    })
}

/// The fewest bytes a JPEG of `width` x `height` takes: markers, one quantisation table, a frame
/// and scan header, two Huffman tables of one code each, and for every luma block at least two
/// bits (a DC difference and an end of block), whatever the tables.
pub(super) fn smallest_file(width: u32, height: u32) -> u64 {
    let blocks = u64::from(width.div_ceil(8)) * u64::from(height.div_ceil(8));
    let headers = 2 + 18 + 69 + 13 + 40 + 10 + 2;
    headers + blocks / 4
}

pub(super) fn encode(image: &Rgba8, extras: &Extras, settings: &Settings) -> Result<Vec<u8>> {
    let (width, height) = side_u16(image.width(), image.height())?;
    if width == 0 || height == 0 {
        return Err(Error::InvalidInput("cannot encode an empty image".into()));
    }
    // Gray input as one component, as libjpeg writes it: two flat chroma planes would cost bytes
    // and decode to the same pixels.
    let components = if is_gray(image, settings.background) {
        1
    } else {
        3
    };
    let layout = layout_for(
        usize::from(width),
        usize::from(height),
        components,
        settings,
    );
    let table = tables::scaled(settings.quality);
    let coefs = quantise(image, settings.background, &layout, &table);

    let mut out = Vec::with_capacity(coefs.iter().map(Vec::len).sum::<usize>() * 8 + 1024);
    write_headers(&mut out, extras, &table, &layout, settings.progressive)?;
    if settings.progressive {
        let script = if layout.components == 1 {
            GRAY_SCANS
        } else {
            COLOR_SCANS
        };
        for scan in script {
            let mut counter = Counter::new();
            scans::progressive(&layout, &coefs, scan, &mut counter);
            let huff: Vec<HuffTable> = counter.freq.iter().map(HuffTable::optimal).collect();
            // DC refinement codes raw bits only; other scans define the tables they use.
            if !(scan.ss == 0 && scan.ah > 0) {
                let used: Vec<(usize, &HuffTable)> = huff
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| {
                        scan.components.iter().any(|&c| {
                            let first = if c == 0 { 0 } else { 2 };
                            *i == first + usize::from(scan.ss > 0)
                        })
                    })
                    .collect();
                write_dht(&mut out, &used)?;
            }
            write_sos(
                &mut out,
                scan.components,
                scan.ss,
                scan.se,
                scan.ah,
                scan.al,
            )?;
            let mut writer = Writer::new(&huff, &mut out, 0);
            scans::progressive(&layout, &coefs, scan, &mut writer);
            writer.out.finish();
        }
    } else {
        // Progressive scans always get optimal tables (as libjpeg does): the standard ones have no
        // codes for the end-of-band runs those scans use.
        let huff: Vec<HuffTable> = if settings.optimize_huffman {
            let mut counter = Counter::new();
            scans::sequential(&layout, &coefs, None, &mut counter);
            sequential_tables(&counter.freq)
        } else {
            (0..4).map(HuffTable::standard).collect()
        };
        write_sequential_start(&mut out, &layout, &huff, None)?;
        let mut writer = Writer::new(&huff, &mut out, 0);
        scans::sequential(&layout, &coefs, None, &mut writer);
        writer.out.finish();
    }
    out.extend([0xff, 0xd9]);
    Ok(out)
}

/// The sampling `settings` ask for, as a layout of Y, Cb and Cr (or Y alone: `components` 1).
fn layout_for(width: usize, height: usize, components: usize, settings: &Settings) -> Layout {
    let (h, v) = match settings.subsampling.for_quality(settings.quality) {
        Subsampling::S444 | Subsampling::Auto => (1, 1),
        Subsampling::S422 => (2, 1),
        Subsampling::S420 => (2, 2),
    };
    Layout::new(width, height, components, h, v)
}

/// Optimal tables for a sequential scan's symbol counts.
fn sequential_tables(freq: &[[u32; 256]; 4]) -> Vec<HuffTable> {
    freq.iter().map(HuffTable::optimal).collect()
}

/// SOI, JFIF, EXIF, ICC, DQT and the frame header.
fn write_headers(
    out: &mut Vec<u8>,
    extras: &Extras,
    table: &tables::QuantTable,
    layout: &Layout,
    progressive: bool,
) -> Result<()> {
    out.extend([0xff, 0xd8]);
    write_jfif(out);
    if let Some(exif) = extras.exif {
        let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend_from_slice(tiff);
        segment(out, 0xe1, &payload).map_err(|_| {
            Error::Encode(format!(
                "cannot write the EXIF metadata into the JPEG: {} bytes, at most 65527 fit",
                tiff.len()
            ))
        })?;
    }
    if let Some(icc) = extras.icc {
        write_icc(out, icc)?;
    }
    let mut dqt = vec![0u8];
    dqt.extend(table.iter().map(|&q| q as u8));
    segment(out, 0xdb, &dqt)?;
    write_frame(out, layout, progressive)
}

/// The sequential scan's tables, restart interval (`restart`: MCUs, when the scan has them) and
/// scan header.
fn write_sequential_start(
    out: &mut Vec<u8>,
    layout: &Layout,
    huff: &[HuffTable],
    restart: Option<u16>,
) -> Result<()> {
    let used: Vec<(usize, &HuffTable)> = huff
        .iter()
        .enumerate()
        .take(layout.components.min(2) * 2)
        .collect();
    write_dht(out, &used)?;
    if let Some(mcus) = restart {
        segment(out, 0xdd, &mcus.to_be_bytes())?;
    }
    write_sos(out, &[0, 1, 2][..layout.components], 0, 63, 0, 0)
}

/// libjpeg's progression for colour (`jpeg_simple_progression`): DC first at half precision, a
/// few low luma frequencies, chroma, the rest of luma, then one more bit of everything.
const COLOR_SCANS: &[Scan] = &[
    scan(&[0, 1, 2], 0, 0, 0, 1),
    scan(&[0], 1, 5, 0, 2),
    scan(&[2], 1, 63, 0, 1),
    scan(&[1], 1, 63, 0, 1),
    scan(&[0], 6, 63, 0, 2),
    scan(&[0], 1, 63, 2, 1),
    scan(&[0, 1, 2], 0, 0, 1, 0),
    scan(&[2], 1, 63, 1, 0),
    scan(&[1], 1, 63, 1, 0),
    scan(&[0], 1, 63, 1, 0),
];

const GRAY_SCANS: &[Scan] = &[
    scan(&[0], 0, 0, 0, 1),
    scan(&[0], 1, 5, 0, 2),
    scan(&[0], 6, 63, 0, 2),
    scan(&[0], 1, 63, 2, 1),
    scan(&[0], 0, 0, 1, 0),
    scan(&[0], 1, 63, 1, 0),
];

const fn scan(components: &'static [usize], ss: u8, se: u8, ah: u8, al: u8) -> Scan {
    Scan {
        components,
        ss,
        se,
        ah,
        al,
    }
}

/// Whether every pixel, composited over `background`, is a shade of gray (R = G = B).
fn is_gray(image: &Rgba8, background: [u8; 3]) -> bool {
    image.data().chunks_exact(4).all(|p| {
        if p[3] == 255 {
            p[0] == p[1] && p[1] == p[2]
        } else {
            let c = |i: usize| over_background(p[i], p[3], background[i]);
            c(0) == c(1) && c(1) == c(2)
        }
    })
}

/// Transforms and quantises the whole image, strip by strip, into per-component block grids.
fn quantise(
    image: &Rgba8,
    background: [u8; 3],
    layout: &Layout,
    table: &tables::QuantTable,
) -> Coefficients {
    quantise_with(image, background, layout, table, simd::ACCELERATED)
}

/// [`quantise`], on the four-lane paths or their scalar twins (identical coefficients).
fn quantise_with(
    image: &Rgba8,
    background: [u8; 3],
    layout: &Layout,
    table: &tables::QuantTable,
    vector: bool,
) -> Coefficients {
    let divisors = fdct::divisors(table);
    let natural = quant::natural_divisors(&divisors);
    // Each grid fills in order, row after row, so blocks are pushed as they come (zeroed while in
    // cache): zeroing the whole store first, a pass over 3 MB per megapixel at 4:2:0, is wasted.
    let mut coefs: Coefficients = (0..layout.components)
        .map(|c| {
            let (gw, gh) = layout.grid(c);
            Vec::with_capacity(gw * gh)
        })
        .collect();
    let mut strips = Strips::new(image, background, *layout);
    let mut samples = [0.0f32; 64];
    let mut steps = [0.0f32; 64];
    for my in 0..layout.mcus_y {
        strips.load(my, vector);
        for (c, store) in coefs.iter_mut().enumerate() {
            let (_, v) = layout.factors(c);
            let (gw, _) = layout.grid(c);
            for by in 0..v {
                for bx in 0..gw {
                    store.push([0; 64]);
                    let Some(block) = store.last_mut() else {
                        continue;
                    };
                    if vector {
                        let mut b = strips.block_x4(c, bx, by);
                        dering::dering_x4(&mut b);
                        fdct::forward_x4(&mut b);
                        quant::block_x4(&b, &natural, block);
                    } else {
                        strips.block(c, bx, by, &mut samples);
                        dering::dering(&mut samples);
                        fdct::forward(&mut samples);
                        for (zz, &natural) in tables::ZIGZAG.iter().enumerate() {
                            steps[zz] = samples[natural] * divisors[zz];
                        }
                        quant::block(&steps, block);
                    }
                }
            }
        }
    }
    coefs
}

/// A marker segment with its length; `Err` if the payload does not fit in one.
fn segment(out: &mut Vec<u8>, marker: u8, payload: &[u8]) -> Result<()> {
    let len = u16::try_from(payload.len() + 2)
        .map_err(|_| Error::Encode("a JPEG marker segment is over 64 KiB".into()))?;
    out.extend([0xff, marker]);
    out.extend(len.to_be_bytes());
    out.extend_from_slice(payload);
    Ok(())
}

/// JFIF APP0: version 1.1, square pixels, no thumbnail.
fn write_jfif(out: &mut Vec<u8>) {
    out.extend([
        0xff, 0xe0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
    ]);
}

/// The ICC profile in numbered APP2 chunks (ICC.1 annex B.4).
fn write_icc(out: &mut Vec<u8>, icc: &[u8]) -> Result<()> {
    const CHUNK: usize = ICC_CHUNK;
    let chunks = icc.len().div_ceil(CHUNK);
    let count = u8::try_from(chunks).map_err(|_| {
        Error::Encode(format!(
            "cannot write the ICC profile into the JPEG: {} bytes is over the 16 MB it can hold",
            icc.len()
        ))
    })?;
    for (i, chunk) in icc.chunks(CHUNK).enumerate() {
        let mut payload = Vec::with_capacity(chunk.len() + 14);
        payload.extend_from_slice(b"ICC_PROFILE\0");
        payload.extend([i as u8 + 1, count]);
        payload.extend_from_slice(chunk);
        segment(out, 0xe2, &payload)?;
    }
    Ok(())
}

/// SOF0 (baseline) or SOF2 (progressive). All components use quantisation table 0.
fn write_frame(out: &mut Vec<u8>, layout: &Layout, progressive: bool) -> Result<()> {
    let mut p = vec![8];
    p.extend((layout.height as u16).to_be_bytes());
    p.extend((layout.width as u16).to_be_bytes());
    p.push(layout.components as u8);
    for c in 0..layout.components {
        let (h, v) = layout.factors(c);
        p.extend([c as u8 + 1, (h << 4 | v) as u8, 0]);
    }
    segment(out, if progressive { 0xc2 } else { 0xc0 }, &p)
}

/// DHT for tables in the [`scans::Sink`] numbering: even DC, odd AC; 0–1 luma (id 0), 2–3 chroma (id 1).
fn write_dht(out: &mut Vec<u8>, tables: &[(usize, &HuffTable)]) -> Result<()> {
    let mut p = Vec::new();
    for &(i, t) in tables {
        p.push(((i & 1) << 4 | i >> 1) as u8);
        p.extend_from_slice(&t.counts[1..]);
        p.extend_from_slice(&t.symbols);
    }
    segment(out, 0xc4, &p)
}

/// SOS for `components` (indices), spectral band `ss..=se`, successive approximation `ah`/`al`.
fn write_sos(
    out: &mut Vec<u8>,
    components: &[usize],
    ss: u8,
    se: u8,
    ah: u8,
    al: u8,
) -> Result<()> {
    let mut p = vec![components.len() as u8];
    for &c in components {
        let t = u8::from(c > 0);
        p.extend([c as u8 + 1, t << 4 | t]);
    }
    p.extend([ss, se, ah << 4 | al]);
    segment(out, 0xda, &p)
}

/// JPEG stores each side in 16 bits: refuse rather than truncate.
fn side_u16(width: u32, height: u32) -> Result<(u16, u16)> {
    match (u16::try_from(width), u16::try_from(height)) {
        (Ok(w), Ok(h)) => Ok((w, h)),
        _ => Err(Error::InvalidInput(format!(
            "JPEG holds at most 65535 pixels a side; this image is {width} x {height} \
             (set maxWidth/maxHeight or choose PNG)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::twin_test;

    /// Photo-like noise over gradients, hard black-on-white strokes and a band of partial alpha (at
    /// a size that leaves partial MCUs, a row tail that is not a multiple of four). Also the split's.
    pub(super) fn mixed(width: u32, height: u32) -> Rgba8 {
        let mut next = crate::test_rng::xorshift32(0x2545_f491_u32);
        let mut data = Vec::new();
        for y in 0..height {
            for x in 0..width {
                let state = next();
                let noise = state % 23;
                let px = if x < width / 3 {
                    let v = if (x % 7 < 2) && (y % 11 < 8) { 10 } else { 255 };
                    [v, v, v, 255]
                } else if y < height / 4 {
                    [200, (x * 3) as u8, 40, (x * 255 / width) as u8]
                } else {
                    [
                        (x * 255 / width + noise) as u8,
                        (y * 255 / height) as u8,
                        (128 + noise * 3) as u8,
                        255,
                    ]
                };
                data.extend(px);
            }
        }
        Rgba8::new(width, height, data).expect("consistent fixture")
    }

    twin_test!(vector_quantisation_matches_the_scalar_twin, {
        let image = mixed(203, 77);
        for (h, v) in [(1, 1), (2, 1), (2, 2)] {
            for quality in [20, 75, 100] {
                let layout = Layout::new(203, 77, 3, h, v);
                let table = tables::scaled(quality);
                let bg = [250, 10, 30];
                let scalar = quantise_with(&image, bg, &layout, &table, false);
                let vector = quantise_with(&image, bg, &layout, &table, true);
                assert!(scalar == vector, "{h}x{v} at quality {quality}");
            }
        }
    });
}
