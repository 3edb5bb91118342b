//! Choosing the smallest lossless PNG pixel layout: the fewest channels and bits that still hold every
//! sample exactly.

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
    let mut counts = ColorMap::with_capacity(256);
    let mut pixels = image
        .data()
        .chunks_exact(4)
        .map(|p| u32::from_be_bytes([p[0], p[1], p[2], p[3]]))
        .peekable();
    while let Some(color) = pixels.next() {
        // Flat areas repeat the previous pixel's colour: a run is looked up once.
        let mut n = 1u32;
        while pixels.next_if_eq(&color).is_some() {
            n = n.wrapping_add(1);
        }
        let count = counts.entry(color);
        *count = count.wrapping_add(n);
        if counts.len() > 256 {
            return None;
        }
    }
    let commonest = counts
        .iter()
        .max_by_key(|&(c, n)| (n, c))
        .map(|(c, _)| c.to_be_bytes());
    let light_first = commonest.is_some_and(|c| luma(c) >= 128_000);
    let colors: Vec<[u8; 4]> = counts.iter().map(|(c, _)| c.to_be_bytes()).collect();
    Some(indexed_sorted(image, colors, light_first))
}

/// A map from RGBA colours (packed big-endian, as `u32::from_be_bytes`) to a `u32`, for palettes:
/// std's `HashMap` hashes with SipHash, which took a fifth of a screenshot's encode when looked up
/// once a pixel. Open addressing over at least twice as many slots as keys, one multiply for the
/// hash (Fibonacci hashing). Keys are colours an image chose, so they could collide on purpose; the
/// worst is a probe through every key (a few hundred) a lookup, slower but bounded.
struct ColorMap {
    keys: Vec<u32>,
    values: Vec<u32>,
    used: Vec<bool>,
    len: usize,
    shift: u32,
}

