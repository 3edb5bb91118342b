//! Choosing the smallest lossless PNG pixel layout: the fewest channels and bits that still hold every
//! sample exactly.

use std::collections::HashMap;

use crate::pixels::{Image, Rgba16, Rgba8};

/// PNG colour types, as the IHDR byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorType {
    Gray = 0,
    Rgb = 2,
    Indexed = 3,
    GrayAlpha = 4,
    Rgba = 6,
}

/// Pixels packed for one PNG layout, before filtering: rows of `row_bytes` bytes each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    pub width: u32,
    pub height: u32,
    pub color: ColorType,
    pub depth: u8,
    /// PLTE entries (indexed only).
    pub palette: Vec<[u8; 3]>,
    /// tRNS alpha per palette entry, trailing opaque entries omitted (indexed only).
    pub trns: Vec<u8>,
    pub data: Vec<u8>,
}

impl Packed {
    pub fn bits_per_pixel(&self) -> usize {
        let channels = match self.color {
            ColorType::Gray | ColorType::Indexed => 1,
            ColorType::GrayAlpha => 2,
            ColorType::Rgb => 3,
            ColorType::Rgba => 4,
        };
        channels * usize::from(self.depth)
    }

    pub fn row_bytes(&self) -> usize {
        (self.width as usize * self.bits_per_pixel()).div_ceil(8)
    }
}

/// The layouts worth trying for `image`, smallest-looking first. Every one decodes to exactly the
/// same pixels.
pub fn candidates(image: &Image) -> Vec<Packed> {
    match image {
        Image::Rgba16(i) => match narrow_16(i) {
            Some(narrow) => candidates_8(&narrow),
            None => vec![pack_16(i)],
        },
        Image::Rgba8(i) => candidates_8(i),
    }
}

/// A 16-bit image whose every sample is an 8-bit value times 257 holds no more than 8 bits.
fn narrow_16(image: &Rgba16) -> Option<Rgba8> {
    if !image.data().iter().all(|&v| v % 257 == 0) {
        return None;
    }
    let data = image.data().iter().map(|&v| (v / 257) as u8).collect();
    Rgba8::new(image.width(), image.height(), data).ok()
}

fn pack_16(image: &Rgba16) -> Packed {
    let opaque = image.data().chunks_exact(4).all(|p| p[3] == u16::MAX);
    let gray = image
        .data()
        .chunks_exact(4)
        .all(|p| p[0] == p[1] && p[1] == p[2]);
    let (color, take): (ColorType, &[usize]) = match (gray, opaque) {
        (true, true) => (ColorType::Gray, &[0]),
        (true, false) => (ColorType::GrayAlpha, &[0, 3]),
        (false, true) => (ColorType::Rgb, &[0, 1, 2]),
        (false, false) => (ColorType::Rgba, &[0, 1, 2, 3]),
    };
    let mut data = Vec::with_capacity(image.data().len() / 4 * take.len() * 2);
    for p in image.data().chunks_exact(4) {
        for &c in take {
            data.extend(p[c].to_be_bytes());
        }
    }
    Packed {
        width: image.width(),
        height: image.height(),
        color,
        depth: 16,
        palette: Vec::new(),
        trns: Vec::new(),
        data,
    }
}

#[cfg(feature = "full")]
/// The layout of `image` when [`candidates`] holds one, 8-bit RGB or RGBA: colour, more than 256
/// colours. Found without packing, the scans stopping early on a photo, so that a split encode
/// decides it in a moment; `None` for every other image (gray, a palette, 16 bits), whose layouts are
/// ranked.
pub fn sole_direct_layout(image: &Image) -> Option<ColorType> {
    let Image::Rgba8(image) = image else {
        return None;
    };
    let mut px = image.data().chunks_exact(4);
    if px.clone().all(|p| p[0] == p[1] && p[1] == p[2]) {
        return None;
    }
    let mut colors = std::collections::HashSet::new();
    if !px.any(|p| colors.insert([p[0], p[1], p[2], p[3]]) && colors.len() > 256) {
        return None;
    }
    let opaque = image.data().chunks_exact(4).all(|p| p[3] == 255);
    Some(if opaque {
        ColorType::Rgb
    } else {
        ColorType::Rgba
    })
}

