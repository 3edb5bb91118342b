//! TIFF fixtures made in code: the `tiff` crate's encoder for strips in every compression and
//! BigTIFF, and a small writer of our own for what that encoder does not write (tiles, planar
//! samples, palettes, gray with alpha, low bit depths, CMYK, floats).

use std::io::Cursor;

use tiff::encoder::{colortype, compression, Predictor, TiffEncoder};
use tiff::tags::Tag;

/// A compression as the encoder names it, for looping over every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    None,
    PackBits,
    Lzw,
    Deflate,
    /// LZW with the horizontal-differencing predictor.
    LzwPredictor,
    /// Deflate with the horizontal-differencing predictor.
    DeflatePredictor,
}

pub const PACKINGS: [Packing; 6] = [
    Packing::None,
    Packing::PackBits,
    Packing::Lzw,
    Packing::Deflate,
    Packing::LzwPredictor,
    Packing::DeflatePredictor,
];

fn encoder<K: tiff::encoder::TiffKind>(
    e: TiffEncoder<&mut Cursor<Vec<u8>>, K>,
    packing: Packing,
) -> TiffEncoder<&mut Cursor<Vec<u8>>, K> {
    use tiff::encoder::Compression;
    match packing {
        Packing::None => e.with_compression(Compression::Uncompressed),
        Packing::PackBits => e.with_compression(Compression::Packbits),
        Packing::Lzw => e.with_compression(Compression::Lzw),
        Packing::Deflate => {
            e.with_compression(Compression::Deflate(compression::DeflateLevel::Balanced))
        }
        Packing::LzwPredictor => e
            .with_compression(Compression::Lzw)
            .with_predictor(Predictor::Horizontal),
        Packing::DeflatePredictor => e
            .with_compression(Compression::Deflate(compression::DeflateLevel::Balanced))
            .with_predictor(Predictor::Horizontal),
    }
}

/// The pixel layouts the crate's encoder writes that pixsqueeze reads.
#[derive(Debug, Clone)]
pub enum Pixels {
    Gray8(Vec<u8>),
    Gray16(Vec<u16>),
    Rgb8(Vec<u8>),
    Rgb16(Vec<u16>),
    Rgba8(Vec<u8>),
    Rgba16(Vec<u16>),
}

/// One page: pixels, and extra tags (as SHORT or raw UNDEFINED bytes).
pub struct Page {
    pub width: u32,
    pub height: u32,
    pub pixels: Pixels,
    pub rows_per_strip: Option<u32>,
    pub shorts: Vec<(u16, u16)>,
    pub bytes: Vec<(u16, Vec<u8>)>,
    pub doubles: Vec<(u16, Vec<f64>)>,
}

impl Page {
    pub fn new(width: u32, height: u32, pixels: Pixels) -> Self {
        Page {
            width,
            height,
            pixels,
            rows_per_strip: None,
            shorts: Vec::new(),
            bytes: Vec::new(),
            doubles: Vec::new(),
        }
    }
}

/// A TIFF of `pages` through the crate's encoder (strips), classic or BigTIFF.
pub fn encode(pages: &[Page], packing: Packing, big: bool) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    if big {
        let mut e = encoder(TiffEncoder::new_big(&mut out).expect("encoder"), packing);
        for p in pages {
            write_page(&mut e, p);
        }
    } else {
        let mut e = encoder(TiffEncoder::new(&mut out).expect("encoder"), packing);
        for p in pages {
            write_page(&mut e, p);
        }
    }
    out.into_inner()
}

fn write_page<K: tiff::encoder::TiffKind>(e: &mut TiffEncoder<&mut Cursor<Vec<u8>>, K>, p: &Page) {
    macro_rules! page {
        ($ct:ty, $data:expr) => {{
            let mut image = e.new_image::<$ct>(p.width, p.height).expect("image");
            if let Some(rows) = p.rows_per_strip {
                image.rows_per_strip(rows).expect("rows per strip");
            }
            for &(tag, v) in &p.shorts {
                image
                    .encoder()
                    .write_tag(Tag::from_u16_exhaustive(tag), v)
                    .expect("tag");
            }
            for (tag, v) in &p.bytes {
                image
                    .encoder()
                    .write_tag(Tag::from_u16_exhaustive(*tag), v.as_slice())
                    .expect("tag");
            }
            for (tag, v) in &p.doubles {
                image
                    .encoder()
                    .write_tag(Tag::from_u16_exhaustive(*tag), v.as_slice())
                    .expect("tag");
            }
            image.write_data($data).expect("pixels");
        }};
    }
    match &p.pixels {
        Pixels::Gray8(d) => page!(colortype::Gray8, d),
        Pixels::Gray16(d) => page!(colortype::Gray16, d),
        Pixels::Rgb8(d) => page!(colortype::RGB8, d),
        Pixels::Rgb16(d) => page!(colortype::RGB16, d),
        Pixels::Rgba8(d) => page!(colortype::RGBA8, d),
        Pixels::Rgba16(d) => page!(colortype::RGBA16, d),
    }
}