impl ColorMap {
    /// Room for `n` keys before it grows.
    fn with_capacity(n: usize) -> Self {
        let slots = (2 * n + 2).next_power_of_two().max(16);
        ColorMap {
            keys: vec![0; slots],
            values: vec![0; slots],
            used: vec![false; slots],
            len: 0,
            shift: 32 - slots.trailing_zeros(),
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    /// The slot holding `key`, or the empty one where it would go.
    fn slot(&self, key: u32) -> usize {
        let mask = self.keys.len() - 1;
        let mut i = (key.wrapping_mul(0x9E37_79B1) >> self.shift) as usize;
        while self.used[i] && self.keys[i] != key {
            i = (i + 1) & mask;
        }
        i
    }

    fn get(&self, key: u32) -> Option<u32> {
        let i = self.slot(key);
        self.used[i].then(|| self.values[i])
    }

    /// `key`'s value, inserted as 0 when new.
    fn entry(&mut self, key: u32) -> &mut u32 {
        if 2 * (self.len + 1) > self.keys.len() {
            self.grow();
        }
        let i = self.slot(key);
        if !self.used[i] {
            self.used[i] = true;
            self.keys[i] = key;
            self.len += 1;
        }
        &mut self.values[i]
    }

    fn grow(&mut self) {
        let old = std::mem::replace(self, ColorMap::with_capacity(self.keys.len()));
        for (k, v) in old.iter() {
            *self.entry(k) = v;
        }
    }

    /// (key, value) pairs in slot order.
    fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.used
            .iter()
            .zip(self.keys.iter().zip(&self.values))
            .filter(|&(&used, _)| used)
            .map(|(_, (&k, &v))| (k, v))
    }
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
    let mut index = ColorMap::with_capacity(colors.len());
    for (i, c) in colors.iter().enumerate() {
        *index.entry(u32::from_be_bytes(*c)) = i as u32;
    }
    let depth = match colors.len() {
        0..=2 => 1,
        3..=4 => 2,
        5..=16 => 4,
        _ => 8,
    };
    // As in the count, a run of one colour is looked up once.
    let mut last: Option<(u32, u8)> = None;
    let indices = image.data().chunks_exact(4).map(|p| {
        let key = u32::from_be_bytes([p[0], p[1], p[2], p[3]]);
        match last {
            Some((color, i)) if color == key => i,
            _ => {
                let i = index.get(key).unwrap_or(0) as u8;
                last = Some((key, i));
                i
            }
        }
    });
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

    /// The palette build as it was with std's `HashMap` (SipHash, one lookup a pixel): the plain
    /// path [`ColorMap`] and the run shortcut must match byte for byte.
    fn plain_pack_indexed(image: &Rgba8) -> Option<Packed> {
        use std::collections::HashMap;
        let mut counts: HashMap<[u8; 4], u32> = HashMap::new();
        for p in image.data().chunks_exact(4) {
            *counts.entry([p[0], p[1], p[2], p[3]]).or_insert(0) += 1;
            if counts.len() > 256 {
                return None;
            }
        }
        let commonest = counts
            .iter()
            .max_by_key(|&(c, n)| (*n, *c))
            .map(|(c, _)| *c);
        let light_first = commonest.is_some_and(|c| luma(c) >= 128_000);
        let mut keyed: Vec<u64> = counts
            .into_keys()
            .map(|c| {
                let l = if light_first {
                    255_000 - luma(c)
                } else {
                    luma(c)
                };
                u64::from(c[3] == 255) << 50 | u64::from(l) << 32 | u64::from(u32::from_be_bytes(c))
            })
            .collect();
        keyed.sort_unstable();
        let colors: Vec<[u8; 4]> = keyed.iter().map(|&k| (k as u32).to_be_bytes()).collect();
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
            .map(|p| index[&[p[0], p[1], p[2], p[3]]]);
        let (w, h) = (image.width() as usize, image.height() as usize);
        let translucent = colors.iter().take_while(|c| c[3] != 255).count();
        Some(Packed {
            width: image.width(),
            height: image.height(),
            color: ColorType::Indexed,
            depth,
            palette: colors.iter().map(|c| [c[0], c[1], c[2]]).collect(),
            trns: colors[..translucent].iter().map(|c| c[3]).collect(),
            data: pack_bits(indices, w, h, depth),
        })
    }

    /// `n` colours whose hashes all land on the same slot of a 1024-slot [`ColorMap`] (the count's
    /// size), so that lookups probe past each other and wrap around the table's end.
    fn colliding_colors(n: u32) -> Vec<u32> {
        // The multiplier's inverse modulo 2^32, by Newton's iteration.
        let mut inverse = 0x9E37_79B1u32;
        for _ in 0..5 {
            inverse = inverse.wrapping_mul(2u32.wrapping_sub(0x9E37_79B1u32.wrapping_mul(inverse)));
        }
        (0..n)
            .map(|k| (0x3FF << 22 | k).wrapping_mul(inverse))
            .collect()
    }

    #[test]
    fn the_colour_map_builds_the_same_palettes_as_the_plain_hash_map() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut tried = 0;
        for colors in [1usize, 2, 3, 5, 16, 17, 200, 256, 257, 300] {
            for colliding in [false, true] {
                let palette: Vec<u32> = if colliding {
                    colliding_colors(colors as u32)
                } else {
                    (0..colors).map(|_| next() as u32).collect()
                };
                let (w, h) = (37u32, 29u32);
                let mut data = Vec::new();
                // Every colour once, then runs of random lengths (flat areas and single pixels).
                let mut pixels: Vec<u32> = palette.clone();
                while pixels.len() < (w * h) as usize {
                    let c = palette[next() as usize % colors];
                    let run = 1 + next() as usize % 12;
                    pixels.extend(std::iter::repeat_n(c, run));
                }
                pixels.truncate((w * h) as usize);
                for p in &pixels {
                    data.extend(p.to_be_bytes());
                }
                let image = Rgba8::new(w, h, data).unwrap();
                let fast = pack_indexed(&image);
                assert_eq!(fast, plain_pack_indexed(&image), "{colors} colours");
                assert_eq!(fast.is_some(), colors <= 256);
                tried += 1;
            }
        }
        assert_eq!(tried, 20);
    }

    #[test]
    fn the_colour_map_holds_colliding_keys_and_grows() {
        let mut map = ColorMap::with_capacity(4);
        let keys = colliding_colors(600);
        for (i, &k) in keys.iter().enumerate() {
            *map.entry(k) = i as u32;
            *map.entry(k) += 1;
        }
        assert_eq!(map.len(), 600);
        for (i, &k) in keys.iter().enumerate() {
            assert_eq!(map.get(k), Some(i as u32 + 1));
        }
        assert_eq!(map.get(12345), None);
        let mut seen: Vec<u32> = map.iter().map(|(k, _)| k).collect();
        seen.sort_unstable();
        let mut want = keys.clone();
        want.sort_unstable();
        assert_eq!(seen, want);
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
