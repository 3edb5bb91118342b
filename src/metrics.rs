//! How much a result cost and saved: error against the original (MSE, PSNR, SSIMULACRA2) and the
//! size ratio.

mod ssimulacra2;

use crate::error::{Error, Result};
use crate::pixels::{over_white, Image, Rgba16, Rgba8};

/// Fidelity of a result against its original.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Metrics {
    /// Mean squared error over R, G and B, 8-bit scale.
    pub mse: f64,
    /// Peak signal-to-noise ratio in dB (peak 255); infinite when the images are identical.
    pub psnr: f64,
    /// SSIMULACRA2 perceptual score: 100 identical, about 90 visually lossless, 70 high quality,
    /// 50 medium, 30 low. `None` for images under [`SSIMULACRA2_MIN_SIDE`] pixels a side, which it
    /// cannot judge.
    pub ssimulacra2: Option<f64>,
}

/// The shortest side SSIMULACRA2 judges. It scores six scales, each half the last; its weights
/// assume all six exist, and a shorter side loses the coarse ones (scale 5 needs a side of 113):
/// the scales that remain are then weighed with other scales' weights, and the score is inflated
/// (a 32768 x 8 strip at 14 dB PSNR scored 85, where a large image at that PSNR scores below 0).
pub const SSIMULACRA2_MIN_SIDE: u32 = 113;

/// Whether SSIMULACRA2 can judge an image of `width` x `height`.
pub fn can_score(width: u32, height: u32) -> bool {
    width.min(height) >= SSIMULACRA2_MIN_SIDE
}

/// Why an image of `width` x `height` has no SSIMULACRA2 score, if it has none.
pub(crate) fn unscored_reason(width: u32, height: u32) -> Option<String> {
    (!can_score(width, height)).then(|| {
        format!(
            "SSIMULACRA2 cannot judge an image under {SSIMULACRA2_MIN_SIDE} pixels a side \
             (this one is {width} x {height}), so it has no score"
        )
    })
}

/// Images up to this many pixels are scored whole, exactly as SSIMULACRA2 defines.
const WHOLE_MAX_PIXELS: usize = 1 << 20;

/// Larger images are scored on square tiles of this side, at full resolution, spread evenly over the
/// image and averaged by area, up to [`SAMPLED_PIXELS`] in all. Scoring a 12-megapixel photo whole
/// needs about 1 GB of float planes and 9 s (native); the sample needs a tenth of the memory and time.
/// Measured at q75: iPhone 12 MP photo 77.7 whole, 79.4 on a 2 MP sample; Canon 12 MP photo 80.1 on
/// 2 MP, 80.9 on 1 MP. A megapixel keeps a 12 MP compress in wasm at 2.1 s instead of 3.6 s.
const TILE: usize = 512;
const SAMPLED_PIXELS: usize = 1 << 20;

/// MSE, PSNR and SSIMULACRA2 of two equally sized images. Both are first composited over white, as a
/// viewer shows them, so that colour hidden under fully transparent pixels does not count as error.
///
/// # Errors
/// [`Error::InvalidInput`] if the dimensions differ.
pub fn measure(original: &Rgba8, result: &Rgba8) -> Result<Metrics> {
    if (original.width(), original.height()) != (result.width(), result.height()) {
        return Err(Error::InvalidInput(format!(
            "cannot compare a {} x {} image with a {} x {} one",
            original.width(),
            original.height(),
            result.width(),
            result.height()
        )));
    }
    Ok(metrics_from(
        mse(original, result),
        can_score(original.width(), original.height()),
        || ssimulacra2_tiled(original, result),
    ))
}

/// The figures from the MSE: no score where the size cannot be judged (`scorable` false), 100 for
/// identical images without scoring them, else `score()`. Shared by [`measure`] and [`from_parts`]
/// so that a split measure decides as a whole one does.
fn metrics_from(mse: f64, scorable: bool, score: impl FnOnce() -> Option<f64>) -> Metrics {
    let ssimulacra2 = if !scorable {
        None
    } else if mse == 0.0 {
        Some(100.0)
    } else {
        score()
    };
    Metrics {
        mse,
        psnr: psnr_from_mse(mse),
        ssimulacra2,
    }
}

pub(crate) fn mse(original: &Rgba8, result: &Rgba8) -> f64 {
    mse_from(squared_error(original, result), original.data().len() / 4)
}

