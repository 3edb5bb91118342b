//! How much a result cost and saved: error against the original (MSE, PSNR, SSIMULACRA2) and the
//! size ratio.

use ssimulacra2::{compute_frame_ssimulacra2, LinearRgb};

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
    let mse = mse(original, result);
    let ssimulacra2 = if !can_score(original.width(), original.height()) {
        None
    } else if mse == 0.0 {
        Some(100.0)
    } else {
        ssimulacra2_tiled(original, result)
    };
    Ok(Metrics {
        mse,
        psnr: psnr_from_mse(mse),
        ssimulacra2,
    })
}

pub(crate) fn mse(original: &Rgba8, result: &Rgba8) -> f64 {
    let mut sum = 0u64;
    for (a, b) in original
        .data()
        .chunks_exact(4)
        .zip(result.data().chunks_exact(4))
    {
        for c in 0..3 {
            let d = i64::from(over_white(a[c], a[3])) - i64::from(over_white(b[c], b[3]));
            sum += (d * d) as u64;
        }
    }
    sum as f64 / (original.data().len() as f64 / 4.0 * 3.0)
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
    let (w, h) = (original.width() as usize, original.height() as usize);
    let lut = srgb_to_linear_table();
    let mut weighted = 0.0;
    let mut area = 0.0;
    for ((x0, x1), (y0, y1)) in regions(w, h) {
        let tile = |img: &Rgba8| -> Option<LinearRgb> {
            let mut data = Vec::with_capacity((x1 - x0) * (y1 - y0));
            for y in y0..y1 {
                let row = img.data().get((y * w + x0) * 4..(y * w + x1) * 4)?;
                for p in row.chunks_exact(4) {
                    data.push([0, 1, 2].map(|c| lut[usize::from(over_white(p[c], p[3]))]));
                }
            }
            LinearRgb::new(data, x1 - x0, y1 - y0).ok()
        };
        let score = compute_frame_ssimulacra2(tile(original)?, tile(result)?).ok()?;
        let tile_area = ((x1 - x0) * (y1 - y0)) as f64;
        weighted += score * tile_area;
        area += tile_area;
    }
    Some(weighted / area)
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