fn candidates_8(image: &Rgba8) -> Vec<Packed> {
    let px = image.data().chunks_exact(4);
    let opaque = px.clone().all(|p| p[3] == 255);
    let gray = px.clone().all(|p| p[0] == p[1] && p[1] == p[2]);
    let mut out = Vec::new();
    let direct = if gray {
        pack_gray(image, opaque)
    } else {
        pack_channels(image, opaque)
    };
    // A palette is worth trying whenever one fits, unless gray at a low depth is already as compact.
    let palette_helps = !(gray && opaque && direct.depth < 8);
    if palette_helps {
        if let Some(indexed) = pack_indexed(image) {
            out.push(indexed);
        }
    }
    out.push(direct);
    out
}

fn pack_channels(image: &Rgba8, opaque: bool) -> Packed {
    let (color, n) = if opaque {
        (ColorType::Rgb, 3)
    } else {
        (ColorType::Rgba, 4)
    };
    let data = if opaque {
        image
            .data()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect()
    } else {
        image.data().to_vec()
    };
    debug_assert_eq!(data.len(), image.data().len() / 4 * n);
    Packed {
        width: image.width(),
        height: image.height(),
        color,
        depth: 8,
        palette: Vec::new(),
        trns: Vec::new(),
        data,
    }
}

/// The lowest gray depth (1, 2, 4, 8) whose levels include every value present.
fn gray_depth(values: &[bool; 256]) -> u8 {
    for depth in [1u8, 2, 4] {
        let step = 255 / ((1u32 << depth) - 1) as usize;
        if values
            .iter()
            .enumerate()
            .all(|(v, &present)| !present || v % step == 0)
        {
            return depth;
        }
    }
    8
}

fn pack_gray(image: &Rgba8, opaque: bool) -> Packed {
    let (width, height) = (image.width(), image.height());
    if !opaque {
        let data = image
            .data()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[3]])
            .collect();
        return Packed {
            width,
            height,
            color: ColorType::GrayAlpha,
            depth: 8,
            palette: Vec::new(),
            trns: Vec::new(),
            data,
        };
    }
    let mut present = [false; 256];
    for p in image.data().chunks_exact(4) {
        present[usize::from(p[0])] = true;
    }
    let depth = gray_depth(&present);
    let step = 255 / ((1u32 << depth) - 1) as u8;
    let levels = image.data().chunks_exact(4).map(|p| p[0] / step);
    Packed {
        width,
        height,
        color: ColorType::Gray,
        depth,
        palette: Vec::new(),
        trns: Vec::new(),
        data: pack_bits(levels, width as usize, height as usize, depth),
    }
}

/// Palette layout if the image has at most 256 distinct RGBA colours.
fn pack_indexed(image: &Rgba8) -> Option<Packed> {
    let mut counts: HashMap<[u8; 4], u32> = HashMap::new();
    for p in image.data().chunks_exact(4) {
        let key = [p[0], p[1], p[2], p[3]];
        *counts.entry(key).or_insert(0) += 1;
        if counts.len() > 256 {
            return None;
        }
    }
    let commonest = counts
        .iter()
        .max_by_key(|&(c, n)| (*n, *c))
        .map(|(c, _)| *c);
    let light_first = commonest.is_some_and(|c| luma(c) >= 128_000);
    let colors: Vec<[u8; 4]> = counts.into_keys().collect();
    Some(indexed_sorted(image, colors, light_first))
}

fn luma(c: [u8; 4]) -> u32 {
    299 * u32::from(c[0]) + 587 * u32::from(c[1]) + 114 * u32::from(c[2])
}

#[cfg(feature = "full")]
/// Packs `image` against `colors` (which must hold every pixel's exact colour).
pub fn indexed_from_palette(image: &Rgba8, colors: Vec<[u8; 4]>) -> Packed {
    indexed_sorted(image, colors, false)
}