/// The MSE of `pixels` pixels whose squared R, G and B differences add up to `sum`.
pub(crate) fn mse_from(sum: u64, pixels: usize) -> f64 {
    sum as f64 / (pixels as f64 * 3.0)
}

/// The sum over every pixel of the squared differences of R, G and B, both images composited over
/// white: an integer, so that parts of an image measured apart add up to it exactly.
pub(crate) fn squared_error(original: &Rgba8, result: &Rgba8) -> u64 {
    squared_error_with::<{ crate::simd::ACCELERATED }>(original.data(), result.data())
}

/// [`squared_error`] of two RGBA8 buffers, four pixels at a time where all eight are opaque (most,
/// in photos: no compositing needed) on the vector path (`VECTOR`), pixel by pixel otherwise.
fn squared_error_with<const VECTOR: bool>(a: &[u8], b: &[u8]) -> u64 {
    use crate::simd::I32x4;
    let len = a.len().min(b.len());
    let whole = if VECTOR { len - len % 16 } else { 0 };
    let mut sum = 0u64;
    // Each lane grows by at most 2 * 2 * 255² a group: 8192 groups stay under 2^32.
    for (ca, cb) in a[..whole]
        .chunks(16 * 8192)
        .zip(b[..whole].chunks(16 * 8192))
    {
        let mut acc = I32x4::splat(0);
        for (pa, pb) in ca.chunks_exact(16).zip(cb.chunks_exact(16)) {
            let (va, vb) = (I32x4::load_bytes(pa), I32x4::load_bytes(pb));
            if va.all_opaque(vb) {
                acc = acc.add_rgb_squared_error(va, vb);
            } else {
                sum += pixel_squared_error(pa, pb);
            }
        }
        sum += acc
            .to_array()
            .iter()
            .map(|&v| u64::from(v as u32))
            .sum::<u64>();
    }
    sum + pixel_squared_error(&a[whole..len], &b[whole..len])
}

/// [`squared_error`] pixel by pixel.
fn pixel_squared_error(a: &[u8], b: &[u8]) -> u64 {
    let mut sum = 0u64;
    for (a, b) in a.chunks_exact(4).zip(b.chunks_exact(4)) {
        // Opaque pixels (most, in photos) are their own colour over white: no compositing needed.
        let (a, b) = if (a[3] & b[3]) == 255 {
            ([a[0], a[1], a[2]], [b[0], b[1], b[2]])
        } else {
            (
                [0, 1, 2].map(|c| over_white(a[c], a[3])),
                [0, 1, 2].map(|c| over_white(b[c], b[3])),
            )
        };
        let mut pixel = 0u32;
        for c in 0..3 {
            let d = u32::from(a[c].abs_diff(b[c]));
            pixel += d * d;
        }
        sum += u64::from(pixel);
    }
    sum
}

/// Tile boundaries along one side: `TILE`-long spans, the last one absorbing a short remainder so no
/// tile is thinner than half a tile (and so never under [`SSIMULACRA2_MIN_SIDE`] where the side
/// is not).
fn spans(len: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < len {
        let end = if len - start < TILE + TILE / 2 {
            len
        } else {
            start + TILE
        };
        out.push((start, end));
        start = end;
    }
    out
}

/// The regions scored: the whole image when small, otherwise evenly spread tiles.
fn regions(w: usize, h: usize) -> Vec<((usize, usize), (usize, usize))> {
    if w * h <= WHOLE_MAX_PIXELS {
        return vec![((0, w), (0, h))];
    }
    let all: Vec<_> = spans(h)
        .into_iter()
        .flat_map(|ys| spans(w).into_iter().map(move |xs| (xs, ys)))
        .collect();
    let wanted = (SAMPLED_PIXELS / (TILE * TILE)).max(1);
    if all.len() <= wanted {
        return all;
    }
    // Evenly spaced in reading order; an odd stride walks across columns as it goes down rows.
    let stride = all.len() as f64 / wanted as f64;
    (0..wanted)
        .map(|i| all[((i as f64 + 0.5) * stride) as usize])
        .collect()
}

fn ssimulacra2_tiled(original: &Rgba8, result: &Rgba8) -> Option<f64> {
    if !can_score(original.width(), original.height()) {
        return None;
    }
    let all = regions(original.width() as usize, original.height() as usize);
    let scores = region_scores(original, result, &all)?;
    Some(area_weighted(&all, &scores))
}