/// A tag for [`raw`]: SHORT, LONG, DOUBLE or UNDEFINED values.
pub enum Value {
    Short(Vec<u16>),
    Long(Vec<u32>),
    Double(Vec<f64>),
    Bytes(Vec<u8>),
}

/// An uncompressed little-endian classic TIFF written byte by byte: `tags` as given (sorted here),
/// and `chunks` (strips or tiles, as `tiled` says) appended with their offset and byte-count tags.
pub fn raw(mut tags: Vec<(u16, Value)>, chunks: &[Vec<u8>], tiled: bool) -> Vec<u8> {
    let mut out = b"II*\0\0\0\0\0".to_vec();
    let mut offsets = Vec::new();
    for c in chunks {
        offsets.push(out.len() as u32);
        out.extend_from_slice(c);
        if out.len() % 2 == 1 {
            out.push(0);
        }
    }
    let counts: Vec<u32> = chunks.iter().map(|c| c.len() as u32).collect();
    let (offset_tag, count_tag) = if tiled { (324, 325) } else { (273, 279) };
    tags.push((offset_tag, Value::Long(offsets)));
    tags.push((count_tag, Value::Long(counts)));
    tags.sort_by_key(|(t, _)| *t);
    // Values longer than 4 bytes go before the directory.
    let mut entries = Vec::new();
    for (tag, v) in &tags {
        let (ty, count, bytes): (u16, usize, Vec<u8>) = match v {
            Value::Short(v) => (3, v.len(), v.iter().flat_map(|x| x.to_le_bytes()).collect()),
            Value::Long(v) => (4, v.len(), v.iter().flat_map(|x| x.to_le_bytes()).collect()),
            Value::Double(v) => (
                12,
                v.len(),
                v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            ),
            Value::Bytes(v) => (7, v.len(), v.clone()),
        };
        let field = if bytes.len() <= 4 {
            let mut f = bytes.clone();
            f.resize(4, 0);
            f
        } else {
            let at = out.len() as u32;
            out.extend_from_slice(&bytes);
            if out.len() % 2 == 1 {
                out.push(0);
            }
            at.to_le_bytes().to_vec()
        };
        entries.push((*tag, ty, count as u32, field));
    }
    let ifd = out.len() as u32;
    out[4..8].copy_from_slice(&ifd.to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    for (tag, ty, count, field) in entries {
        out.extend(tag.to_le_bytes());
        out.extend(ty.to_le_bytes());
        out.extend(count.to_le_bytes());
        out.extend(field);
    }
    out.extend(0u32.to_le_bytes());
    out
}

/// The basic tags of a [`raw`] image: size, bits, photometric interpretation, samples.
pub fn basic(width: u32, height: u32, bits: &[u16], photometric: u16) -> Vec<(u16, Value)> {
    vec![
        (256, Value::Long(vec![width])),
        (257, Value::Long(vec![height])),
        (258, Value::Short(bits.to_vec())),
        (259, Value::Short(vec![1])),
        (262, Value::Short(vec![photometric])),
        (277, Value::Short(vec![bits.len() as u16])),
    ]
}

/// A 16-bit gray ramp over the whole range with fine noise, no sample a multiple of 257 (so it
/// cannot be narrowed to 8 bits without loss): a scan's worth of precision.
pub fn gray16_scan(width: u32, height: u32) -> Vec<u16> {
    let mut state = 0x9e37_79b9_u32;
    let mut out = Vec::with_capacity((width * height) as usize);
    for y in 0..height {
        for x in 0..width {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let base = (u64::from(x + y) * 65_000 / u64::from(width + height)) as u32;
            let mut v = (base + state % 97) as u16;
            if v.is_multiple_of(257) {
                v += 1;
            }
            out.push(v);
        }
    }
    out
}