/// [`indexed_from_palette`], with the lightest opaque colour first if `light_first`.
fn indexed_sorted(image: &Rgba8, mut colors: Vec<[u8; 4]>, light_first: bool) -> Packed {
    // Translucent entries first so tRNS can stop early; then by luma, which keeps neighbouring
    // indices close in smooth areas and helps the filters. Running from the commonest colour's end
    // puts index 0 on the background, so unfiltered rows and filtered ones both read as zeros there
    // (5 % smaller on a light screenshot).
    //
    // The key (opaque, luma, colour) packs into one u64, the colour in its low bits (luma ≤ 255 000
    // fits 18 bits), and sorts as the (u64, u16) pairs the Huffman codes sort: one sort in the wasm.
    let mut keyed: Vec<(u64, u16)> = colors
        .iter()
        .map(|&c| {
            let l = if light_first {
                255_000 - luma(c)
            } else {
                luma(c)
            };
            let key = u64::from(c[3] == 255) << 50 | u64::from(l) << 32;
            (key | u64::from(u32::from_be_bytes(c)), 0)
        })
        .collect();
    keyed.sort_unstable();
    colors = keyed
        .into_iter()
        .map(|(key, _)| (key as u32).to_be_bytes())
        .collect();
    let index: HashMap<[u8; 4], u8> = colors
        .iter()
        .enumerate()
        .map(|(i, c)| (*c, i as u8))
        .collect();
    let depth = match colors.len() {
        0..=2 => 1,
        3..=4 => 2,
        5..=16 => 4,
        _ => 8,
    };
    let indices = image
        .data()
        .chunks_exact(4)
        .map(|p| index.get(&[p[0], p[1], p[2], p[3]]).copied().unwrap_or(0));
    let (w, h) = (image.width() as usize, image.height() as usize);
    let data = pack_bits(indices, w, h, depth);
    let translucent = colors.iter().take_while(|c| c[3] != 255).count();
    Packed {
        width: image.width(),
        height: image.height(),
        color: ColorType::Indexed,
        depth,
        palette: colors.iter().map(|c| [c[0], c[1], c[2]]).collect(),
        trns: colors[..translucent].iter().map(|c| c[3]).collect(),
        data,
    }
}

/// Packs one value a pixel at `depth` bits (1, 2, 4 or 8), rows padded to whole bytes.
fn pack_bits(values: impl Iterator<Item = u8>, width: usize, height: usize, depth: u8) -> Vec<u8> {
    if depth == 8 {
        return values.collect();
    }
    let per_byte = 8 / usize::from(depth);
    let row_bytes = width.div_ceil(per_byte);
    let mut out = vec![0u8; row_bytes * height];
    for (i, v) in values.enumerate() {
        let (y, x) = (i / width, i % width);
        let shift = 8 - usize::from(depth) * (x % per_byte + 1);
        out[y * row_bytes + x / per_byte] |= v << shift;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(pixels: &[[u8; 4]], width: u32) -> Rgba8 {
        let height = pixels.len() as u32 / width;
        Rgba8::new(width, height, pixels.concat()).unwrap()
    }

    #[test]
    fn black_and_white_becomes_one_bit_gray() {
        let img = image(&[[0, 0, 0, 255], [255, 255, 255, 255], [0, 0, 0, 255]], 3);
        let c = candidates(&Image::Rgba8(img));
        assert_eq!((c[0].color, c[0].depth), (ColorType::Gray, 1));
        assert_eq!(c[0].data, vec![0b0100_0000]);
    }

    #[test]
    fn few_colours_with_alpha_become_a_palette_with_trns() {
        let img = image(
            &[
                [255, 0, 0, 255],
                [0, 0, 255, 128],
                [255, 0, 0, 255],
                [0, 255, 0, 0],
            ],
            2,
        );
        let c = candidates(&Image::Rgba8(img));
        let indexed = c.iter().find(|p| p.color == ColorType::Indexed).unwrap();
        assert_eq!(indexed.depth, 2);
        assert_eq!(indexed.palette.len(), 3);
        assert_eq!(indexed.trns.len(), 2, "only the translucent entries");
    }

    #[test]
    fn sixteen_bit_values_that_fit_in_eight_are_narrowed() {
        let wide =
            Rgba16::new(1, 2, vec![257 * 3, 257 * 9, 0, 65535, 65535, 0, 257, 65535]).unwrap();
        let c = candidates(&Image::Rgba16(wide));
        assert!(c.iter().all(|p| p.depth <= 8));
        let deep = Rgba16::new(1, 1, vec![1000, 2000, 3000, 65535]).unwrap();
        let c = candidates(&Image::Rgba16(deep));
        assert_eq!((c[0].color, c[0].depth), (ColorType::Rgb, 16));
        assert_eq!(
            c[0].data,
            [1000u16, 2000, 3000]
                .iter()
                .flat_map(|v| v.to_be_bytes())
                .collect::<Vec<_>>()
        );
    }
}