/// A rectangle of an image: columns `x0..x1` and rows `y0..y1`, as `((x0, x1), (y0, y1))`.
pub(crate) type Region = ((usize, usize), (usize, usize));

/// The regions [`measure`] scores for SSIMULACRA2 on a `width` x `height` image (empty when it
/// cannot judge that size): the whole image up to a megapixel, otherwise evenly spread tiles. The
/// tiles are independent: scored apart ([`region_scores`], e.g. on crops in other workers) and
/// combined by [`area_weighted`], they give [`measure`]'s score to the bit.
#[cfg(any(all(feature = "full", target_arch = "wasm32"), test))]
pub(crate) fn ssimulacra2_regions(width: u32, height: u32) -> Vec<Region> {
    if can_score(width, height) {
        regions(width as usize, height as usize)
    } else {
        Vec::new()
    }
}

/// SSIMULACRA2 of each region of `result` against the same region of `original` (same size; the
/// regions in bounds and at least 8 pixels a side). `None` when the sizes differ or a region is out
/// of bounds or too small.
pub(crate) fn region_scores(
    original: &Rgba8,
    result: &Rgba8,
    regions: &[Region],
) -> Option<Vec<f64>> {
    let (w, h) = (original.width() as usize, original.height() as usize);
    let fits =
        |(a, b): (usize, usize), len: usize| a.checked_add(8).is_some_and(|a| a <= b) && b <= len;
    if (w, h) != (result.width() as usize, result.height() as usize)
        || !regions.iter().all(|&(xs, ys)| fits(xs, w) && fits(ys, h))
    {
        return None;
    }
    let lut = srgb_to_linear_table();
    let mut work = ssimulacra2::Work::default();
    regions
        .iter()
        .map(|&(xs, ys)| {
            let tile = |img: &Rgba8| linear_tile(img, &lut, xs, ys);
            Some(ssimulacra2::score(
                &tile(original)?,
                &tile(result)?,
                &mut work,
            ))
        })
        .collect()
}

/// The regions' scores averaged by area, in their order: `weighted += score * area`, `area += area`,
/// then `weighted / area`, all in f64 (js/pool.js's `measureSplit` combines its workers' tiles with
/// the same operations in the same order, so the same bits).
pub(crate) fn area_weighted(regions: &[Region], scores: &[f64]) -> f64 {
    let (mut weighted, mut area) = (0.0, 0.0);
    for (((x0, x1), (y0, y1)), score) in regions.iter().zip(scores) {
        let tile_area = ((x1 - x0) * (y1 - y0)) as f64;
        weighted += score * tile_area;
        area += tile_area;
    }
    weighted / area
}

/// [`measure`]'s figures for a `width` x `height` image from parts measured apart: the
/// [`squared_error`]s of its pieces added up (an integer, so exactly the whole's), and the
/// SSIMULACRA2 score of each of its [`ssimulacra2_regions`], in their order. `None` when the number
/// of scores is not the number of regions.
#[cfg(any(all(feature = "full", target_arch = "wasm32"), test))]
pub(crate) fn from_parts(
    width: u32,
    height: u32,
    squared_error: u64,
    scores: &[f64],
) -> Option<Metrics> {
    let regions = ssimulacra2_regions(width, height);
    if scores.len() != regions.len() {
        return None;
    }
    let mse = mse_from(squared_error, width as usize * height as usize);
    Some(metrics_from(mse, !regions.is_empty(), || {
        Some(area_weighted(&regions, scores))
    }))
}

/// Columns `x0..x1` of rows `y0..y1` of `img`, over white, as planar linear RGB.
fn linear_tile(
    img: &Rgba8,
    lut: &[f32; 256],
    (x0, x1): (usize, usize),
    (y0, y1): (usize, usize),
) -> Option<ssimulacra2::LinearPlanes> {
    let w = img.width() as usize;
    let n = (x1 - x0) * (y1 - y0);
    let mut planes = [vec![0.0; n], vec![0.0; n], vec![0.0; n]];
    let mut i = 0;
    for y in y0..y1 {
        let row = img.data().get((y * w + x0) * 4..(y * w + x1) * 4)?;
        for p in row.chunks_exact(4) {
            for (c, plane) in planes.iter_mut().enumerate() {
                plane[i] = lut[usize::from(over_white(p[c], p[3]))];
            }
            i += 1;
        }
    }
    Some(ssimulacra2::LinearPlanes {
        width: x1 - x0,
        height: y1 - y0,
        planes,
    })
}

