//! JPEG output: our own baseline/progressive encoder with rate–distortion optimised quantisation.
//!
//! The image is converted and transformed one MCU row at a time straight from the RGBA, quantised
//! into a store of coefficients (2 bytes each), then entropy coded twice per scan: once to count
//! symbols for optimal Huffman tables, once to write.

mod bits;
mod dering;
mod fdct;
mod huffman;
mod planes;
mod quant;
mod scans;
mod tables;

use super::{Choice, Extras, FormatMeta, OptionKind, OptionMeta};
use crate::error::{Error, Result};
use crate::options::{Settings, Subsampling, DEFAULT_QUALITY};
use crate::pixels::Rgba8;
use bits::BitWriter;
use huffman::HuffTable;
use planes::{Layout, Strips};
use scans::{Coefficients, Counter, Scan, Writer};

pub(super) const META: FormatMeta = FormatMeta {
    id: "jpeg",
    label: "JPEG",
    mime_type: "image/jpeg",
    extension: "jpg",
    lossy: true,
    options: &[
        OptionMeta {
            name: "quality",
            label: "Quality",
            kind: OptionKind::Integer {
                min: 1,
                max: 100,
                default: DEFAULT_QUALITY as u64,
            },
            description: "Higher keeps more detail and makes larger files.",
        },
        OptionMeta {
            name: "subsampling",
            label: "Chroma subsampling",
            kind: OptionKind::Choice {
                choices: &[
                    Choice {
                        value: "auto",
                        label: "Automatic",
                    },
                    Choice {
                        value: "4:4:4",
                        label: "None (4:4:4)",
                    },
                    Choice {
                        value: "4:2:2",
                        label: "Half across (4:2:2)",
                    },
                    Choice {
                        value: "4:2:0",
                        label: "Half both ways (4:2:0)",
                    },
                ],
                default: "auto",
            },
            description: "How much colour detail to keep; auto keeps it all from quality 90 up.",
        },
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
            description:
                "Always on: each image gets its own optimal tables (kept for compatibility).",
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
};

pub(super) fn encode(image: &Rgba8, extras: &Extras, settings: &Settings) -> Result<Vec<u8>> {
    let (width, height) = side_u16(image.width(), image.height())?;
    if width == 0 || height == 0 {
        return Err(Error::InvalidInput("cannot encode an empty image".into()));
    }
    let (h, v) = match settings.subsampling.for_quality(settings.quality) {
        Subsampling::S444 | Subsampling::Auto => (1, 1),
        Subsampling::S422 => (2, 1),
        Subsampling::S420 => (2, 2),
    };
    let layout = Layout::new(usize::from(width), usize::from(height), 3, h, v);
    let table = tables::scaled(settings.quality);
    let coefs = quantise(image, settings.background, &layout, &table);

    let mut out = Vec::with_capacity(coefs.iter().map(Vec::len).sum::<usize>() * 8 + 1024);
    out.extend([0xff, 0xd8]);
    write_jfif(&mut out);
    if let Some(exif) = extras.exif {
        let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend_from_slice(tiff);
        segment(&mut out, 0xe1, &payload).map_err(|_| {
            Error::Encode(format!(
                "cannot write the EXIF metadata into the JPEG: {} bytes, at most 65527 fit",
                tiff.len()
            ))
        })?;
    }
    if let Some(icc) = extras.icc {
        write_icc(&mut out, icc)?;
    }
    let mut dqt = vec![0u8];
    dqt.extend(table.iter().map(|&q| q as u8));
    segment(&mut out, 0xdb, &dqt)?;
    write_frame(&mut out, &layout, settings.progressive)?;
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
            let mut writer = Writer {
                tables: [&huff[0], &huff[1], &huff[2], &huff[3]],
                out: BitWriter::new(&mut out),
            };
            scans::progressive(&layout, &coefs, scan, &mut writer);
            writer.out.finish();
        }
    } else {
        let mut counter = Counter::new();
        scans::sequential(&layout, &coefs, &mut counter);
        let huff: Vec<HuffTable> = counter.freq.iter().map(HuffTable::optimal).collect();
        let used: Vec<(usize, &HuffTable)> = huff
            .iter()
            .enumerate()
            .take(layout.components.min(2) * 2)
            .collect();
        write_dht(&mut out, &used)?;
        write_sos(&mut out, &[0, 1, 2][..layout.components], 0, 63, 0, 0)?;
        let mut writer = Writer {
            tables: [&huff[0], &huff[1], &huff[2], &huff[3]],
            out: BitWriter::new(&mut out),
        };
        scans::sequential(&layout, &coefs, &mut writer);
        writer.out.finish();
    }
    out.extend([0xff, 0xd9]);
    Ok(out)
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

/// Transforms and quantises the whole image, strip by strip, into per-component block grids.
fn quantise(
    image: &Rgba8,
    background: [u8; 3],
    layout: &Layout,
    table: &tables::QuantTable,
) -> Coefficients {
    let divisors = fdct::divisors(table);
    let mut coefs: Coefficients = (0..layout.components)
        .map(|c| {
            let (gw, gh) = layout.grid(c);
            vec![[0i16; 64]; gw * gh]
        })
        .collect();
    let mut strips = Strips::new(image, background, *layout);
    let mut samples = [0.0f32; 64];
    let mut steps = [0.0f32; 64];
    for my in 0..layout.mcus_y {
        strips.load(my);
        for (c, store) in coefs.iter_mut().enumerate() {
            let (_, v) = layout.factors(c);
            let (gw, _) = layout.grid(c);
            for by in 0..v {
                for bx in 0..gw {
                    strips.block(c, bx, by, &mut samples);
                    dering::dering(&mut samples);
                    fdct::forward(&mut samples);
                    for (zz, &natural) in tables::ZIGZAG.iter().enumerate() {
                        steps[zz] = samples[natural] * divisors[zz];
                    }
                    if let Some(block) = store.get_mut((my * v + by) * gw + bx) {
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
    const CHUNK: usize = 65_535 - 2 - 14;
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