fn srgb_to_linear_table() -> [f32; 256] {
    std::array::from_fn(|i| {
        let v = i as f32 / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    })
}

/// MSE over R, G and B on the 16-bit scale between a 16-bit original and a result at either
/// precision (an 8-bit result widened exactly, times 257, so the figure counts the low bits it lost),
/// both composited over white as [`measure`] does. `None` when the sizes differ.
pub(crate) fn mse16(original: &Rgba16, result: &Image) -> Option<f64> {
    let wide;
    let result = match result {
        Image::Rgba16(r) => r,
        Image::Rgba8(r) => {
            wide = Rgba16::new(
                r.width(),
                r.height(),
                r.data().iter().map(|&v| u16::from(v) * 257).collect(),
            )
            .ok()?;
            &wide
        }
    };
    if (original.width(), original.height()) != (result.width(), result.height()) {
        return None;
    }
    let over = |c: u16, a: u16| -> u64 {
        let (c, a) = (u64::from(c), u64::from(a));
        (c * a + 65_535 * (65_535 - a) + 32_767) / 65_535
    };
    let mut sum = 0u128;
    for (a, b) in original
        .data()
        .chunks_exact(4)
        .zip(result.data().chunks_exact(4))
    {
        for c in 0..3 {
            let d = over(a[c], a[3]).abs_diff(over(b[c], b[3]));
            sum += u128::from(d * d);
        }
    }
    Some(sum as f64 / (original.data().len() as f64 / 4.0 * 3.0))
}

/// PSNR in dB for an MSE on the 16-bit scale (peak 65535); `f64::INFINITY` for zero error.
pub fn psnr16_from_mse(mse: f64) -> f64 {
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (65_535.0 * 65_535.0 / mse).log10()
    }
}

/// PSNR in dB for an 8-bit MSE; `f64::INFINITY` for zero error.
pub fn psnr_from_mse(mse: f64) -> f64 {
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (255.0 * 255.0 / mse).log10()
    }
}

/// Compression ratio: original bytes / compressed bytes (0 if nothing was compressed).
pub fn ratio(original_bytes: usize, compressed_bytes: usize) -> f64 {
    if compressed_bytes == 0 {
        0.0
    } else {
        original_bytes as f64 / compressed_bytes as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mse_composites_over_white_and_skips_it_for_opaque_pixels() {
        let mut state = 7u32;
        let mut byte = move || {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        };
        let (w, h) = (31u32, 17u32);
        let mut data = [vec![], vec![]];
        for d in &mut data {
            for i in 0..w * h {
                let alpha = if i % 3 == 0 { byte() } else { 255 };
                d.extend([byte(), byte(), byte(), alpha]);
            }
        }
        let [a, b] = data.map(|d| Rgba8::new(w, h, d).expect("sized"));
        let mut sum = 0.0;
        for (p, q) in a.data().chunks_exact(4).zip(b.data().chunks_exact(4)) {
            for c in 0..3 {
                let d = f64::from(over_white(p[c], p[3])) - f64::from(over_white(q[c], q[3]));
                sum += d * d;
            }
        }
        assert_eq!(mse(&a, &b), sum / f64::from(w * h * 3));
    }

    crate::simd::twin_test!(squared_error_vector_path_matches_its_scalar_twin, {
        let mut next = crate::test_rng::xorshift32(0x1234_5678_u32);
        // Large enough to cross the accumulator's flush (8192 groups of four pixels), with
        // translucent pixels here and there, extreme differences, and lengths that leave a tail.
        for pixels in [0usize, 1, 3, 4, 5, 17, 4 * 8192 - 1, 4 * 8192 + 7, 70_001] {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for i in 0..pixels {
                let r = next();
                let alpha = |bits: u32| {
                    if bits.is_multiple_of(97) {
                        (bits >> 8) as u8
                    } else {
                        255
                    }
                };
                let extreme = i % 5 == 0;
                let pa: [u8; 3] = if extreme {
                    [0, 255, 0]
                } else {
                    [r as u8, (r >> 8) as u8, (r >> 16) as u8]
                };
                let pb: [u8; 3] = if extreme {
                    [255, 0, 255]
                } else {
                    [(r >> 5) as u8, (r >> 13) as u8, (r >> 21) as u8]
                };
                a.extend(pa);
                a.push(alpha(next()));
                b.extend(pb);
                b.push(alpha(next()));
            }
            let scalar = squared_error_with::<false>(&a, &b);
            assert_eq!(
                squared_error_with::<true>(&a, &b),
                scalar,
                "{pixels} pixels"
            );
            assert_eq!(scalar, pixel_squared_error(&a, &b));
        }
    });

    /// Tiles scored apart, as crops (what a second worker is sent), and combined by area give the
    /// whole measure's score to the bit: the split over workers (js/pool.js) rests on this.
    #[test]
    fn tiles_scored_apart_combine_to_the_whole_score() {
        let (w, h) = (1400u32, 1000u32);
        let mut next = crate::test_rng::xorshift32(0x9e37_79b9_u32);
        let mut original = Vec::with_capacity((w * h * 4) as usize);
        let mut result = Vec::with_capacity(original.capacity());
        for y in 0..h {
            for x in 0..w {
                let state = next();
                let n = (state % 9) as u8;
                let p = [
                    (x / 6) as u8 ^ n,
                    (y / 4) as u8,
                    ((x + y) % 200) as u8 + n,
                    255,
                ];
                original.extend(p);
                let block = if (x / 8 + y / 8) % 2 == 0 { 3 } else { 0 };
                result.extend([
                    p[0].saturating_add(block),
                    p[1],
                    p[2].saturating_sub(n % 4),
                    255,
                ]);
            }
        }
        let [original, result] = [original, result].map(|d| Rgba8::new(w, h, d).expect("sized"));
        let whole = measure(&original, &result)
            .expect("same size")
            .ssimulacra2
            .expect("scored");
        let all = ssimulacra2_regions(w, h);
        assert_eq!(all.len(), 4, "{all:?}");
        let crop = |img: &Rgba8, ((x0, x1), (y0, y1)): Region| {
            let mut data = Vec::new();
            for y in y0..y1 {
                data.extend_from_slice(
                    &img.data()[(y * w as usize + x0) * 4..(y * w as usize + x1) * 4],
                );
            }
            Rgba8::new((x1 - x0) as u32, (y1 - y0) as u32, data).expect("sized")
        };
        // The first two on the whole image (one worker), the others each on its own crop.
        let mut scores = region_scores(&original, &result, &all[..2]).expect("in bounds");
        for &r in &all[2..] {
            let (a, b) = (crop(&original, r), crop(&result, r));
            let whole_crop = ((0, a.width() as usize), (0, a.height() as usize));
            scores.extend(region_scores(&a, &b, &[whole_crop]).expect("in bounds"));
        }
        let combined = area_weighted(&all, &scores);
        assert_eq!(combined.to_bits(), whole.to_bits(), "{combined} vs {whole}");
        // The squared error of two bands of rows (what js/pool.js's measureSplit sends each worker)
        // and the tiles' scores: measure's figures to the bit.
        let band = |img: &Rgba8, rows: std::ops::Range<usize>| {
            let bytes = img.data()[rows.start * w as usize * 4..rows.end * w as usize * 4].to_vec();
            Rgba8::new(w, rows.len() as u32, bytes).expect("sized")
        };
        let sum = squared_error(&band(&original, 0..333), &band(&result, 0..333))
            + squared_error(&band(&original, 333..1000), &band(&result, 333..1000));
        let parts = from_parts(w, h, sum, &scores).expect("one score a region");
        let plain = measure(&original, &result).expect("same size");
        assert_eq!(
            [parts.mse, parts.psnr, parts.ssimulacra2.unwrap_or(-1.0)].map(f64::to_bits),
            [plain.mse, plain.psnr, whole].map(f64::to_bits)
        );
        assert_eq!(from_parts(w, h, sum, &scores[1..]), None);
        assert_eq!(
            from_parts(w, h, 0, &scores).and_then(|m| m.ssimulacra2),
            Some(100.0)
        );
        assert_eq!(
            from_parts(100, 1000, 7, &[]).map(|m| m.ssimulacra2),
            Some(None)
        );
        assert!(whole > 0.0 && whole < 100.0, "{whole}");
        // Out of bounds or under 8 pixels a side: no score rather than a panic.
        for bad in [
            ((0, 1401), (0, 8)),
            ((5, 4), (0, 8)),
            ((0, 7), (0, 8)),
            ((usize::MAX - 3, usize::MAX), (0, 8)),
        ] {
            assert_eq!(region_scores(&original, &result, &[bad]), None, "{bad:?}");
        }
        assert!(ssimulacra2_regions(112, 5000).is_empty());
        assert_eq!(
            ssimulacra2_regions(1000, 1000),
            vec![((0, 1000), (0, 1000))]
        );
    }

    #[test]
    fn spans_cover_every_pixel_with_no_thin_tile() {
        for len in [8, 1000, 1024, 1535, 1536, 2048, 3024, 4032] {
            let s = spans(len);
            assert_eq!(s.first().map(|s| s.0), Some(0));
            assert_eq!(s.last().map(|s| s.1), Some(len));
            assert!(s.windows(2).all(|w| w[0].1 == w[1].0));
            assert!(s.iter().all(|(a, b)| b - a >= 8.min(len)));
            assert!(s.iter().all(|(a, b)| b - a < TILE + TILE / 2));
        }
    }
}

/// Our SSIMULACRA2 against the `ssimulacra2` crate it replaced, on the corpus photos as the package
/// scores them (the same tiles; JPEG results at low, default and high quality). Once, in the default
/// build's tests: the core build's metric is the same code.
#[cfg(all(test, feature = "full"))]
mod reference {
    use super::*;
    use crate::options::{Format, Options};

    /// The crate's score of the same regions, weighted the same way.
    pub(super) fn crate_tiled(original: &Rgba8, result: &Rgba8) -> f64 {
        let (w, h) = (original.width() as usize, original.height() as usize);
        let lut = srgb_to_linear_table();
        let (mut weighted, mut area) = (0.0, 0.0);
        for ((x0, x1), (y0, y1)) in regions(w, h) {
            let frame = |img: &Rgba8| {
                let t = linear_tile(img, &lut, (x0, x1), (y0, y1)).expect("tile in bounds");
                let data = (0..t.width * t.height)
                    .map(|i| [t.planes[0][i], t.planes[1][i], t.planes[2][i]])
                    .collect();
                ::ssimulacra2::LinearRgb::new(data, t.width, t.height).expect("consistent tile")
            };
            let score = ::ssimulacra2::compute_frame_ssimulacra2(frame(original), frame(result))
                .expect("scores");
            let tile_area = ((x1 - x0) * (y1 - y0)) as f64;
            weighted += score * tile_area;
            area += tile_area;
        }
        weighted / area
    }

    /// The largest difference allowed, on the 0–100 scale (the search's `minScore` targets rest on
    /// these scores).
    const TOLERANCE: f64 = 0.05;

    #[test]
    fn scores_match_the_ssimulacra2_crate_on_the_corpus_photos() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/photos");
        if !dir.is_dir() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{} is missing (CI=true)",
                dir.display()
            );
            println!(
                "SKIP: {} not found (the corpus sits beside the clone)",
                dir.display()
            );
            return;
        }
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("corpus folder is readable")
            .map(|e| e.expect("corpus entry").path())
            .collect();
        files.sort();
        let (mut worst, mut count) = (0.0f64, 0);
        for path in files {
            let bytes = std::fs::read(&path).expect("corpus file is readable");
            let Ok(original) = crate::decode(&bytes, &crate::Limits::default()) else {
                continue;
            };
            let image: crate::Image = original.clone().into();
            for quality in [30, 75, 95] {
                let options = Options::new(Format::Jpeg).with_quality(quality);
                let encoded = crate::encode(&image, &options).expect("encodes");
                let result = crate::decode(&encoded, &crate::Limits::default()).expect("decodes");
                let ours = ssimulacra2_tiled(&original, &result).expect("scores");
                let theirs = crate_tiled(&original, &result);
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
                println!("{name} q{quality}: ours {ours:.4}, crate {theirs:.4}");
                worst = worst.max((ours - theirs).abs());
                count += 1;
            }
        }
        println!("{count} results, largest difference {worst:.4}");
        assert!(count >= 3, "no corpus photo decoded in {}", dir.display());
        assert!(worst <= TOLERANCE, "largest difference {worst}");
    }
}
